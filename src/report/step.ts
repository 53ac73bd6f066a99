/**
 * The report step, one module for its two doors (`stackci report` and the
 * pipeline's report step; it has no action): its inputs (keys as the CLI's
 * flags and `report:`'s keys), read from the flags over `stackci.yml` or
 * from the file alone by one parser; the run — the history read from the
 * chosen store, the page written, published when asked; its JSON and its
 * summary.
 */

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { StackciConfig } from '../core/config.js'
import { parseDuration } from '../core/duration.js'
import type { Env } from '../core/env.js'
import { InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import {
  StepInputs,
  configSource,
  flagSource,
  layered,
  valuesSource,
  type InputSource
} from '../core/step-inputs.js'
import { DEFAULT_GATE } from '../metrics/gate.js'
import { DEFAULT_SQLITE } from '../metrics/settings.js'
import { pagesTargetFrom, publishPages, type PublishResult } from './pages.js'
import {
  DEFAULT_REPORT_FILE,
  DEFAULT_REPORT_TITLE,
  writeReport,
  type ReportResult
} from './report.js'
import {
  HISTORY_STORES,
  otherHistory,
  storeChoice,
  type HistoryStore
} from './store-choice.js'

/** Where the report goes inside a project (report.out's default). */
export const DEFAULT_REPORT_OUT = '.stackci/report.html'

export interface ReportInputs {
  out: string
  title: string
  /** The SQLite store (read when `history` is sqlite). */
  store: string
  /** The store the history is read from. */
  history: HistoryStore
  /** `URL[#BRANCH]` of a git store to read. */
  git: string | undefined
  influxdb: string | undefined
  'influxdb-db': string | undefined
  definitions: string | undefined
  series: string[] | undefined
  /** Epoch ms. */
  since: number | undefined
  'fail-tags': readonly string[]
  'warn-tags': readonly string[]
  /** Publish to Pages: `URL[#BRANCH]`, or true for report.publish's. */
  publish: string | true | undefined
  /** The profile a published page is filed under. */
  profile: string
  'run-id': string | undefined
}

/**
 * `--since`: a date (`2026-01-01`), a date-time in UTC, or a duration back
 * from now (`90d`, `12h`).
 */
export function parseSince(
  text: string,
  now: number = Date.now(),
  what = '--since'
): number {
  const value = text.trim()
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`)
    if (!Number.isNaN(ms)) return ms
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(
      /(?:Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`
    )
    if (!Number.isNaN(ms)) return ms
  }
  if (/^\d/.test(value) && /[a-z]$/.test(value))
    return now - parseDuration(value, what)
  throw new InputError(
    `${what} must be a date (2026-01-31), a UTC date-time (2026-01-31T12:00:00Z) or a duration back from now (90d), got ${JSON.stringify(text)}`
  )
}

/** Reads every input; errors name the key as its source calls it. */
export function readReportInputs(r: StepInputs): ReportInputs {
  const since = r.string('since')
  const series = r.list('series')
  const publish = r.source.get('publish')
  return {
    out: r.string('out') ?? DEFAULT_REPORT_FILE,
    title: r.string('title') ?? DEFAULT_REPORT_TITLE,
    store: r.string('store') ?? DEFAULT_SQLITE,
    history: r.choice('history', HISTORY_STORES, 'sqlite'),
    git: r.string('git'),
    influxdb: r.string('influxdb'),
    'influxdb-db': r.string('influxdb-db'),
    definitions: r.string('definitions'),
    series: series.length === 0 ? undefined : series,
    since:
      since === undefined
        ? undefined
        : parseSince(since, Date.now(), r.source.describe('since')),
    'fail-tags': r.has('fail-tags') ? r.list('fail-tags') : DEFAULT_GATE.fail,
    'warn-tags': r.has('warn-tags') ? r.list('warn-tags') : DEFAULT_GATE.warn,
    publish: publish === true ? true : r.string('publish'),
    profile: r.string('profile') ?? 'local',
    'run-id': r.string('run-id')
  }
}

/** What stackci.yml says about the report, as sources; paths made absolute. */
function configSources(config: StackciConfig): InputSource[] {
  const at = (p: string | undefined): string | undefined =>
    p === undefined ? undefined : resolve(config.baseDir, p)
  const { file } = config
  const metrics = config.metrics
  const definitions = metrics?.definitions ?? config.verify?.definitions
  return [
    configSource(file, 'report', {
      out: at(config.report?.out ?? DEFAULT_REPORT_OUT),
      title: config.report?.title
    }),
    configSource(
      file,
      'metrics.stores.sqlite',
      { path: at(metrics?.stores?.sqlite?.path ?? DEFAULT_SQLITE) },
      { store: 'path' }
    ),
    configSource(
      file,
      metrics?.definitions === undefined ? 'verify' : 'metrics',
      { definitions: at(definitions) }
    ),
    configSource(file, 'metrics.gate', metrics?.gate, {
      'fail-tags': 'fail',
      'warn-tags': 'warn'
    }),
    valuesSource('default-profile', { profile: config['default-profile'] })
  ]
}

