/**
 * The dispatch-metrics step, once: its inputs (keys mirror
 * `actions/dispatch-metrics/action.yml`), the three readers into them
 * (action inputs, CLI flags, a stackci.yml profile), the one place the run
 * is composed ({@link runDispatchMetrics}: settings, masking, jobs, the
 * metrics run, and the report through notify), and its outputs and
 * summary. The action, `stackci metrics dispatch|report` and the pipeline's
 * step are adapters over this module.
 */

import { resolve } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import { makeOctokit, makeSlackClient } from '../core/clients.js'
import { readStackciConfig, type StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import { InputError } from '../core/errors.js'
import { expandGlobs } from '../core/glob.js'
import type { Reporter } from '../core/reporter.js'
import { readGitHubEvent } from '../core/github-event.js'
import { StepInputs, flagSource, valuesSource } from '../core/step-inputs.js'
import { expandJobPaths } from '../verify/index.js'
import { ENV_CHOICES, parseDateCreated, type EnvChoice } from './environment.js'
import { readPackages } from './packages.js'
import { runMetrics } from './run.js'
import {
  gitOverrides,
  resolveMetricsSettings,
  type HistoryChoice,
  type MetricsOverrides,
  type MetricsSettings
} from './settings.js'
import { HISTORY_ORDER } from './stores.js'
import {
  reportMetrics,
  type DispatchMetricsResult,
  type TellDeps
} from './step-report.js'

export {
  dispatchMetricsOutputs,
  dispatchMetricsSummary,
  type DispatchMetricsResult
} from './step-report.js'

/** The step's inputs, keyed as action.yml; undefined: not given. */
export interface DispatchMetricsInputs {
  /** Job files: globs, files or directories, relative to the workspace. */
  jobs: string[]
  definitions?: string
  config?: string
  /** `false`: no SQLite store (the CLI's `--no-sqlite`). */
  sqlite?: string | false
  /** A git store: `URL[#BRANCH]`. */
  git?: string
  'influxdb-url'?: string
  'influxdb-database'?: string
  'influxdb-retention-policy'?: string
  'influxdb-username'?: string
  'influxdb-password'?: string
  'squash-url'?: string
  'squash-user'?: string
  'squash-password'?: string
  'sasquatch-url'?: string
  'sasquatch-namespace'?: string
  'sasquatch-dataset'?: string
  'sasquatch-token'?: string
  /** `false`: no spool (the CLI's `--no-spool`). */
  spool?: string | false
  replay: boolean
  'dry-run': boolean
  series?: string
  'baseline-series'?: string
  'fail-tags'?: string[]
  'warn-tags'?: string[]
  regressions?: 'fail' | 'warn' | 'ignore'
  consecutive?: number
  'min-samples'?: number
  window?: number
  'key-metrics'?: string[]
  'image-digest'?: string
  'release-tag'?: string
  dataset?: string
  instrument?: string
  filter?: string
  packages?: string
  env: EnvChoice
  /** Epoch ms. */
  'date-created'?: number
  'ignore-blobs': boolean
  'github-token'?: string
  comment: boolean
  'comment-key'?: string
  'slack-token'?: string
  'slack-channel'?: string
  'slack-thread-ts'?: string
  'fail-on-gate': boolean
  'fail-on-spool': boolean
  /**
   * Not action inputs: the CLI's `--history`, `--git-sha`, `--pr`, `--repo`,
   * and the pipeline's Jenkins build.
   */
  history?: HistoryChoice
  'git-sha'?: string
  pr?: number
  repo?: string
  'jenkins-build-url'?: string
}

/** The secrets among the inputs: masked before anything is logged. */
const SECRET_INPUTS = [
  'influxdb-password',
  'squash-password',
  'sasquatch-token',
  'slack-token',
  'github-token'
] as const

/** A path that a CLI `--no-x` flag may turn off. */
function pathOrOff(r: StepInputs, key: string): string | false | undefined {
  return r.source.get(key) === false ? false : r.string(key)
}

/** The one parser: every source validates, and words its errors, alike. */
export function readDispatchMetricsInputs(
  r: StepInputs
): DispatchMetricsInputs {
  const inputs: DispatchMetricsInputs = {
    jobs: r.lines('jobs'),
    replay: r.boolean('replay', true),
    'dry-run': r.boolean('dry-run', false),
    env: r.choice('env', ENV_CHOICES, 'auto'),
    'ignore-blobs': r.boolean('ignore-blobs', false),
    comment: r.boolean('comment', true),
    'fail-on-gate': r.boolean('fail-on-gate', true),
    'fail-on-spool': r.boolean('fail-on-spool', false)
  }
  const set = <K extends keyof DispatchMetricsInputs>(
    key: K,
    value: DispatchMetricsInputs[K] | undefined
  ): void => {
    if (value !== undefined) inputs[key] = value
  }
  for (const key of ['sqlite', 'spool'] as const) set(key, pathOrOff(r, key))
  for (const key of ['fail-tags', 'warn-tags', 'key-metrics'] as const)
    if (r.has(key)) set(key, r.list(key))
  for (const key of ['consecutive', 'min-samples', 'window', 'pr'] as const)
    set(key, r.integer(key, { min: 1 }))
  if (r.has('regressions'))
    set('regressions', r.choice('regressions', ['fail', 'warn', 'ignore']))
  if (r.has('history')) set('history', r.choice('history', HISTORY_ORDER))
  const date = r.string('date-created')
  if (date !== undefined)
    set(
      'date-created',
      parseDateCreated(date, r.source.describe('date-created'))
    )
  for (const key of TEXT_INPUTS) set(key, r.string(key))
  return inputs
}

const TEXT_INPUTS = [
  'definitions',
  'config',
  'git',
  'influxdb-url',
  'influxdb-database',
  'influxdb-retention-policy',
  'influxdb-username',
  'influxdb-password',
  'squash-url',
  'squash-user',
  'squash-password',
  'sasquatch-url',
  'sasquatch-namespace',
  'sasquatch-dataset',
  'sasquatch-token',
  'series',
  'baseline-series',
  'image-digest',
  'release-tag',
  'dataset',
  'instrument',
  'filter',
  'packages',
  'github-token',
  'comment-key',
  'slack-token',
  'slack-channel',
  'slack-thread-ts',
  'git-sha',
  'repo',
  'jenkins-build-url'
] as const

/** The action's `INPUT_*` variables. */
export function dispatchMetricsInputsFromAction(
  env: Env
): DispatchMetricsInputs {
  return readDispatchMetricsInputs(new ActionInputs('dispatch-metrics', env))
}

/** Inputs whose CLI flag has another name. */
const FLAG_NAMES = {
  'influxdb-url': 'influxdb',
  'influxdb-database': 'influxdb-db',
  'influxdb-retention-policy': 'influxdb-rp',
  'squash-url': 'squash',
  'sasquatch-url': 'sasquatch',
  'baseline-series': 'baseline',
  'fail-on-gate': 'gate'
} as const

/**
 * `stackci metrics dispatch|report` flags (the job arguments as `jobs`).
 * The stackci.yml's `metrics:` section is the layer under them: it is
 * handed to {@link runDispatchMetrics} as `deps.config`.
 */
export function dispatchMetricsInputsFromFlags(
  flags: object
): DispatchMetricsInputs {
  return readDispatchMetricsInputs(
    new StepInputs(flagSource(flags, FLAG_NAMES))
  )
}

/**
 * What a pipeline profile sets on top of the `metrics:` section: its
 * series and regressions, no PR comment when its alerts are off, no SQLite
 * store when its stores leave it out, and the run's Slack thread and
 * provenance.
 */
export function dispatchMetricsInputsFromConfig(
  config: StackciConfig,
  profile: {
    series?: string
    regressions?: 'fail' | 'warn' | 'ignore'
    alerts?: boolean
    stores?: readonly string[]
  },
  run: {
    env: Env
    slackThread?: { channel: string; ts: string }
    provenance?: Pick<
      DispatchMetricsInputs,
      'image-digest' | 'release-tag' | 'jenkins-build-url'
    >
  }
): DispatchMetricsInputs {
  const values: Record<string, unknown> = {
    series: profile.series,
    regressions: profile.regressions,
    ...run.provenance
  }
  const slack = config.slack
  if (slack !== undefined && profile.alerts !== false) {
    const token = run.env[slack['token-env'] ?? 'SLACK_BOT_TOKEN']
    if (token !== undefined && token !== '') {
      values['slack-channel'] = run.slackThread?.channel ?? slack.channel
      values['slack-token'] = token
      values['slack-thread-ts'] = run.slackThread?.ts
    }
  }
  if (profile.alerts === false) values.comment = false
  if (profile.stores !== undefined && !profile.stores.includes('sqlite'))
    values.sqlite = false
  return readDispatchMetricsInputs(
    new StepInputs(valuesSource(`${config.file}: profile`, values))
  )
}

/** Inputs that set one override each, as they are. */
const OVERRIDE_OF = {
  'influxdb-url': 'influxdbUrl',
  'influxdb-database': 'influxdbDatabase',
  'influxdb-retention-policy': 'influxdbRetentionPolicy',
  'influxdb-username': 'influxdbUsername',
  'influxdb-password': 'influxdbPassword',
  'squash-url': 'squashUrl',
  'squash-user': 'squashUser',
  'squash-password': 'squashPassword',
  'sasquatch-url': 'sasquatchUrl',
  'sasquatch-namespace': 'sasquatchNamespace',
  'sasquatch-dataset': 'sasquatchDataset',
  'sasquatch-token': 'sasquatchToken',
  history: 'history',
  'baseline-series': 'baselineSeries',
  'fail-tags': 'failTags',
  'warn-tags': 'warnTags',
  regressions: 'regressions',
  consecutive: 'consecutive',
  'min-samples': 'minSamples',
  window: 'window',
  'key-metrics': 'keyMetrics',
  'slack-channel': 'slackChannel',
  'slack-token': 'slackToken',
  'slack-thread-ts': 'slackThreadTs',
  'github-token': 'githubToken',
  'comment-key': 'commentKey',
  pr: 'pullRequest',
  repo: 'repository'
} as const satisfies Partial<
  Record<keyof DispatchMetricsInputs, keyof MetricsOverrides>
>

/**
 * The one overrides builder: what the inputs set over the file. Paths are
 * made absolute with `at` (against the workspace).
 */
export function metricsOverrides(
  inputs: DispatchMetricsInputs,
  at: (path: string) => string
): MetricsOverrides {
  const o: Record<string, unknown> = {}
  for (const [input, key] of Object.entries(OVERRIDE_OF)) {
    const value = inputs[input as keyof typeof OVERRIDE_OF]
    if (value !== undefined) o[key] = value
  }
  for (const key of ['definitions', 'sqlite', 'spool'] as const) {
    const value = inputs[key]
    if (value !== undefined) o[key] = value === false ? false : at(value)
  }
  if (!inputs.comment) o.prComment = false
  return { ...o, ...gitOverrides(inputs.git) }
}

/** Masks every secret input: first, before any line is logged. */
export function maskInputs(
  inputs: DispatchMetricsInputs,
  reporter: Reporter
): void {
  for (const key of SECRET_INPUTS) {
    const value = inputs[key]
    if (value !== undefined) reporter.mask(value)
  }
}

/** Where the settings are resolved. */
export interface SettingsContext {
  env: Env
  /** Paths in the inputs are relative to it (GITHUB_WORKSPACE, the cwd). */
  workspace: string
  /** The stackci.yml whose `metrics:` section is the layer under the inputs. */
  config?: StackciConfig
  /** An SQLite store when none is configured (the CLI, the pipeline). */
  defaultSqlite?: boolean
}

/** The settings: the file's `metrics:` section, the inputs over it, the environment. */
export function dispatchMetricsSettings(
  inputs: DispatchMetricsInputs,
  ctx: SettingsContext,
  overrides: MetricsOverrides = metricsOverrides(inputs, (p) =>
    resolve(ctx.workspace, p)
  )
): MetricsSettings {
  const { config } = ctx
  return resolveMetricsSettings(
    config?.metrics,
    overrides,
    ctx.env,
    config?.baseDir ?? ctx.workspace,
    {
      ...opt('definitions', config?.verify?.definitions),
      ...opt('jobs', config?.verify?.jobs),
      ...(ctx.defaultSqlite === true ? { defaultSqlite: true } : {})
    }
  )
}

export interface DispatchMetricsDeps extends TellDeps, SettingsContext {
  /** The job files, already found (the pipeline's); else from `jobs`. */
  files?: readonly string[]
  /** false: compare and report only, store nothing (`metrics report`). */
  store?: boolean
  /** Adjusts the resolved settings (the pipeline's merge base). */
  adjust?: (settings: MetricsSettings) => void
}

/**
 * A pull request from a fork gets no comment: its token is read-only and
 * the comment would fail with 403.
 */
function forkPullRequest(
  inputs: DispatchMetricsInputs,
  deps: DispatchMetricsDeps
): {
  pr?: number
  fork: boolean
} {
  const pr = readGitHubEvent(deps.env).pull_request
  if (pr?.number === undefined) return { fork: false }
  const head = pr.head?.repo?.full_name
  const fork = head !== undefined && head !== pr.base?.repo?.full_name
  if (fork && inputs.comment)
    deps.reporter.notice(
      'dispatch-metrics: a pull request from a fork gets no comment (its token is read-only)'
    )
  return { pr: pr.number, fork }
}

/** The job files: the inputs' (globs, files or directories), else the file's globs. */
async function findJobFiles(
  inputs: DispatchMetricsInputs,
  settings: MetricsSettings,
  workspace: string,
  base: string
): Promise<string[]> {
  if (inputs.jobs.length === 0) {
    const files = await expandGlobs(base, settings.jobs)
    if (files.length > 0) return files
    throw new InputError(
      `no job files match ${settings.jobs.join(', ')} under ${base}`,
      {
        hint: 'pass verify job files or directories, or set metrics.jobs in stackci.yml'
      }
    )
  }
  const isGlob = (p: string): boolean => /[*?[{]/.test(p)
  const globs = inputs.jobs.filter(isGlob)
  const files = [
    ...(await expandJobPaths(
      inputs.jobs.filter((p) => !isGlob(p)).map((p) => resolve(workspace, p))
    )),
    ...(await expandGlobs(workspace, globs))
  ]
  if (files.length > 0) return files
  throw new InputError(
    `no job files match ${inputs.jobs.join(', ')} under ${workspace}`,
    {
      hint: 'job files are relative to the workspace (or the working directory)'
    }
  )
}

/** The step: settings, masking, jobs, the metrics run, the report. */
export async function runDispatchMetrics(
  inputs: DispatchMetricsInputs,
  deps: DispatchMetricsDeps
): Promise<DispatchMetricsResult> {
  const { reporter, env, workspace } = deps
  maskInputs(inputs, reporter)
  const config =
    deps.config ??
    (inputs.config === undefined
      ? undefined
      : await readStackciConfig(resolve(workspace, inputs.config)))
  const base = config?.baseDir ?? workspace
  const overrides = metricsOverrides(inputs, (p) => resolve(workspace, p))
  const event = forkPullRequest(inputs, deps)
  if (event.pr !== undefined && overrides.pullRequest === undefined)
    overrides.pullRequest = event.pr
  if (event.fork) overrides.prComment = false
  const settings = dispatchMetricsSettings(
    inputs,
    { ...deps, ...opt('config', config) },
    overrides
  )
  deps.adjust?.(settings)
  const stores = Object.keys(settings.stores)
  // What this run will do, before the search (a large workspace takes a
  // while) and the definitions (a thousand metrics) are read.
  const patterns = inputs.jobs.length > 0 ? inputs.jobs : settings.jobs
  reporter.info(
    `dispatch-metrics: ${deps.files === undefined ? `jobs ${patterns.join(', ')}; ` : ''}` +
      `stores: ${stores.length === 0 ? 'none' : stores.join(', ')}` +
      (inputs['dry-run'] ? ' (dry run)' : '')
  )
  const files =
    deps.files ?? (await findJobFiles(inputs, settings, workspace, base))
  const run = await runMetrics(
    {
      settings,
      files,
      prepare: {
        envChoice: inputs.env,
        ignoreBlobs: inputs['ignore-blobs'],
        provenance: {
          ...opt('imageDigest', inputs['image-digest']),
          ...opt('releaseTag', inputs['release-tag']),
          ...opt('gitSha', inputs['git-sha']),
          ...opt('jenkinsBuildUrl', inputs['jenkins-build-url']),
          ...opt('dataset', inputs.dataset),
          ...opt('instrument', inputs.instrument),
          ...opt('filter', inputs.filter)
        },
        ...opt('series', inputs.series),
        ...opt('dateCreated', inputs['date-created']),
        ...(inputs.packages === undefined
          ? {}
          : {
              packages: await readPackages(resolve(workspace, inputs.packages))
            })
      },
      dryRun: inputs['dry-run'],
      replay: inputs.replay && deps.store !== false,
      store: deps.store !== false
    },
    deps
  )
  return reportMetrics(run, settings, inputs, {
    ...deps,
    octokit:
      deps.octokit ?? (async (token) => makeOctokit(token, env, reporter)),
    slack:
      deps.slack ?? (async (token) => makeSlackClient(token, env, reporter))
  })
}

function opt<K extends string, V>(
  key: K,
  value: V | undefined
): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
