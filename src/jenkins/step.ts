/**
 * The `jenkins-build` step in one module: its inputs (keys as in
 * action.yml) read from the action, from CLI flags or from `stackci.yml`
 * through one parser; `runJenkinsBuildStep`, the only place the step is
 * composed (credentials masked here, once); its outputs and its summary.
 * The action, `stackci jenkins build` and the pipeline are adapters on it.
 */

import { ActionInputs } from '../core/action-inputs.js'
import type { StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import type { Reporter } from '../core/reporter.js'
import { basicAuthHeader, urlUserinfoSecrets } from '../core/secrets.js'
import {
  StepInputs,
  configSource,
  flagSource,
  layered,
  valuesSource
} from '../core/step-inputs.js'
import { parseBuildState, stopAbandoned, type BuildState } from './cancel.js'
import { JenkinsClient } from './client.js'
import type { ConsoleSink } from './console.js'
import type { PollPolicy } from './poll.js'
import {
  describeTests,
  downloadArtifacts,
  readTestReport,
  type TestSummary
} from './published.js'
import {
  parseFailOn,
  summaryLine,
  type JenkinsBuildOutcome
} from './results.js'
import { runJenkinsBuild } from './run-build.js'
import { parseParamFlag, parseParameters } from './parameters.js'
import type { BuildParameters } from './trigger.js'
import type { BuildResult } from './types.js'
import type { Clock } from '../core/clock.js'

/** The action's inputs, parsed; keys as in `actions/jenkins-build/action.yml`. */
export interface JenkinsBuildInputs {
  url: string
  user: string | undefined
  token: string | undefined
  job: string
  parameters: BuildParameters
  wait: boolean
  /** ms */
  timeout: number
  'stream-log': boolean
  'fail-on': ReadonlySet<BuildResult>
  'cancel-on-abort': boolean
}

/** GitHub's own limit on a job; a longer wait makes no sense in an action. */
export const DEFAULT_TIMEOUT_MS = 6 * 3_600_000

/** The one parser: every source validates and words its errors alike. */
export function readJenkinsBuildInputs(r: StepInputs): JenkinsBuildInputs {
  const token = r.string('token')
  const user = r.string('user')
  if (token !== undefined && user === undefined) {
    r.fail(
      'user',
      'is required when a token is given (the token belongs to a user)'
    )
  }
  return {
    url: r.required('url'),
    user,
    token,
    job: r.required('job'),
    parameters: readParameters(r),
    wait: r.boolean('wait', true),
    timeout: r.duration('timeout') ?? DEFAULT_TIMEOUT_MS,
    'stream-log': r.boolean('stream-log', true),
    'fail-on': parseFailOn(r.list('fail-on'), r.source.describe('fail-on')),
    'cancel-on-abort': r.boolean('cancel-on-abort', true)
  }
}

/**
 * `parameters`: text (KEY=value lines or a YAML map) from the action,
 * repeated `--param K=V` flags, or a map already parsed (the pipeline's,
 * variables expanded).
 */
function readParameters(r: StepInputs): BuildParameters {
  const raw = r.source.get('parameters')
  if (Array.isArray(raw)) return raw.map((p) => parseParamFlag(String(p)))
  if (typeof raw === 'object' && raw !== null)
    return Object.entries(raw as Record<string, unknown>).map(([k, v]) => [
      k,
      String(v)
    ])
  return parseParameters(
    r.string('parameters'),
    r.source.describe('parameters')
  )
}

/**
 * The action's inputs (`INPUT_*`). With a reporter, the credentials are
 * masked before anything else is checked: a bad input fails the step
 * before `runJenkinsBuildStep` is reached, and its message must not be the
 * first line to carry them.
 */
export function jenkinsBuildInputsFromAction(
  env: Env,
  reporter?: Reporter
): JenkinsBuildInputs {
  const r = new ActionInputs('jenkins-build', env)
  if (reporter !== undefined)
    maskJenkinsCredentials(reporter, {
      url: r.string('url') ?? '',
      user: r.string('user'),
      token: r.string('token')
    })
  return readJenkinsBuildInputs(r)
}

/** What `stackci jenkins build` parses (commander's option object). */
export interface JenkinsBuildFlags {
  url?: string
  user?: string
  /** Read by the command before: a token never comes as a flag value. */
  token?: string
  job?: string
  param?: string[]
  wait?: boolean
  timeout?: string
  log?: boolean
  failOn?: string[]
  cancelOnAbort?: boolean
}

/**
 * The CLI's flags over the environment (JENKINS_URL, JENKINS_USER,
 * JENKINS_TOKEN) over `jenkins:` in `stackci.yml` when there is one.
 */
export function jenkinsBuildInputsFromFlags(
  flags: JenkinsBuildFlags,
  env: Env,
  config?: StackciConfig
): JenkinsBuildInputs {
  const section = config?.jenkins
  const fromEnv = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : env[name]
  return readJenkinsBuildInputs(
    new StepInputs(
      layered(
        flagSource(flags, { parameters: 'param', 'stream-log': 'log' }),
        valuesSource('environment variable for', {
          url: env.JENKINS_URL,
          user: fromEnv(section?.['user-env']) ?? env.JENKINS_USER,
          token: fromEnv(section?.['token-env']) ?? env.JENKINS_TOKEN
        }),
        // Its parameters hold the pipeline's variables: the pipeline's own.
        ...(config === undefined || section === undefined
          ? []
          : [
              configSource(config.file, 'jenkins', {
                ...section,
                parameters: undefined
              })
            ])
      )
    )
  )
}

/**
 * The pipeline's inputs: `jenkins:` of `stackci.yml`, the profile's job, its
 * parameters (variables expanded by the pipeline) and the credentials from
 * the variables `user-env`/`token-env` name.
 */
export function jenkinsBuildInputsFromConfig(
  config: StackciConfig,
  run: { job: string; parameters: BuildParameters; env: Env }
): JenkinsBuildInputs {
  const section = config.jenkins ?? {}
  const env = (name: string): string | undefined => run.env[name]
  return readJenkinsBuildInputs(
    new StepInputs(
      layered(
        valuesSource('pipeline', {
          job: run.job,
          parameters: Object.fromEntries(run.parameters),
          user: env(section['user-env'] ?? 'JENKINS_USER'),
          token: env(section['token-env'] ?? 'JENKINS_TOKEN'),
          wait: true,
          'cancel-on-abort': true
        }),
        configSource(config.file, 'jenkins', section)
      )
    )
  )
}

/**
 * Masks what the inputs carry — the token, the Basic header made from it,
 * and a user:password written into the URL — before anything is logged.
 */
export function maskJenkinsCredentials(
  reporter: Reporter,
  inputs: Pick<JenkinsBuildInputs, 'url' | 'user' | 'token'>
): void {
  for (const secret of urlUserinfoSecrets(inputs.url)) reporter.mask(secret)
  const token = inputs.token
  if (token === undefined) return
  reporter.mask(token)
  const header = basicAuthHeader(inputs.user ?? '', token)
  reporter.mask(header)
  reporter.mask(header.slice('Basic '.length))
}

/** The client for these inputs (masked first), reporting retries to `reporter`. */
export function jenkinsClientFor(
  inputs: Pick<JenkinsBuildInputs, 'url' | 'user' | 'token'>,
  reporter: Reporter
): JenkinsClient {
  maskJenkinsCredentials(reporter, inputs)
  return new JenkinsClient({
    url: inputs.url,
    reporter,
    ...(inputs.user === undefined ? {} : { user: inputs.user }),
    ...(inputs.token === undefined ? {} : { token: inputs.token })
  })
}

export interface JenkinsBuildStepDeps {
  reporter: Reporter
  /** Aborted on SIGINT/SIGTERM: the build is stopped, then the reason is thrown. */
  signal?: AbortSignal | undefined
  /** Where the console goes (default: the Reporter's info lines). */
  console?: ConsoleSink
  /** The post step's state, saved as the step learns it. */
  saveState?: (state: BuildState) => void
  /** Artifacts to download once the build is done (`jenkins.artifacts`). */
  artifacts?: { names: readonly string[]; dir: string }
  clock?: Clock
  policy?: PollPolicy
}

export interface JenkinsBuildStepResult {
  outcome: JenkinsBuildOutcome
  /** The JUnit summary, when the build finished and published one. */
  tests?: TestSummary
  /** Artifacts downloaded, as paths. */
  artifacts: string[]
}

/** Runs the step; see the module comment. */
export async function runJenkinsBuildStep(
  inputs: JenkinsBuildInputs,
  deps: JenkinsBuildStepDeps
): Promise<JenkinsBuildStepResult> {
  const { reporter, signal } = deps
  const jenkins = jenkinsClientFor(inputs, reporter)
  const outcome = await runJenkinsBuild(
    {
      job: inputs.job,
      parameters: inputs.parameters,
      wait: inputs.wait,
      timeoutMs: inputs.timeout,
      streamLog: inputs['stream-log'],
      failOn: inputs['fail-on'],
      cancelOnAbort: inputs['cancel-on-abort']
    },
    {
      jenkins,
      reporter,
      ...(signal === undefined ? {} : { signal }),
      ...(deps.console === undefined ? {} : { console: deps.console }),
      ...(deps.saveState === undefined ? {} : { saveState: deps.saveState }),
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      ...(deps.policy === undefined ? {} : { policy: deps.policy })
    }
  )
  const number = outcome.buildNumber
  if (number === undefined || outcome.result === undefined)
    return { outcome, artifacts: [] }
  const tests = await readTestReport(jenkins, inputs.job, number, signal)
  const artifacts =
    deps.artifacts === undefined
      ? []
      : await downloadArtifacts(
          jenkins,
          inputs.job,
          number,
          deps.artifacts.names,
          deps.artifacts.dir,
          signal
        )
  return { outcome, artifacts, ...(tests === undefined ? {} : { tests }) }
}

/**
 * The action's post step: when the step was killed before it finished (the
 * job was cancelled or timed out), stop the build it left running. `saved`
 * is the state the step saved.
 */
export async function runJenkinsBuildPost(
  env: Env,
  saved: string,
  reporter: Reporter
): Promise<void> {
  const state = parseBuildState(saved)
  if (state === undefined || state.done) {
    reporter.info('nothing to stop: the step finished')
    return
  }
  const inputs = jenkinsBuildInputsFromAction(env, reporter)
  await stopAbandoned(jenkinsClientFor(inputs, reporter), state, {
    reporter,
    cancelOnAbort: inputs['cancel-on-abort']
  })
}

/** The action's outputs ('' when unknown). */
export function jenkinsBuildOutputs(
  result: JenkinsBuildStepResult
): Record<string, string> {
  const { outcome, tests } = result
  const count = (n: number | undefined): string => n?.toString() ?? ''
  return {
    'queue-url': outcome.queueUrl,
    'build-number': count(outcome.buildNumber),
    'build-url': outcome.buildUrl ?? '',
    result: outcome.result ?? '',
    duration: count(outcome.durationMs),
    'tests-passed': count(tests?.passed),
    'tests-failed': count(tests?.failed),
    'tests-skipped': count(tests?.skipped)
  }
}

/**
 * The job summary: the result line, then (once the build finished) its
 * tests with the failing ones named (capped in `readTestReport`) and the
 * artifacts downloaded.
 */
export function jenkinsBuildSummary(result: JenkinsBuildStepResult): string {
  const lines = [summaryLine(result.outcome)]
  if (result.outcome.result !== undefined) {
    lines.push('', `- tests: ${describeTests(result.tests)}`)
    for (const f of result.artifacts) lines.push(`- artifact: \`${f}\``)
  }
  return lines.join('\n')
}
