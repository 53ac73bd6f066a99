import { InputError } from '../../../src/core/errors.js'
import { parseBuildState } from '../../../src/jenkins/cancel.js'
import {
  parseFailOn,
  summaryLine,
  type JenkinsBuildOutcome
} from '../../../src/jenkins/results.js'
import { jenkinsBuildOutputs } from '../../../src/jenkins/step.js'
import { describeQueueItem } from '../../../src/jenkins/follow.js'

const base: JenkinsBuildOutcome = {
  job: 'release/weekly-release',
  queueId: 57,
  queueUrl: 'https://ci/queue/item/57/',
  coalesced: false,
  failed: false,
  message: 'ok'
}

describe('parseFailOn', () => {
  it('defaults to FAILURE, ABORTED, NOT_BUILT (UNSTABLE passes)', () => {
    expect([...parseFailOn([], 'x')]).toEqual([
      'FAILURE',
      'ABORTED',
      'NOT_BUILT'
    ])
  })

  it('reads any case and dashes', () => {
    expect([...parseFailOn(['unstable', 'not-built'], 'x')]).toEqual([
      'UNSTABLE',
      'NOT_BUILT'
    ])
  })

  it('rejects unknown results, naming the flag', () => {
    expect(() => parseFailOn(['FAILED'], '--fail-on')).toThrow(InputError)
    expect(() => parseFailOn(['FAILED'], '--fail-on')).toThrow(
      '--fail-on must list Jenkins results (SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED), got "FAILED"'
    )
  })
})

describe('summaryLine', () => {
  it('gives the result, the duration and the links in one line', () => {
    expect(
      summaryLine({
        ...base,
        buildNumber: 42,
        buildUrl: 'https://ci/job/release/job/weekly-release/42/',
        result: 'UNSTABLE',
        durationMs: 602_000
      })
    ).toBe(
      '⚠️ Jenkins **release/weekly-release** [#42](https://ci/job/release/job/weekly-release/42/) **UNSTABLE** in 10m2s · [console](https://ci/job/release/job/weekly-release/42/console) · [queue item 57](https://ci/queue/item/57/)'
    )
  })

  it('says why when there is no build', () => {
    expect(
      summaryLine({
        ...base,
        failed: true,
        message: 'queue item 57 was cancelled'
      })
    ).toBe(
      '❌ Jenkins **release/weekly-release** [queue item 57](https://ci/queue/item/57/): queue item 57 was cancelled'
    )
  })

  it('escapes Markdown in names and messages', () => {
    expect(summaryLine({ ...base, job: 'a_b*c', message: '[x]' })).toContain(
      'Jenkins **a\\_b\\*c**'
    )
  })
})

describe('jenkinsBuildOutputs', () => {
  it('writes all eight, empty when unknown', () => {
    expect(jenkinsBuildOutputs({ outcome: base, artifacts: [] })).toEqual({
      'queue-url': 'https://ci/queue/item/57/',
      'build-number': '',
      'build-url': '',
      result: '',
      duration: '',
      'tests-passed': '',
      'tests-failed': '',
      'tests-skipped': ''
    })
  })

  it('writes the JUnit counts of a finished build', () => {
    expect(
      jenkinsBuildOutputs({
        outcome: {
          ...base,
          buildNumber: 7,
          buildUrl: 'https://ci/job/a/7/',
          result: 'UNSTABLE',
          durationMs: 1500
        },
        tests: { passed: 12, failed: 1, skipped: 0, failing: ['a.b'], more: 0 },
        artifacts: []
      })
    ).toEqual({
      'queue-url': 'https://ci/queue/item/57/',
      'build-number': '7',
      'build-url': 'https://ci/job/a/7/',
      result: 'UNSTABLE',
      duration: '1500',
      'tests-passed': '12',
      'tests-failed': '1',
      'tests-skipped': '0'
    })
  })
})

describe('parseBuildState', () => {
  it('reads what the step saved and ignores anything else', () => {
    expect(
      parseBuildState('{"job":"a","queueId":3,"build":7,"done":false}')
    ).toEqual({
      job: 'a',
      queueId: 3,
      build: 7,
      done: false
    })
    expect(parseBuildState('')).toBeUndefined()
    expect(parseBuildState(undefined)).toBeUndefined()
    expect(parseBuildState('{"job":1}')).toBeUndefined()
    expect(parseBuildState('not json')).toBeUndefined()
  })
})

describe('describeQueueItem', () => {
  it.each([
    [
      { state: 'waiting', why: 'In the quiet period. Expires in 4.9 sec' },
      'queued (quiet period): In the quiet period. Expires in 4.9 sec'
    ],
    [
      { state: 'blocked', why: 'Build #9 is already in progress (ETA:15 sec)' },
      'queued, blocked: Build #9 is already in progress (ETA:15 sec)'
    ],
    [
      {
        state: 'buildable',
        why: 'Waiting for next available executor on ‘linux’',
        stuck: true
      },
      'queued, waiting for an executor: Waiting for next available executor on ‘linux’ (Jenkins marks it stuck)'
    ]
  ] as const)('%j', (item, line) => {
    expect(describeQueueItem({ id: 1, stuck: false, ...item })).toBe(line)
  })
})
