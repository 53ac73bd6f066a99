import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import { ConfigError } from '../../../src/core/errors.js'
import { RecordingReporter } from '../../../src/core/reporter.js'
import { pushes, releaseOf } from '../../../src/pipeline/image-step.js'
import { jenkinsParameters } from '../../../src/pipeline/jenkins-step.js'
import { preflight } from '../../../src/pipeline/preflight.js'
import { resolveProfile } from '../../../src/pipeline/profile.js'
import { runPipeline } from '../../../src/pipeline/run.js'
import type { RunState } from '../../../src/pipeline/state.js'
import { gitIn } from '../../helpers/git.js'

function configFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-vars-'))
  const file = join(dir, 'stackci.yml')
  writeFileSync(file, body)
  return file
}

const head = `version: 1
jenkins:
  url: http://127.0.0.1:9/
  jobs: { weekly: release/weekly-release, stable: release/official-release, pr: stack-os-matrix }
`

function runOf(
  file: string,
  profile: string,
  options: RunState['options'] = {},
  env: Record<string, string> = {}
): RunState {
  const config = loadStackciConfig(readFileSync(file, 'utf8'), file)
  return {
    config,
    profile: resolveProfile(config, profile, options.version),
    runId: 'gh-9-1',
    env,
    clientEnv: env,
    reporter: new RecordingReporter(),
    options,
    dir: config.baseDir,
    engine: async () => Promise.reject(new Error('no engine'))
  }
}

describe('variables and default Jenkins parameters', () => {
  it('an unknown variable, or one with no value here, is a ConfigError at its line, before any step', async () => {
    const file = configFile(
      `${head}  parameters:
    TAG: 'w-{release.eups}'
    BAD: '{run.idd}'
    PR: '{pr.number}'
profiles:
  weekly: { steps: [jenkins-build] }
`
    )
    const config = loadStackciConfig(readFileSync(file, 'utf8'), file)
    const reporter = new RecordingReporter()
    const error = await runPipeline(config, reporter, {
      profile: 'weekly',
      date: '2026-12-03',
      env: {},
      runId: 'unit-vars'
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const text = (error as ConfigError).describe()
    expect(text).toContain(`${file}:7:`)
    expect(text).toContain('unknown variable {run.idd}')
    expect(text).toContain(`${file}:8:`)
    expect(text).toMatch(
      /\{pr\.number\} has no value in this run: this run is not for a pull request/
    )
    expect(reporter.text('info')).not.toContain('[1/1]')
  })

  it('gives each release kind jenkins-dm-jobs parameters, expanded, overridable', () => {
    const file = configFile(
      `${head}  parameters:
    PRODUCTS: lsst_distrib
    TAG: '{release.tag}-{run.id}'
profiles:
  weekly: { steps: [jenkins-build] }
  stable:
    steps: [jenkins-build]
    jenkins-parameters: { SOURCE_GIT_REFS: w.2026.45 }
  pr: { steps: [jenkins-build] }
`
    )
    const weekly = runOf(file, 'weekly', { date: '2026-12-03' })
    preflight(weekly)
    expect(Object.fromEntries(jenkinsParameters(weekly))).toEqual({
      YEAR: '2026',
      WEEK: '49',
      PRODUCTS: 'lsst_distrib',
      TAG: 'w_2026_49-gh-9-1',
      STACKCI_RUN_ID: 'gh-9-1'
    })
    const rc = runOf(file, 'stable', { version: '29.0.0-rc1' })
    preflight(rc)
    expect(Object.fromEntries(jenkinsParameters(rc))).toMatchObject({
      SOURCE_GIT_REFS: 'w.2026.45',
      RELEASE_GIT_TAG: 'v29.0.0.rc1',
      O_LATEST: 'false',
      TAG: 'v29_0_0_rc1-gh-9-1'
    })
    const dir = mkdtempSync(join(tmpdir(), 'stackci-event-'))
    const event = join(dir, 'event.json')
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: { number: 7, head: { ref: 'tickets/DM-7' } }
      })
    )
    const pr = runOf(file, 'pr', {}, { GITHUB_EVENT_PATH: event })
    preflight(pr)
    expect(Object.fromEntries(jenkinsParameters(pr))).toMatchObject({
      REFS: 'tickets/DM-7',
      TAG: 'pr-7-gh-9-1'
    })
  })
})

describe('safe defaults', () => {
  it('a dirty work tree is marked dirty for the commit tag; CI decides push; local never pushes', () => {
    const file = configFile(
      'version: 1\nregistry: { repository: ghcr.io/x/y }\nprofiles:\n  local: { steps: [] }\n  other: { steps: [], kind: sha }\n'
    )
    const dir = join(file, '..')
    const git = (...args: string[]): string => gitIn(dir, ...args)
    git('init', '-q')
    git('add', '.')
    git('commit', '-qm', 'x')
    expect(releaseOf(runOf(file, 'other')).dirty).toBeUndefined()
    writeFileSync(file, `${readFileSync(file, 'utf8')}# changed\n`)
    expect(releaseOf(runOf(file, 'other'))).toMatchObject({
      kind: 'sha',
      dirty: true
    })
    expect(pushes(runOf(file, 'other', {}, { CI: 'true' }))).toBe(true)
    expect(pushes(runOf(file, 'other', {}, {}))).toBe(false)
    expect(pushes(runOf(file, 'local', {}, { CI: 'true' }))).toBe(false)
  })
})
