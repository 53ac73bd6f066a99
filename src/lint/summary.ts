/**
 * The job summary of a lint run: the verdict, a row per linter, the
 * annotation tally ("N more not annotated"), every finding in a table (up to
 * a size GitHub accepts; the summary of a step is capped at 1 MiB), and the
 * whole-tree counts per code that the ratchet tracks.
 */

import { formatMs } from '../core/format.js'
import { totalOf } from './annotate.js'
import { formatLocation, SEVERITIES, type Severity } from './finding.js'
import { plural } from '../core/format.js'
import type { LintResult } from './run-lint.js'

/** Rows of the findings table; the JSON report has the rest. */
export const SUMMARY_ROWS = 1000
const CODES_SHOWN = 50

const MARK: Record<Severity, string> = {
  error: '❌',
  warning: '⚠️',
  notice: 'ℹ️'
}

/** Makes text safe inside a Markdown table cell. */
export function escapeCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1')
}

function headline(r: LintResult): string {
  const t = r.totals
  const scope = r.changed === undefined ? '' : ' on changed lines'
  if (t.findings === 0) return `### ✅ Lint: no findings${scope}`
  const counts = `${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}, ${plural(t.notices, 'notice')}${scope}`
  return `### ${r.passed ? '✅' : '❌'} Lint: ${counts}`
}

export interface LintSummaryOptions {
  /** Findings listed at most (default {@link SUMMARY_ROWS}). */
  cap?: number
  /** Where the rest is (default: the JSON report). */
  rest?: string
}

/** The job-summary Markdown; the CLI prints it too (capped). */
export function lintSummary(
  r: LintResult,
  options: LintSummaryOptions = {}
): string {
  const rows = options.cap ?? SUMMARY_ROWS
  const lines = [headline(r), '']
  lines.push(
    `${r.baseReason} · fail-on: \`${r.failOn}\`${r.passed ? '' : ' (failed)'}`,
    ''
  )
  lines.push(
    '| linter | findings | errors | warnings | notices | whole tree | time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'
  )
  for (const l of r.linters) {
    lines.push(
      `| ${escapeCell(l.name)} | ${l.kept.findings} | ${l.kept.errors} | ${l.kept.warnings} | ${l.kept.notices} | ${l.all} | ${formatMs(l.durationMs)} |`
    )
  }
  const tally = r.annotations
  if (tally !== undefined && r.findings.length > 0) {
    const shown = SEVERITIES.map((s) => plural(tally.annotated[s], s)).join(
      ', '
    )
    const left = totalOf(tally.notAnnotated)
    lines.push(
      '',
      left > 0
        ? `Annotated ${shown}; **${left} more not annotated** (the runner shows at most 10 of each kind per step) — every finding is listed below.`
        : `Annotated ${shown}.`
    )
  }
  if (r.findings.length > 0) {
    lines.push(
      '',
      '| | location | code | message | linter |',
      '| --- | --- | --- | --- | --- |'
    )
    for (const f of r.findings.slice(0, rows)) {
      lines.push(
        `| ${MARK[f.severity]} | \`${formatLocation(f).replace(/`/g, "'")}\` | ${escapeCell(f.code ?? '')} | ${escapeCell(f.message)} | ${escapeCell(f.linter)} |`
      )
    }
    if (r.findings.length > rows) {
      lines.push(
        '',
        `… and ${r.findings.length - rows} more findings: see ${options.rest ?? 'the JSON report'}.`
      )
    }
  }
  const codes = r.linters.flatMap((l) =>
    Object.entries(l.counts).map(([code, n]) => ({ linter: l.name, code, n }))
  )
  if (codes.length > 0) {
    codes.sort((a, b) => b.n - a.n)
    lines.push(
      '',
      `<details><summary>Whole tree by code (${plural(r.all, 'finding')}, the ratchet's counts)</summary>`,
      '',
      '| linter | code | count |',
      '| --- | --- | ---: |'
    )
    for (const c of codes.slice(0, CODES_SHOWN))
      lines.push(`| ${escapeCell(c.linter)} | ${escapeCell(c.code)} | ${c.n} |`)
    if (codes.length > CODES_SHOWN)
      lines.push(
        '',
        `… and ${codes.length - CODES_SHOWN} more codes in the JSON report.`
      )
    lines.push('', '</details>')
  }
  return lines.join('\n')
}
