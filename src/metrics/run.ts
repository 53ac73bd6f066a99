/**
 * One metrics run: replay the spool, read and prepare the jobs, compare
 * them with history (before they join it), send them to every store, and
 * gate. Telling people (summary, PR comment, Slack) is the step module's
 * part (step-report.ts), composed with notify. A history that cannot be
 * read does not hide the gate: it is returned in `errors`.
 */

import { plural } from '../core/format.js'
import { errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import type { Clock } from '../core/clock.js'
import {
  loadDefinitions,
  warnUnknownMetrics,
  type Definitions
} from '../verify/index.js'
import type { Env } from '../core/env.js'
import {
  dispatchJobs,
  replaySpool,
  type DispatchResult,
  type ReplayResult
} from './dispatch.js'
import { evaluateGate } from './gate.js'
import { compareWithHistory, type Comparison } from './history.js'
import type { MetricsOutcome } from './outcome.js'
import { prepareJobFiles, type PrepareOptions } from './prepare.js'
import type { MetricsSettings } from './settings.js'
import { Spool } from './spool.js'
import {
  closeStores,
  historyStore,
  openStores,
  storedAcceptances
} from './stores.js'

export interface MetricsRunDeps {
  reporter: Reporter
  env: Env
  clock?: Clock
  now?: () => number
  retries?: number
  minDelayMs?: number
}

export interface MetricsRunOptions {
  settings: MetricsSettings
  files: readonly string[]
  prepare?: Omit<PrepareOptions, 'env' | 'now'>
  /** Validate and show what would be sent; write nothing, tell nobody. */
  dryRun?: boolean
  /** Send the spool first (default true). */
  replay?: boolean
  /** false: compare and report only (`stackci metrics report`). */
  store?: boolean
}

export interface MetricsRunResult {
  outcome: MetricsOutcome
  /** What the replay of the spool did, when it ran. */
  replay?: ReplayResult
  /** Dry run: what each store would receive, per job. */
  preview?: unknown
  /** History that could not be read while regressions gate: a failure. */
  errors: string[]
}

export async function runMetrics(
  options: MetricsRunOptions,
  deps: MetricsRunDeps
): Promise<MetricsRunResult> {
  const { settings } = options
  const reporter = deps.reporter
  const dryRun = options.dryRun === true
  let definitions: Definitions | undefined
  if (settings.definitions !== undefined) {
    definitions = await loadDefinitions(settings.definitions)
    for (const w of definitions.warnings) reporter.warning(w.message)
  }
  const jobs = await prepareJobFiles(options.files, definitions, {
    ...(options.prepare ?? {}),
    env: deps.env,
    ...(deps.now === undefined ? {} : { now: deps.now })
  })
  // A typo in a metric name must not switch its gate off silently.
  if (definitions !== undefined)
    for (const d of jobs)
      warnUnknownMetrics(d.job, d.source, definitions, reporter)
  reporter.info(
    `${plural(jobs.length, 'job')}, ${jobs.reduce((n, d) => n + d.job.measurements.length, 0)} measurements`
  )
  const stores = openStores(settings.stores, {
    reporter,
    // Nothing is written: a missing SQLite file is not created.
    dryRun: dryRun || options.store === false,
    ...(definitions === undefined ? {} : { metrics: definitions.metrics }),
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    ...(deps.retries === undefined ? {} : { retries: deps.retries }),
    ...(deps.minDelayMs === undefined ? {} : { minDelayMs: deps.minDelayMs })
  })
  try {
    if (stores.length === 0 && options.store !== false)
      reporter.warning('no metric store is configured: nothing is stored')
    const spool =
      settings.spool === undefined ? undefined : new Spool(settings.spool)
    let replay: ReplayResult | undefined
    if (spool !== undefined && !dryRun && options.replay !== false) {
      replay = await reporter.group('Replay the spool', async () =>
        replaySpool(spool, stores, reporter)
      )
    }
    const history = historyStore(stores, settings.history)
    const historyErrors: string[] = []
    let comparisons: Comparison[] = []
    if (history !== undefined) {
      try {
        const baseline = {
          ...settings.baseline,
          acceptances: [
            ...settings.baseline.acceptances,
            ...(await storedAcceptances(stores))
          ]
        }
        comparisons = await reporter.group(
          `Compare with ${settings.baseline.series} (${history.label})`,
          async () => compareWithHistory(jobs, history, definitions, baseline)
        )
      } catch (error) {
        // The measurements must still be sent (or spooled): no comparison
        // this time. It fails the run only when regressions gate it.
        const message = `cannot read history from ${history.label}, so nothing was compared: ${errorMessage(error)}`
        if (settings.gate.regressions === 'fail') historyErrors.push(message)
        else reporter.warning(message)
      }
    }
    let dispatch: DispatchResult | undefined
    let preview: unknown
    if (dryRun) {
      for (const s of stores) s.prepare(jobs)
      preview = jobs.map((d) => ({
        id: d.id,
        source: d.source,
        series: d.series,
        createdAt: new Date(d.createdAt).toISOString(),
        provenance: d.provenance,
        stores: Object.fromEntries(stores.map((s) => [s.type, s.preview(d)]))
      }))
    } else if (options.store !== false) {
      dispatch = await reporter.group('Send to the stores', async () =>
        dispatchJobs(jobs, {
          stores,
          reporter,
          alreadySent: new Set(replay?.sentKeys ?? []),
          ...(spool === undefined ? {} : { spool })
        })
      )
    }
    const gate =
      definitions === undefined
        ? undefined
        : evaluateGate(
            jobs,
            definitions,
            comparisons,
            settings.gate,
            settings.baseline.series
          )
    const outcome: MetricsOutcome = {
      passed: gate?.passed ?? true,
      jobs,
      gate,
      comparisons,
      dispatch,
      baselineSeries: settings.baseline.series,
      historyStore: history?.label,
      dryRun
    }
    return {
      outcome,
      ...(replay === undefined ? {} : { replay }),
      ...(dryRun ? { preview } : {}),
      errors: historyErrors
    }
  } finally {
    await closeStores(stores)
  }
}
