import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import { InputError } from '../../../src/core/index.js'
import {
  stackImageInputsFromConfig,
  stackImageInputsFromFlags,
  stackImagePlan,
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

describe('stack-image inputs from a project', () => {
  const config = {
    ...loadStackciConfig(
      [
        'version: 1',
        'registry: { repository: ghcr.io/lsst/scipipe, username-env: REG_USER, password-env: REG_PASS }',
        'image:',
        '  context: stack',
        '  dockerfile: stack/Dockerfile.al9',
        "  tag-template: ['{tag}', 'al9-{tag}']",
        "  build-args: { SPLENV_REF: '13.0.0', NOTE: 'at {git.short}' }",
        '  build-args-env: { BASE_IMAGE: BASE }',
        '  labels: { team: dm }',
        '  timeout: 2h',
        ''
      ].join('\n'),
      '/p/stackci.yml'
    ),
    baseDir: '/p'
  }
  const env = { REG_USER: 'bot', REG_PASS: 'pw', BASE: 'base:1' }
  const project = {
    config,
    env,
    kind: 'sha' as const,
    expand: (text: string) => text.replace('{git.short}', 'abc1234')
  }

  it('takes image: and registry: as defaults; flags override, maps key by key', () => {
    const fromFile = stackImageInputsFromFlags({}, env, project)
    expect(fromFile).toMatchObject({
      context: '/p/stack',
      dockerfile: '/p/stack/Dockerfile.al9',
      kind: 'sha',
      'tag-template': ['{tag}', 'al9-{tag}'],
      registry: 'ghcr.io/lsst/scipipe',
      username: 'bot',
      password: 'pw',
      'build-args': {
        SPLENV_REF: '13.0.0',
        NOTE: 'at abc1234',
        BASE_IMAGE: 'base:1'
      },
      labels: { team: 'dm' },
      push: false,
      timeout: 7_200_000
    })
    const flagged = stackImageInputsFromFlags(
      {
        context: 'other',
        kind: 'weekly',
        buildArg: ['SPLENV_REF=14.0.0'],
        label: ['team=ops'],
        tagTemplate: ['x-{tag}'],
        timeout: '5m',
        push: true
      },
      env,
      project
    )
    expect(flagged).toMatchObject({
      context: 'other',
      kind: 'weekly',
      'tag-template': ['x-{tag}'],
      'build-args': {
        SPLENV_REF: '14.0.0',
        NOTE: 'at abc1234',
        BASE_IMAGE: 'base:1'
      },
      labels: { team: 'ops' },
      push: true,
      timeout: 300_000
    })
  })

  it('outside a project: the action defaults, errors naming the flag', () => {
    expect(stackImageInputsFromFlags({ kind: 'sha' }, {})).toMatchObject({
      context: '.',
      timeout: 21_600_000,
      registry: undefined
    })
    expect(() => stackImageInputsFromFlags({}, {})).toThrow(
      '--kind is required (one of daily, weekly, release, rc, pr, sha)'
    )
    expect(() =>
      stackImageInputsFromFlags({ kind: 'sha', buildArg: ['NOEQUALS'] }, {})
    ).toThrow('--build-arg: "NOEQUALS" is not KEY=VALUE')
  })

  it("reads the pipeline's inputs: the run's decisions over the file", () => {
    const inputs = stackImageInputsFromConfig(project, {
      kind: 'weekly',
      version: undefined,
      date: '2026-12-03',
      push: true,
      dirty: true,
      buildArgs: { EUPS_TAG: 'w_2026_49', SPLENV_REF: 'overridden' },
      labels: { 'stackci.run-id': 'r1', team: 'pipeline' }
    })
    expect(inputs).toMatchObject({
      kind: 'weekly',
      date: '2026-12-03',
      push: true,
      'tag-template': ['{tag}-dirty', 'al9-{tag}-dirty'],
      'build-args': {
        EUPS_TAG: 'w_2026_49',
        SPLENV_REF: '13.0.0',
        NOTE: 'at abc1234',
        BASE_IMAGE: 'base:1'
      },
      labels: { team: 'pipeline', 'stackci.run-id': 'r1' }
    })
    expect(stackImagePlan(inputs)).toBe(
      'stack-image: build a weekly image from /p/stack, pushing to ghcr.io/lsst/scipipe'
    )
  })
})
