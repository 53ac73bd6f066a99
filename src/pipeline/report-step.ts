/**
 * The report step: the static HTML report of the metric history (every run
 * so far, this one included) — from the SQLite store the metrics went to,
 * or the git store — thresholds from the definitions; then, when
 * `report.publish` is set, the report published to the Pages branch (one
 * page per profile, an index of past reports), its address in the job
 * summary and in the run's Slack thread.
 */

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { displayPath } from '../core/glob.js'
import { readStoreSettingsHistory } from '../metrics/history-readers.js'
import { resolveMetricsSettings } from '../metrics/settings.js'
import { pagesTargetFrom, publishPages } from '../report/pages.js'
import { writeReport } from '../report/report.js'
import type { StoreHistory } from '../report/store-reader.js'
import type { RunState, StepDone } from './state.js'

export const DEFAULT_REPORT_OUT = '.stackci/report.html'

/** The git store's history, when the report is to read it. */
async function gitHistory(
  run: RunState,
  sqlite: string | undefined
): Promise<StoreHistory | undefined> {
  const { config } = run
  const git = config.metrics?.stores?.git
  const only = run.profile.section.stores
  if (git === undefined || (only !== undefined && !only.includes('git')))
    return undefined
  if (sqlite !== undefined && config.metrics?.history !== 'git')
    return undefined
  const settings = resolveMetricsSettings(
    { stores: { git } },
    {},
    run.clientEnv,
    config.baseDir
  )
  return readStoreSettingsHistory(
    settings.stores,
    'git',
    {},
    { reporter: run.reporter }
  )
}

export async function reportStep(run: RunState): Promise<StepDone> {
  const { config } = run
  const sqlite =
    run.sqliteStore ??
    (config.metrics?.stores?.sqlite?.path === undefined
      ? undefined
      : resolve(config.baseDir, config.metrics.stores.sqlite.path))
  const history = await gitHistory(run, sqlite)
  const store = history?.path ?? sqlite
  if (store === undefined) {
    return {
      status: 'skipped',
      detail:
        'the report reads the SQLite or git store, and neither was written (add dispatch-metrics before report)'
    }
  }
  const definitions = config.metrics?.definitions ?? config.verify?.definitions
  const out = resolve(config.baseDir, config.report?.out ?? DEFAULT_REPORT_OUT)
  const result = await writeReport(
    {
      store,
      ...(history === undefined ? {} : { history }),
      out,
      ...(definitions === undefined
        ? {}
        : { definitions: resolve(config.baseDir, definitions) }),
      ...(config.report?.title === undefined
        ? {}
        : { title: config.report.title })
    },
    run.reporter
  )
  run.report = result.out
  const m = result.model
  const detail = [
    `${displayPath(result.out)}: ${m.metrics.length} metrics, ${m.datasets.length} datasets, ${m.runs.length} runs`
  ]
  // Only a profile that publishes asks for the target (and its URL): the
  // local profile of a file that publishes its releases must still run.
  const profiles = config.report?.publish?.profiles
  const publishes =
    profiles === undefined || profiles.includes(run.profile.name)
  const target = publishes
    ? pagesTargetFrom(config, undefined, run.clientEnv, config.baseDir)
    : undefined
  if (target !== undefined) {
    const published = await publishPages(
      target,
      {
        profile: run.profile.name,
        runId: run.runId,
        time: Date.now(),
        html: readFileSync(result.out, 'utf8'),
        title: config.report?.title ?? 'stackci metrics'
      },
      run.reporter
    )
    const where = published.url ?? `${published.path} on ${target.branch}`
    detail.push(`published: ${where}`)
    await run.reporter.summary(`Metrics dashboard: ${where}\n`)
  }
  return { status: 'passed', detail: detail.join('; ') }
}