/**
 * `stackci report`'s flags; inside a project, stackci.yml gives the
 * defaults (report.out and .title, the store, the definitions, the gate's
 * tags) and the flags override them.
 */
export function reportInputsFromFlags(
  flags: object,
  config?: StackciConfig
): ReportInputs {
  const given = flags as Record<string, unknown>
  const flagged = flagSource(flags)
  const choice = valuesSource('history', {
    history: storeChoice(given, config)
  })
  return readReportInputs(
    new StepInputs(
      config === undefined
        ? layered(flagged, choice)
        : layered(flagged, choice, ...configSources(config))
    )
  )
}

/**
 * What the pipeline's report step reads: the SQLite store the metrics went
 * to (`store`), or the git store when it is the only one this profile
 * writes or metrics.history says so. Undefined: neither holds a history.
 */
export function reportInputsFromConfig(
  config: StackciConfig,
  profile: { name: string; stores?: readonly string[] | undefined },
  run: { store: string | undefined; runId: string }
): ReportInputs | undefined {
  const metrics = config.metrics
  const configured = metrics?.stores?.sqlite?.path
  const store =
    run.store ??
    (configured === undefined ? undefined : resolve(config.baseDir, configured))
  const git =
    metrics?.stores?.git !== undefined &&
    (profile.stores === undefined || profile.stores.includes('git')) &&
    (store === undefined || metrics.history === 'git')
  if (store === undefined && !git) return undefined
  // Only a profile that publishes asks for the target (and its URL): the
  // local profile of a file that publishes its releases must still run.
  const profiles = config.report?.publish?.profiles
  const publishes =
    config.report?.publish !== undefined &&
    (profiles === undefined || profiles.includes(profile.name))
  return readReportInputs(
    new StepInputs(
      layered(
        valuesSource('report', {
          store,
          history: git ? 'git' : 'sqlite',
          publish: publishes ? true : undefined,
          profile: profile.name,
          'run-id': run.runId
        }),
        ...configSources(config)
      )
    )
  )
}

export interface ReportDeps {
  reporter: Reporter
  env: Env
  /** For report.publish and the stores' settings. */
  config?: StackciConfig | undefined
  now?: () => number
}

export interface ReportStepResult {
  report: ReportResult
  published?: PublishResult | undefined
  /** The Pages branch published to. */
  branch?: string | undefined
}

/** Writes the report, and publishes it when asked. */
export async function runReport(
  inputs: ReportInputs,
  deps: ReportDeps
): Promise<ReportStepResult> {
  const history = await otherHistory(inputs, deps)
  const report = await writeReport(
    {
      store: history?.path ?? inputs.store,
      ...(history === undefined ? {} : { history }),
      out: inputs.out,
      title: inputs.title,
      gate: { fail: inputs['fail-tags'], warn: inputs['warn-tags'] },
      ...(inputs.definitions === undefined
        ? {}
        : { definitions: inputs.definitions }),
      ...(inputs.series === undefined ? {} : { series: inputs.series }),
      ...(inputs.since === undefined ? {} : { since: inputs.since })
    },
    deps.reporter
  )
  const target =
    inputs.publish === undefined
      ? undefined
      : pagesTargetFrom(
          deps.config,
          inputs.publish === true ? undefined : inputs.publish,
          deps.env,
          deps.config?.baseDir ?? process.cwd()
        )
  if (target === undefined) return { report }
  const published = await publishPages(
    target,
    {
      profile: inputs.profile,
      runId: inputs['run-id'] ?? deps.env.GITHUB_RUN_ID ?? String(Date.now()),
      time: (deps.now ?? Date.now)(),
      html: readFileSync(report.out, 'utf8'),
      title: inputs.title,
      ...(report.dataDir === undefined ? {} : { dataDir: report.dataDir })
    },
    deps.reporter
  )
  return { report, published, branch: target.branch }
}

/** Where a published report is: its URL, else its path on the branch. */
export function publishedWhere(result: ReportStepResult): string | undefined {
  const p = result.published
  if (p === undefined) return undefined
  return p.url ?? `${p.path} on ${result.branch ?? ''}`
}

/** `stackci report --json`: the report's summary, and where it was published. */
export function reportJson(result: ReportStepResult): string {
  const { published } = result
  return `${JSON.stringify({ ...result.report.summary, ...(published === undefined ? {} : { published }) }, null, 2)}\n`
}

/** The job summary's line: where the dashboard was published. */
export function reportStepSummary(
  result: ReportStepResult
): string | undefined {
  const p = result.published
  if (p === undefined) return undefined
  return `Metrics dashboard: ${p.url === undefined ? `\`${p.path}\` on ${result.branch ?? ''}` : `[${p.url}](${p.url})`}\n`
}
