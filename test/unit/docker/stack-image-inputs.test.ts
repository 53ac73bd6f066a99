import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError } from '../../../src/core/index.js'
import {
  defaultVersion,
  stackImageInputsFromAction as readStackImageInputs,
  stackImagePaths,
  stackImageOutputs,
  stackImageSummary,
  releaseTags
} from '../../../src/docker/index.js'

const base = { INPUT_KIND: 'weekly' }

describe('stack-image inputs', () => {
  it('reads every input, optional ones as undefined', () => {
    const inputs = readStackImageInputs({
      ...base,
      INPUT_CONTEXT: 'stack',
      'INPUT_TAG-TEMPLATE': 'al9-{tag}\n# a comment\n\nal9-{tag}-{timestamp}',
      'INPUT_BUILD-ARGS': 'EUPS_TAG=w_2021_01\nSPLENV_REF=13.0.0',
      INPUT_LABELS: 'team=dm',
      INPUT_PUSH: 'true',
      INPUT_TIMEOUT: '2h'
    })
    expect(inputs).toMatchObject({
      context: 'stack',
      dockerfile: undefined,
      kind: 'weekly',
      date: undefined,
      'tag-template': ['al9-{tag}', 'al9-{tag}-{timestamp}'],
      registry: undefined,
      'build-args': { EUPS_TAG: 'w_2021_01', SPLENV_REF: '13.0.0' },
      labels: { team: 'dm' },
      push: true,
      'promote-from': undefined,
      'no-cache': false,
      timeout: 7_200_000
    })
  })

  it.each([
    [
      { INPUT_KIND: 'monthly' },
      /input 'kind' must be one of daily, weekly, release, rc, pr, sha, got "monthly"/
    ],
    [{ INPUT_KIND: '' }, /input 'kind' is required/],
    [
      { ...base, INPUT_PUSH: 'yes' },
      /input 'push' must be true or false, got "yes"/
    ],
    [
      { ...base, 'INPUT_BUILD-ARGS': 'NOEQUALS' },
      /input 'build-args': "NOEQUALS" is not KEY=VALUE/
    ],
    [
      { ...base, INPUT_TIMEOUT: '2 hours' },
      /input 'timeout' must be a duration/
    ]
  ])('names the bad input: %j', (env, message) => {
    expect(() => readStackImageInputs(env)).toThrow(InputError)
    expect(() => readStackImageInputs(env)).toThrow(message)
  })

  it('takes the PR number and head commit from the event, not the merge commit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-event-'))
    const event = join(dir, 'event.json')
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: { number: 7, head: { sha: 'cafe123456' } }
      })
    )
    const env = { GITHUB_EVENT_PATH: event, GITHUB_SHA: 'merge000000' }
    expect(defaultVersion('pr', env)).toBe('7')
    expect(defaultVersion('sha', env)).toBe('cafe123456')
    expect(defaultVersion('sha', { GITHUB_SHA: 'push1234567' })).toBe(
      'push1234567'
    )
    expect(defaultVersion('weekly', env)).toBeUndefined()
    rmSync(dir, { recursive: true, force: true })
  })

  it('resolves paths in the workspace', () => {
    const inputs = readStackImageInputs({
      ...base,
      INPUT_CONTEXT: 'stack',
      INPUT_DOCKERFILE: '/abs/Dockerfile'
    })
    const options = stackImagePaths(inputs, '/ws')
    expect(options.context).toBe('/ws/stack')
    expect(options.dockerfile).toBe('/abs/Dockerfile')
  })

  it('writes the four outputs and a summary', () => {
    const release = releaseTags({ kind: 'weekly', date: '2020-12-31' })
    const result = {
      image: 'r/s:w_2021_01',
      repository: 'r/s',
      tags: ['r/s:w_2021_01', 'r/s:w_latest'],
      imageId: 'sha256:1',
      digest: 'sha256:2',
      release,
      pushed: true,
      promotedFrom: 'r/s:sha-abc1234',
      moves: [{ tag: 'w_latest', before: 'sha256:0', after: 'sha256:2' }]
    }
    expect(stackImageOutputs(result)).toEqual({
      image: 'r/s:w_2021_01',
      tags: 'r/s:w_2021_01\nr/s:w_latest',
      digest: 'sha256:2',
      'image-id': 'sha256:1'
    })
    expect(stackImageOutputs({ ...result, digest: undefined })).toMatchObject({
      digest: ''
    })
    const summary = stackImageSummary(result)
    expect(summary).toContain(
      '| release | weekly `w.2021.01` (EUPS `w_2021_01`) |'
    )
    expect(summary).toContain('| digest | `sha256:2` |')
    expect(summary).toContain(
      '| promoted from | `r/s:sha-abc1234` (no rebuild) |'
    )
    expect(summary).toContain('- w_latest: moved 0 → 2')
  })
})
