/**
 * Our parsers read every recorded queue item and build, old (Jenkins 1.x, no
 * `_class`) and new, and reject what is not Jenkins.
 */

import { readFileSync } from 'node:fs'
import { JenkinsError } from '../../../src/core/errors.js'
import {
  parseBuildInfo,
  parseBuildList,
  parseQueueItem
} from '../../../src/jenkins/types.js'
import { recordedDir } from '../../helpers/shared.js'

const read = (file: string): unknown =>
  JSON.parse(readFileSync(recordedDir('jenkins', file), 'utf8'))

describe('parseQueueItem on the recordings', () => {
  it.each([
    ['cdancy-jenkins-rest/queueItemPending.json', 'blocked', undefined],
    ['cdancy-jenkins-rest/queueItemNullTaskName.json', 'blocked', undefined],
    [
      'cdancy-jenkins-rest/queueItemMissingTaskUrl.json',
      'buildable',
      undefined
    ],
    ['cdancy-jenkins-rest/queueItemRunning.json', 'left', 14],
    ['cdancy-jenkins-rest/queueItemMultipleParameters.json', 'left', 14],
    ['cdancy-jenkins-rest/queueItemCancelled.json', 'cancelled', undefined],
    // Jenkins 1.x: no _class, no `cancelled`; the executable says it left.
    ['silas-node-jenkins/queueItem.json', 'left', 28]
  ])('%s is %s', (file, state, build) => {
    const item = parseQueueItem(read(file), 'http://jenkins/x')
    expect(item.state).toBe(state)
    expect(item.executable?.number).toBe(build)
  })

  it('keeps why and stuck for the log', () => {
    const item = parseQueueItem(
      read('cdancy-jenkins-rest/queueItemPending.json'),
      'u'
    )
    expect(item).toMatchObject({
      id: 143,
      why: 'Build #9 is already in progress (ETA:15 sec)',
      stuck: false
    })
  })

  it('reads a waiting item and its quiet period end', () => {
    const item = parseQueueItem(
      {
        _class: 'hudson.model.Queue$WaitingItem',
        id: 57,
        blocked: false,
        buildable: false,
        why: 'In the quiet period. Expires in 4.9 sec',
        inQueueSince: 1000,
        timestamp: 6000
      },
      'u'
    )
    expect(item).toMatchObject({
      state: 'waiting',
      timestamp: 6000,
      inQueueSince: 1000
    })
  })
})

describe('parseBuildInfo on the recordings', () => {
  it.each([
    'cdancy-jenkins-rest/build-info.json',
    'cdancy-jenkins-rest/build-info-no-params.json',
    'cdancy-jenkins-rest/build-info-git-commit.json',
    'cdancy-jenkins-rest/build-info-empty-and-null-params.json',
    'silas-node-jenkins/buildGet.json'
  ])('%s is a finished SUCCESS', (file) => {
    const info = parseBuildInfo(read(file), 'u')
    expect(info).toMatchObject({ building: false, result: 'SUCCESS' })
    expect(info.estimatedDuration).toBeGreaterThan(0)
  })

  it('treats result-while-building as not finished', () => {
    const info = parseBuildInfo(
      { number: 3, building: true, result: 'UNSTABLE', duration: 0 },
      'u'
    )
    expect(info).toMatchObject({ building: true, result: 'UNSTABLE' })
  })

  it('treats inProgress as still building', () => {
    const info = parseBuildInfo(
      { number: 3, building: false, inProgress: true, result: 'SUCCESS' },
      'u'
    )
    expect(info.building).toBe(true)
  })

  it.each([
    [{ number: 1, building: 'no' }, "field 'building'"],
    [{ number: 1, building: false, result: 'GREEN' }, "field 'result'"],
    [{ building: false }, "field 'number'"],
    ['<html>', "field '(document)'"]
  ])('rejects %j naming the URL and %s', (doc, field) => {
    const parse = (): unknown =>
      parseBuildInfo(doc, 'http://ci/job/x/1/api/json')
    expect(parse).toThrow(JenkinsError)
    expect(parse).toThrow(
      `unexpected Jenkins answer from http://ci/job/x/1/api/json: ${field}`
    )
  })

  it('reads the build list of a job with queue ids', () => {
    expect(
      parseBuildList(
        {
          builds: [
            { number: 2, url: 'u2', queueId: 9 },
            { number: 1, url: 'u1' }
          ]
        },
        'u'
      )
    ).toEqual([
      { number: 2, url: 'u2', queueId: 9 },
      { number: 1, url: 'u1' }
    ])
  })
})
