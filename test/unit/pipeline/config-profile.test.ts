import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  loadStackciConfig,
  type StackciConfig
} from '../../../src/core/config.js'
import {
  ConfigError,
  formatProblem,
  InputError
} from '../../../src/core/errors.js'
import { RecordingReporter } from '../../../src/core/reporter.js'
import { releaseOf } from '../../../src/pipeline/image-step.js'
import { resolveProfile } from '../../../src/pipeline/profile.js'
import type { RunState } from '../../../src/pipeline/state.js'
import { checkRunId, pipelineRunId } from '../../../src/pipeline/run-id.js'
import { thrown } from '../../helpers/thrown.js'

const problems = (text: string): string[] => {
  const error = thrown(() => loadStackciConfig(text, 'stackci.yml'))
  expect(error).toBeInstanceOf(ConfigError)
  return (error as ConfigError).problems.map(formatProblem)
}

describe('stackci.yml profiles', () => {
  it('loads the sample pipeline: every profile, shared settings and scalars as text', () => {
    const file = join('examples', 'stackci.yml')
    const config = loadStackciConfig(readFileSync(file, 'utf8'), file)
    expect(Object.keys(config.profiles ?? {})).toEqual([
      'local',
      'quick',
      'pr',
      'daily',
      'weekly',
      'stable'
    ])
    expect(config.jenkins?.jobs).toMatchObject({
      pr: 'stack-os-matrix',
      weekly: 'release/weekly-release'
    })
    expect(config.integration?.datasets).toEqual({
      field_a: 'stack/datasets/field_a',
      field_b: 'stack/datasets/field_b'
    })
    expect(config.integration?.cpus).toBe(1)
  })

  it('keeps numbers and booleans of parameter maps as the text a process sees', () => {
    const config = loadStackciConfig(
      [
        'version: 1',
        'jenkins:',
        '  parameters: { NCPU: 4, DEBUG: true, SHA: "0123" }',
        ''
      ].join('\n'),
      'stackci.yml'
    )
    expect(config.jenkins?.parameters).toEqual({
      NCPU: '4',
      DEBUG: 'true',
      SHA: '0123'
    })
  })

  it('reports every schema problem of the new sections with file:line', () => {
    expect(
      problems(
        [
          'version: 1',
          'jenkins:',
          '  url: not a url',
          '  fail-on: [FAILED]',
          'image:',
          '  dockerfile: Dockerfile',
          'profiles:',
          '  pr:',
          '    steps: [lint, jenkins]',
          '    kind: nightly',
          '    on-failure: ignore',
          ''
        ].join('\n')
      )
    ).toEqual([
      expect.stringMatching(/^stackci\.yml:3:8 \(jenkins\.url\): /),
      expect.stringMatching(
        /^stackci\.yml:4:13 \(jenkins\.fail-on\[0\]\): must be one of .*"FAILURE"/
      ),
      'stackci.yml:6:3 (image.context): missing required key "context" (a string)',
      'stackci.yml:9:19 (profiles.pr.steps[1]): must be one of "lint", "jenkins-build", "stack-image", "integration", "verify", "dispatch-metrics", "report", "notebook", "promote", got string "jenkins"',
      'stackci.yml:11:17 (profiles.pr.on-failure): must be one of "stop", "continue", got string "ignore"',
      'stackci.yml:10:11 (profiles.pr.kind): must be one of "daily", "weekly", "release", "rc", "pr", "sha", got string "nightly"'
    ])
  })

  it('checks what the schema cannot see: sections, datasets, stores, the default', () => {
    expect(
      problems(
        [
          'version: 1',
          'default-profile: nightly',
          'integration:',
          '  datasets: { field_a: data/a }',
          'profiles:',
          '  pr:',
          '    steps: [integration, stack-image, lint, lint]',
          '    datasets: [field_a, field_c]',
          '    stores: [influxdb]',
          '  check:',
          '    steps: [integration, verify]',
          ''
        ].join('\n')
      )
    ).toEqual([
      'stackci.yml:7:26 (profiles.pr.steps[1]): step stack-image needs the image: section, and there is none (add image: (see docs/configuration.md) or drop stack-image from this profile)',
      'stackci.yml:7:45 (profiles.pr.steps[3]): lint is listed twice',
      'stackci.yml:8:25 (profiles.pr.datasets[1]): unknown dataset "field_c" (integration.datasets has field_a)',
      'stackci.yml:9:14 (profiles.pr.stores[0]): store influxdb is not configured under metrics.stores',
      'stackci.yml:11:26 (profiles.check.steps[1]): step verify needs the verify: section, and there is none (add verify: (see docs/configuration.md) or drop verify from this profile)',
      'stackci.yml:11:12 (profiles.check.steps): integration runs in the image stack-image builds, and stack-image is not a step here (add stack-image before integration)',
      'stackci.yml:2:18 (default-profile): no profile named "nightly" (profiles: pr, check)'
    ])
  })
})

