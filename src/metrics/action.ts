/**
 * The `dispatch-metrics` action: its typed inputs (keys mirror action.yml),
 * how they become settings, and its outputs. The door only reads, calls
 * {@link runDispatchMetricsAction} and writes.
 */

import { join, resolve } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import type { Env } from '../core/env.js'
import { readGitHubEvent } from '../core/github-event.js'
import { readStackciConfig } from '../core/config.js'
import { InputError } from '../core/errors.js'
import { expandGlobs } from '../core/glob.js'
import type { Reporter } from '../core/reporter.js'
import { makeOctokit, makeSlackClient } from '../core/clients.js'
import { ENV_CHOICES, parseDateCreated } from './environment.js'
import { readPackages } from './packages.js'
import type { PrepareOptions } from './prepare.js'
import { runMetrics } from './run.js'
import { resolveMetricsSettings, type MetricsOverrides } from './settings.js'
import { writeFile } from 'node:fs/promises'

export interface DispatchMetricsInputs {
  jobs: string[]
  config?: string
  overrides: MetricsOverrides
  prepare: {
    envChoice: (typeof ENV_CHOICES)[number]
    series?: string
    dateCreated?: string
    packages?: string
    ignoreBlobs: boolean
    provenance: PrepareOptions['provenance']
  }
  dryRun: boolean
  replay: boolean
  failOnGate: boolean
  failOnSpool: boolean
}

/** The fork PR case: GITHUB_TOKEN is read-only there, a comment would 403. */
function eventInfo(env: Env): { pr?: number; fork: boolean } {
  const pr = readGitHubEvent(env).pull_request
  if (pr?.number === undefined) return { fork: false }
  const head = pr.head?.repo?.full_name
  return {
    pr: pr.number,
    fork: head !== undefined && head !== pr.base?.repo?.full_name
  }
}

export function readDispatchMetricsInputs(
  env: Env,
  reporter: Reporter
): DispatchMetricsInputs {
  const input = new ActionInputs('dispatch-metrics', env)
  const secrets = [
    'influxdb-password',
    'squash-password',
    'sasquatch-token',
    'slack-token',
    'github-token'
  ]
  for (const name of secrets) reporter.mask(input.string(name))
  const o: MetricsOverrides = {}
  const set = <K extends keyof MetricsOverrides>(
    k: K,
    v: MetricsOverrides[K] | undefined
  ): void => {
    if (v !== undefined) o[k] = v
  }
  const list = (name: string): string[] | undefined => {
    const v = input.list(name)
    return v.length === 0 ? undefined : v
  }
  set('definitions', input.string('definitions'))
  set('sqlite', input.string('sqlite'))
  set('influxdbUrl', input.string('influxdb-url'))
  set('influxdbDatabase', input.string('influxdb-database'))
  set('influxdbRetentionPolicy', input.string('influxdb-retention-policy'))
  set('influxdbUsername', input.string('influxdb-username'))
  set('influxdbPassword', input.string('influxdb-password'))
  set('squashUrl', input.string('squash-url'))
  set('squashUser', input.string('squash-user'))
  set('squashPassword', input.string('squash-password'))
  set('sasquatchUrl', input.string('sasquatch-url'))
  set('sasquatchNamespace', input.string('sasquatch-namespace'))
  set('sasquatchDataset', input.string('sasquatch-dataset'))
  set('sasquatchToken', input.string('sasquatch-token'))
  set('spool', input.string('spool'))
  set('baselineSeries', input.string('baseline-series'))
  set('failTags', list('fail-tags'))
  set('warnTags', list('warn-tags'))
  set(
    'regressions',
    input.string('regressions') === undefined
      ? undefined
      : input.choice('regressions', ['fail', 'warn', 'ignore'] as const)
  )
  set('consecutive', input.integer('consecutive', { min: 1 }))
  set('minSamples', input.integer('min-samples', { min: 1 }))
  set('window', input.integer('window', { min: 1 }))
  set('keyMetrics', list('key-metrics'))
  set('slackChannel', input.string('slack-channel'))
  set('slackToken', input.string('slack-token'))
  set('slackThreadTs', input.string('slack-thread-ts'))
  set('githubToken', input.string('github-token'))
  set('commentKey', input.string('comment-key'))
  const event = eventInfo(env)
  set('pullRequest', event.pr)
  if (!input.boolean('comment', true)) o.prComment = false
  else if (event.fork) {
    reporter.notice(
      'dispatch-metrics: a pull request from a fork gets no comment (its token is read-only)'
    )
    o.prComment = false
  }
  const provenance = {
    ...opt('imageDigest', input.string('image-digest')),
    ...opt('releaseTag', input.string('release-tag')),
    ...opt('dataset', input.string('dataset')),
    ...opt('instrument', input.string('instrument')),
    ...opt('filter', input.string('filter'))
  }
  return {
    jobs: input.lines('jobs'),
    ...opt('config', input.string('config')),
    overrides: o,
    prepare: {
      envChoice: input.choice('env', ENV_CHOICES, 'auto'),
      ...opt('series', input.string('series')),
      ...opt('dateCreated', input.string('date-created')),
      ...opt('packages', input.string('packages')),
      ignoreBlobs: input.boolean('ignore-blobs', false),
      provenance
    },
    dryRun: input.boolean('dry-run', false),
    replay: input.boolean('replay', true),
    failOnGate: input.boolean('fail-on-gate', true),
    failOnSpool: input.boolean('fail-on-spool', false)
  }
}

