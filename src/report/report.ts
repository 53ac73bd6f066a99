/**
 * `stackci report`: the store's history (read-only), checked against the
 * metric definitions, written as one self-contained HTML file. The root
 * action and the CLI both call {@link writeReport}.
 */

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DEFAULT_GATE } from '../metrics/gate.js'
import type { Reporter } from '../core/reporter.js'
import { loadDefinitions, type Definitions } from '../verify/index.js'
import { chartLibrary } from './chart-library.js'
import type { ReportGate } from './checks.js'
import { renderReportHtml } from './html.js'
import {
  buildReportModel,
  reportSummary,
  type ReportModel,
  type ReportSummary
} from './report-model.js'
import { readStoreHistory, type StoreHistory } from './store-reader.js'

export const DEFAULT_REPORT_TITLE = 'stackci metrics report'
export const DEFAULT_REPORT_FILE = 'report.html'

export interface ReportOptions {
  /** The SQLite metrics store (or, with `history`, the store's label). */
  store: string
  /** The history, already read from another store (git, influxdb). */
  history?: StoreHistory
  /** The metrics package (metrics/ and specs/); none: no thresholds. */
  definitions?: string
  /** Where to write the HTML file. */
  out: string
  title?: string
  /** Only these history series (all when empty). */
  series?: readonly string[]
  /** Only runs at or after this epoch ms. */
  since?: number
  /** Which spec tags colour points fail and warn (default: the gate's). */
  gate?: ReportGate
  now?: () => number
}

export interface ReportResult {
  out: string
  bytes: number
  model: ReportModel
  summary: ReportSummary
}

/** The HTML text and its model, without writing anything. */
export async function buildReport(
  options: Omit<ReportOptions, 'out'>,
  reporter: Reporter
): Promise<{ html: string; model: ReportModel }> {
  if (options.history === undefined)
    reporter.info(`reading the metrics store ${options.store}`)
  const history =
    options.history ??
    readStoreHistory(options.store, {
      ...(options.series === undefined ? {} : { series: options.series }),
      ...(options.since === undefined ? {} : { since: options.since })
    })
  reporter.info(
    `${history.jobs.length} run(s), ${history.measurements.length} measurement(s)`
  )
  let definitions: Definitions | undefined
  if (options.definitions !== undefined) {
    definitions = await loadDefinitions(options.definitions)
    for (const w of definitions.warnings) reporter.warning(w.message)
    reporter.info(
      `${definitions.metrics.size} metric(s), ${definitions.specs.size} specification(s) from ${options.definitions}`
    )
  } else {
    reporter.notice(
      'no metric definitions given (--definitions DIR): the charts have no thresholds and no pass/fail colours'
    )
  }
  const model = buildReportModel(history, definitions, {
    title: options.title ?? DEFAULT_REPORT_TITLE,
    gate: options.gate ?? { fail: DEFAULT_GATE.fail, warn: DEFAULT_GATE.warn },
    ...(options.now === undefined ? {} : { now: options.now })
  })
  return { html: renderReportHtml(model, chartLibrary()), model }
}

/** Builds the report and writes it (atomically: a reader never sees half). */
export async function writeReport(
  options: ReportOptions,
  reporter: Reporter
): Promise<ReportResult> {
  const { html, model } = await buildReport(options, reporter)
  const out = resolve(options.out)
  mkdirSync(dirname(out), { recursive: true })
  const temp = `${out}.${process.pid}.tmp`
  try {
    writeFileSync(temp, html)
    renameSync(temp, out)
  } finally {
    rmSync(temp, { force: true })
  }
  const bytes = Buffer.byteLength(html)
  const summary = { out: options.out, ...reportSummary(model) }
  reporter.info(
    `wrote ${options.out} (${Math.ceil(bytes / 1024)} KiB): ${model.metrics.length} metric(s), ${model.datasets.length} dataset(s), ${model.runs.length} run(s)`
  )
  return { out, bytes, model, summary }
}
