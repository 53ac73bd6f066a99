/**
 * The verify gate shared by the `verify` action and the pipeline: evaluate
 * job files, keep the totals and the failures, write a JSON report and a
 * Markdown summary.
 */

import { formatOutcome, plural } from '../core/format.js'
import { writeFile } from 'node:fs/promises'
import { errorMessage } from '../core/errors.js'
import { displayPath } from '../core/glob.js'
import type { Reporter } from '../core/reporter.js'
import { checkJobFiles, type CheckTotals } from './check.js'
import { loadDefinitions } from './definitions.js'
import { resultToJson, type SpecResultJson } from './evaluate.js'
import { formatMarkdownTable, reportRows, type ReportRow } from './report.js'

export interface VerifyGateOptions {
  definitions: string
  files: readonly string[]
  tags?: readonly string[]
  strict?: boolean
  /** Write the `verify check --json` document here. */
  reportFile?: string
}

export interface VerifyGateResult {
  totals: CheckTotals
  /** True when no spec failed (and, with `strict`, none lacked a value). */
  passed: boolean
  failures: (ReportRow & { file: string })[]
  errors: { file: string; message: string }[]
}

/** Evaluates every job; problems with single jobs are collected, not thrown. */
export async function runVerifyGate(
  options: VerifyGateOptions,
  reporter: Reporter
): Promise<VerifyGateResult> {
  const defs = await loadDefinitions(options.definitions)
  reporter.info(
    `${defs.metrics.size} metrics, ${defs.specs.size} specifications from ${displayPath(options.definitions)}`
  )
  const failures: VerifyGateResult['failures'] = []
  const errors: VerifyGateResult['errors'] = []
  const report: { file: string; results: SpecResultJson[]; error?: string }[] =
    []
  const progress = reporter.progress('checking jobs', options.files.length)
  const totals = await checkJobFiles(options.files, defs, {
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    progress,
    onJob: (outcome) => {
      if (outcome.error !== undefined) {
        const message = errorMessage(outcome.error)
        errors.push({ file: outcome.file, message })
        reporter.error(message, { file: outcome.file })
      }
      const results = outcome.results ?? []
      reportRows(results).forEach((row, i) => {
        if (results[i]?.passed === false)
          failures.push({ ...row, file: outcome.file })
      })
      if (options.reportFile !== undefined) {
        report.push({
          file: outcome.file,
          results: results.map(resultToJson),
          ...(outcome.error === undefined
            ? {}
            : { error: errorMessage(outcome.error) })
        })
      }
    }
  })
  progress.done(`${plural(totals.jobs, 'job')}: ${formatOutcome(totals)}`)
  if (options.reportFile !== undefined) {
    await writeFile(options.reportFile, `${JSON.stringify({ jobs: report })}\n`)
  }
  const passed =
    totals.failed === 0 &&
    totals.errors === 0 &&
    !(options.strict === true && totals.noValue > 0)
  return { totals, passed, failures, errors }
}

/** The job-summary Markdown for a gate run. */
export function verifyGateSummary(
  result: VerifyGateResult,
  limit = 200
): string {
  const t = result.totals
  const lines = [
    `### ${result.passed ? '✅' : '❌'} Verification: ${formatOutcome(t)} (${plural(t.jobs, 'job')})`,
    ''
  ]
  if (result.failures.length > 0) {
    const files = new Set(result.failures.map((f) => f.file))
    const shown = result.failures.slice(0, limit)
    lines.push(
      files.size > 1
        ? formatMarkdownTable(
            shown,
            shown.map((f) => displayPath(f.file))
          )
        : formatMarkdownTable(shown)
    )
    if (result.failures.length > limit) {
      lines.push(
        '',
        `… and ${result.failures.length - limit} more failures (see the JSON report).`
      )
    }
  }
  for (const e of result.errors)
    lines.push('', `- \`${e.file}\`: ${e.message.split('\n')[0] ?? ''}`)
  return lines.join('\n')
}