export interface DispatchMetricsOutputs {
  passed: boolean
  failures: number
  warnings: number
  regressions: number
  jobs: number
  spooled: number
  report: string
  'comment-url': string
  'slack-ts': string
  /** Why the step fails (empty: it does not). */
  failure: string
}

export async function runDispatchMetricsAction(
  inputs: DispatchMetricsInputs,
  env: Env,
  reporter: Reporter
): Promise<DispatchMetricsOutputs> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
  const config =
    inputs.config === undefined
      ? undefined
      : await readStackciConfig(resolve(workspace, inputs.config))
  // Paths given as inputs are relative to the workspace (paths in the
  // config file, to the file).
  const overrides = { ...inputs.overrides }
  for (const key of ['definitions', 'sqlite', 'spool'] as const) {
    const value = overrides[key]
    if (typeof value === 'string') overrides[key] = resolve(workspace, value)
  }
  const settings = resolveMetricsSettings(
    config?.metrics,
    overrides,
    env,
    config?.baseDir ?? workspace,
    {
      ...opt('definitions', config?.verify?.definitions),
      ...opt('jobs', config?.verify?.jobs)
    }
  )
  const patterns = inputs.jobs.length > 0 ? inputs.jobs : settings.jobs
  const base = config?.baseDir ?? workspace
  // What this run will do, before the search (a large workspace takes a
  // while) and the definitions (a thousand metrics) are read.
  const stores = Object.keys(settings.stores)
  reporter.info(
    `dispatch-metrics: jobs ${patterns.join(', ')} under ${base}; ` +
      `stores: ${stores.length === 0 ? 'none' : stores.join(', ')}` +
      (inputs.dryRun ? ' (dry run)' : '')
  )
  const files = await expandGlobs(base, patterns)
  if (files.length === 0)
    throw new InputError(
      `dispatch-metrics: no job files match ${patterns.join(', ')}`
    )
  const p = inputs.prepare
  const result = await runMetrics(
    {
      settings,
      files,
      prepare: {
        envChoice: p.envChoice,
        ignoreBlobs: p.ignoreBlobs,
        ...opt('provenance', p.provenance),
        ...opt('series', p.series),
        ...(p.dateCreated === undefined
          ? {}
          : {
              dateCreated: parseDateCreated(
                p.dateCreated,
                "input 'date-created'"
              )
            }),
        ...(p.packages === undefined
          ? {}
          : { packages: await readPackages(resolve(workspace, p.packages)) })
      },
      dryRun: inputs.dryRun,
      replay: inputs.replay
    },
    {
      reporter,
      env,
      octokit: async (token) => makeOctokit(token, env, reporter),
      slack: async (token) => makeSlackClient(token, env, reporter)
    }
  )
  const report = join(
    env.RUNNER_TEMP ?? workspace,
    'stackci-metrics-report.json'
  )
  await writeFile(report, `${JSON.stringify(result.json)}\n`)
  const o = result.outcome
  const spooled = o.dispatch?.spooled ?? 0
  const failure = [
    ...(!o.passed && inputs.failOnGate
      ? [`metrics gate failed: ${o.gate?.reasons.join('; ') ?? ''}`]
      : []),
    ...(spooled > 0 && inputs.failOnSpool
      ? [`${spooled} send(s) were spooled`]
      : []),
    ...result.errors
  ].join('\n')
  return {
    passed: o.passed,
    failures: o.gate?.failures.length ?? 0,
    warnings: o.gate?.warnings.length ?? 0,
    regressions: o.comparisons.filter((c) => c.verdict === 'regression').length,
    jobs: o.jobs.length,
    spooled,
    report,
    'comment-url': result.json.comment?.url ?? '',
    'slack-ts': result.json.slack?.ts ?? '',
    failure
  }
}

function opt<K extends string, V>(
  key: K,
  value: V | undefined
): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
