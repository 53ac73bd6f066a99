/**
 * The verify gate — the one loop over job files that the `verify` action,
 * `stackci verify check` and the pipeline's verify step all run: evaluate
 * each job, keep the totals, the failures, the unreadable jobs and the
 * measurements of unknown metrics, and write the JSON report.
 */

import { writeFile } from 'node:fs/promises'
import { errorMessage } from '../core/errors.js'
import { formatOutcome, plural } from '../core/format.js'
import { displayPath } from '../core/glob.js'
import type { Reporter } from '../core/reporter.js'
import { checkJobFiles, type CheckTotals, type JobOutcome } from './check.js'
import { loadDefinitions, type Definitions } from './definitions.js'
import { resultToJson, type SpecResultJson } from './evaluate.js'
import { reportRows, textRows, type ReportRow } from './report.js'
import { unknownMetricMessage, type UnknownMetric } from './unknown-metrics.js'

export interface VerifyGateOptions {
  definitions: string
  files: readonly string[]
  tags?: readonly string[]
  /** A specification without a value, or an unknown metric, fails too. */
  strict?: boolean
  /** List applicable specifications whose metric was not measured. */
  includeUnmeasured?: boolean
  /** Job files read at once (default 16). */
  concurrency?: number
  /**
   * Log the definitions loaded and show progress from this many files on
   * (default 0: always); a short check in a terminal stays quiet.
   */
  progressFrom?: number
  /** Write the `verify check --json` document here. */
  reportFile?: string
  /** Each job as it is checked, in input order (the CLI prints them). */
  onJob?: (outcome: JobOutcome, total: number) => void | Promise<void>
}

export interface VerifyGateResult {
  totals: CheckTotals
  /**
   * True when no spec failed and every job was read (and, with `strict`,
   * none lacked a value and every measured metric is defined).
   */
  passed: boolean
  strict: boolean
  /**
   * Failing specifications as lsst.verify's report shows them (`0.01
   * arcsec`, `<= 10.0 marcsec`); `inUnit` in the threshold's unit (`15
   * marcsec`, `<= 10 marcsec`).
   */
  failures: (ReportRow & { file: string; inUnit: ReportRow })[]
  errors: { file: string; message: string }[]
  /** Measurements of metrics not in the definitions, per job. */
  unknown: (UnknownMetric & { file: string })[]
}

/** A job's entry in the JSON report (`verify check --json`). */
export interface JobReportJson {
  file: string
  results: SpecResultJson[]
  error?: string
}

export function jobReportEntry(outcome: JobOutcome): JobReportJson {
  return {
    file: outcome.file,
    results: (outcome.results ?? []).map(resultToJson),
    ...(outcome.error === undefined
      ? {}
      : { error: errorMessage(outcome.error) })
  }
}

/** Says what lsst.verify accepts in the definitions but a user should know. */
export function warnDefinitions(defs: Definitions, reporter: Reporter): void {
  for (const w of defs.warnings) {
    reporter.warning(w.message, {
      ...(w.where.file === undefined ? {} : { file: w.where.file }),
      ...(w.where.line === undefined ? {} : { startLine: w.where.line })
    })
  }
}

/** Evaluates every job; problems with single jobs are collected, not thrown. */
export async function runVerifyGate(
  options: VerifyGateOptions,
  reporter: Reporter
): Promise<VerifyGateResult> {
  const strict = options.strict === true
  const loud = options.files.length >= (options.progressFrom ?? 0)
  const defs = await loadDefinitions(options.definitions)
  warnDefinitions(defs, reporter)
  const loaded = `${defs.metrics.size} metrics, ${defs.specs.size} specifications from ${displayPath(options.definitions)}`
  if (loud) reporter.info(loaded)
  else reporter.debug(loaded)
  const result: VerifyGateResult = {
    totals: { jobs: 0, errors: 0, passed: 0, failed: 0, noValue: 0 },
    passed: false,
    strict,
    failures: [],
    errors: [],
    unknown: []
  }
  const report: JobReportJson[] = []
  const progress = loud
    ? reporter.progress('checking jobs', options.files.length)
    : undefined
  result.totals = await checkJobFiles(options.files, defs, {
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    ...(options.concurrency === undefined
      ? {}
      : { concurrency: options.concurrency }),
    includeUnmeasured: options.includeUnmeasured === true,
    ...(progress === undefined ? {} : { progress }),
    onJob: async (outcome) => {
      collect(result, outcome, reporter)
      if (options.reportFile !== undefined) report.push(jobReportEntry(outcome))
      await options.onJob?.(outcome, options.files.length)
    }
  })
  const t = result.totals
  progress?.done(`${plural(t.jobs, 'job')}: ${formatOutcome(t)}`)
  if (options.reportFile !== undefined) {
    await writeFile(options.reportFile, `${JSON.stringify({ jobs: report })}\n`)
  }
  result.passed =
    t.failed === 0 &&
    t.errors === 0 &&
    !(strict && (t.noValue > 0 || result.unknown.length > 0))
  return result
}

/** Keeps what one job adds to the result, and says what is wrong with it. */
function collect(
  result: VerifyGateResult,
  outcome: JobOutcome,
  reporter: Reporter
): void {
  const file = outcome.file
  if (outcome.error !== undefined) {
    const message = errorMessage(outcome.error)
    result.errors.push({ file, message })
    reporter.error(message, { file })
  }
  const results = outcome.results ?? []
  const failing = results.filter((r) => r.passed === false)
  const inUnit = textRows(failing)
  reportRows(failing).forEach((row, i) => {
    result.failures.push({ ...row, file, inUnit: inUnit[i] ?? row })
  })
  for (const u of outcome.unknown ?? []) {
    result.unknown.push({ ...u, file })
    // A typo must not switch a gate off silently; with strict it fails.
    if (result.strict) reporter.error(unknownMetricMessage(u), { file })
    else reporter.warning(unknownMetricMessage(u), { file })
  }
}
