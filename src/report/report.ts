/**
 * `stackci report`: the store's history (read-only, streaming), checked
 * against the metric definitions, written as one HTML file that opens with
 * no network — plus, when long lines are decimated for drawing, a data
 * file per such metric beside it (`report-data/`) holding every point. The
 * root action and the CLI both call {@link writeReport}.
 */

import {
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { DEFAULT_GATE } from '../metrics/gate.js'
import { InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { loadDefinitions, type Definitions } from '../verify/index.js'
import { dataFileName, packMetric, reportDataDir } from './chart-data.js'
import { chartLibrary } from './chart-library.js'
import type { ReportGate } from './checks.js'
import { memorySource, type HistorySource } from './history-source.js'
import { dataFileText, renderReportHtml } from './html.js'
import {
  buildReportModel,
  reportSummary,
  type ReportModel,
  type ReportSummary
} from './report-model.js'
import { openSqliteSource } from './sqlite-source.js'
import type { StoreHistory } from '../metrics/store-reader.js'

export const DEFAULT_REPORT_TITLE = 'stackci metrics report'
export const DEFAULT_REPORT_FILE = 'report.html'

/** Marks a data directory as the report's own, so rewriting may remove it. */
const DATA_MARK = '.stackci-report-data'

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
  /** About how many points a line draws (default 1,000); Infinity: all. */
  drawnPoints?: number
  now?: () => number
}

export interface ReportResult {
  out: string
  bytes: number
  /** The full-resolution data files' directory, when there are any. */
  dataDir?: string
  model: ReportModel
  summary: ReportSummary
}

/** Where a decimated metric's every point goes. */
export interface DataSink {
  /** The directory as the page refers to it (relative to the page). */
  dir: string
  write(file: string, text: string): void
}

function openSource(options: Omit<ReportOptions, 'out'>): HistorySource {
  if (options.history !== undefined) return memorySource(options.history)
  return openSqliteSource(options.store, {
    ...(options.series === undefined ? {} : { series: options.series }),
    ...(options.since === undefined ? {} : { since: options.since })
  })
}

/**
 * The HTML text and its model, without writing the page; a decimated
 * metric's every point goes to `data` (none: the page offers no full
 * resolution).
 */
export async function buildReport(
  options: Omit<ReportOptions, 'out'>,
  reporter: Reporter,
  data?: DataSink
): Promise<{ html: string; model: ReportModel }> {
  if (options.history === undefined)
    reporter.info(`reading the metrics store ${options.store}`)
  const source = openSource(options)
  reporter.info(
    `${source.jobs.length} run(s), ${source.measurementCount} measurement(s)`
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
  const model = buildReportModel(source, definitions, {
    title: options.title ?? DEFAULT_REPORT_TITLE,
    gate: options.gate ?? {
      fail: DEFAULT_GATE.fail,
      warn: DEFAULT_GATE.warn
    },
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.drawnPoints === undefined
      ? {}
      : { drawnPoints: options.drawnPoints }),
    ...(data === undefined
      ? {}
      : {
          onMetric: (full, drawn) => {
            if (!drawn.sampled) return
            data.write(
              dataFileName(full.metric),
              dataFileText(full.metric, packMetric(full))
            )
          }
        })
  })
  const html = renderReportHtml(
    model,
    chartLibrary(),
    data === undefined ? {} : { dataDir: data.dir }
  )
  return { html, model }
}

/** Removes `dir` if it is a data directory a report wrote. */
function removeOwnDataDir(dir: string): void {
  if (existsSync(join(dir, DATA_MARK)))
    rmSync(dir, { recursive: true, force: true })
}

/**
 * Builds the report and writes it, with its data directory when it has
 * one (atomically: a reader never sees half a page or half the data).
 */
export async function writeReport(
  options: ReportOptions,
  reporter: Reporter
): Promise<ReportResult> {
  const out = resolve(options.out)
  const dataDir = reportDataDir(out)
  const staging = `${dataDir}.${process.pid}.tmp`
  let files = 0
  const sink: DataSink = {
    dir: basename(dataDir),
    write(file, text) {
      if (files++ === 0) {
        rmSync(staging, { recursive: true, force: true })
        mkdirSync(staging, { recursive: true })
        writeFileSync(join(staging, DATA_MARK), '')
      }
      writeFileSync(join(staging, file), text)
    }
  }
  const temp = `${out}.${process.pid}.tmp`
  try {
    const { html, model } = await buildReport(options, reporter, sink)
    if (
      files > 0 &&
      existsSync(dataDir) &&
      !existsSync(join(dataDir, DATA_MARK))
    )
      throw new InputError(
        `${dataDir} exists and is not the data directory of a report`,
        {
          where: { file: dataDir },
          hint: `the report writes every point of its long trends there: move it, or pass another --out`
        }
      )
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(temp, html)
    removeOwnDataDir(dataDir)
    if (files > 0) renameSync(staging, dataDir)
    renameSync(temp, out)
    const bytes = Buffer.byteLength(html)
    const summary = {
      out: options.out,
      ...(files > 0
        ? { data: join(dirname(options.out), basename(dataDir)) }
        : {}),
      ...reportSummary(model)
    }
    reporter.info(
      `wrote ${options.out} (${Math.ceil(bytes / 1024)} KiB): ${model.metrics.length} metric(s), ${model.datasets.length} dataset(s), ${model.runs.length} run(s)${files > 0 ? `; every point of the ${files} decimated metric(s) in ${summary.data}/` : ''}`
    )
    return {
      out,
      bytes,
      ...(files > 0 ? { dataDir } : {}),
      model,
      summary
    }
  } finally {
    rmSync(temp, { force: true })
    rmSync(staging, { recursive: true, force: true })
  }
}