describe('resolveProfile', () => {
  const config = (text: string): StackciConfig =>
    loadStackciConfig(`version: 1\n${text}`, 'stackci.yml')

  it('runs the steps in pipeline order whatever order the file lists', () => {
    const c = config(
      'lint: {}\nverify: { definitions: d }\nprofiles:\n  pr:\n    steps: [verify, lint, jenkins-build]\n'
    )
    const p = resolveProfile(c, 'pr')
    expect(p.steps).toEqual(['lint', 'jenkins-build', 'verify'])
    expect(p.onFailure).toBe('stop')
    expect(p.kind).toBe('pr')
  })

  it('chooses --profile, else default-profile, else local, else the only one', () => {
    const two = config(
      'profiles:\n  local: { steps: [] }\n  weekly: { steps: [] }\n'
    )
    expect(resolveProfile(two, undefined).name).toBe('local')
    expect(resolveProfile(two, 'weekly').kind).toBe('weekly')
    const chosen = config(
      'default-profile: weekly\nprofiles:\n  local: { steps: [] }\n  weekly: { steps: [] }\n'
    )
    expect(resolveProfile(chosen, undefined).name).toBe('weekly')
    const one = config('profiles:\n  nightly: { steps: [], kind: daily }\n')
    expect(resolveProfile(one, undefined)).toMatchObject({
      name: 'nightly',
      kind: 'daily'
    })
    const several = config(
      'profiles:\n  pr: { steps: [] }\n  weekly: { steps: [] }\n'
    )
    expect(
      (thrown(() => resolveProfile(several, undefined)) as Error).message
    ).toBe('several profiles and none chosen')
  })

  it('tags stable by release, or rc when the version is a candidate', () => {
    const c = config('profiles:\n  stable: { steps: [] }\n')
    expect(resolveProfile(c, 'stable', '29.0.0').kind).toBe('release')
    expect(resolveProfile(c, 'stable', '29.0.0-rc1').kind).toBe('rc')
  })

  it('gives a file without profiles the steps of its sections', () => {
    const p = resolveProfile(
      config('verify: { definitions: d }\nmetrics: {}\n'),
      undefined
    )
    expect(p.name).toBe('default')
    expect(p.steps).toEqual(['verify', 'dispatch-metrics'])
  })
})

describe('the run id', () => {
  it('is the workflow run and attempt in Actions', () => {
    expect(
      pipelineRunId({ GITHUB_RUN_ID: '7012345678', GITHUB_RUN_ATTEMPT: '3' })
    ).toBe('gh-7012345678-3')
  })

  it("is Jenkins' BUILD_TAG, made safe, in Jenkins", () => {
    expect(
      pipelineRunId({ BUILD_TAG: 'jenkins-release/Weekly Release-48' })
    ).toBe('jenkins-release-weekly-release-48')
  })

  it('is new and dated on a laptop, and the given one when given', () => {
    const id = pipelineRunId({}, undefined, new Date('2026-11-28T02:15:09Z'))
    expect(id).toMatch(/^local-20261128t0215-[0-9a-f]{4}$/)
    expect(pipelineRunId({}, undefined)).not.toBe(id)
    expect(pipelineRunId({ GITHUB_RUN_ID: '1' }, 'mine-2')).toBe('mine-2')
  })

  it('refuses an id that cannot name a container', () => {
    const error = thrown(() => checkRunId('Run 1!'))
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toBe(
      'run id "Run 1!" is not usable: it names containers and Jenkins parameters'
    )
  })
})

describe('the release an image is tagged by', () => {
  const runOf = (
    profile: string,
    env: Record<string, string>,
    options: { version?: string } = {}
  ): { run: RunState; reporter: RecordingReporter } => {
    const config = loadStackciConfig(
      'version: 1\nprofiles:\n  pr: { steps: [] }\n  local: { steps: [] }\n  strict: { steps: [], kind: pr }\n',
      join(mkdtempSync(join(tmpdir(), 'stackci-kind-')), 'stackci.yml')
    )
    const reporter = new RecordingReporter()
    const run: RunState = {
      config,
      profile: resolveProfile(config, profile),
      runId: 'unit',
      env,
      clientEnv: env,
      reporter,
      options,
      dir: config.baseDir,
      engine: async () => Promise.reject(new Error('no engine in unit tests'))
    }
    return { run, reporter }
  }
  const warnings = (r: RecordingReporter): string[] =>
    r.entries.filter((e) => e.level === 'warning').map((e) => e.message)
  const sha = 'a'.repeat(40)

  it('is the pull request of a pull_request event', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-event-'))
    const event = join(dir, 'event.json')
    writeFileSync(event, JSON.stringify({ pull_request: { number: 42 } }))
    const { run, reporter } = runOf('pr', { GITHUB_EVENT_PATH: event })
    expect(releaseOf(run)).toEqual({ kind: 'pr', version: '42' })
    expect(warnings(reporter)).toEqual([])
  })

  it('falls back from pr to the commit on a push, saying so', () => {
    const { run, reporter } = runOf('pr', { GITHUB_SHA: sha })
    expect(releaseOf(run)).toEqual({ kind: 'sha', version: sha })
    expect(warnings(reporter)).toEqual([
      'no pull request here (a push, e.g. the check after a merge): tagging the image by commit (pass --version to choose)'
    ])
  })

  it('falls back from sha to the date outside a git checkout', () => {
    const { run, reporter } = runOf('local', {})
    expect(releaseOf(run)).toEqual({ kind: 'daily', version: undefined })
    expect(warnings(reporter)).toHaveLength(1)
  })

  it('never falls back from a kind the profile wrote, or a version given', () => {
    expect(() => releaseOf(runOf('strict', { GITHUB_SHA: sha }).run)).toThrow(
      'profile strict tags images by pr, which needs the pull request number (a pull_request event, or --version N)'
    )
    expect(releaseOf(runOf('pr', {}, { version: '7' }).run)).toEqual({
      kind: 'pr',
      version: '7'
    })
  })
})
