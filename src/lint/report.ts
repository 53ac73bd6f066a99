/**
 * The JSON report of a lint run (the `report` output and `stackci lint
 * --json`): the verdict, per-linter results with the ratchet's whole-tree
 * counts per code, and every kept finding.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { AnnotationTally } from './annotate.js'
import type { Finding, SeverityCounts } from './finding.js'
import type { FailOn, LintResult, LinterResult } from './run-lint.js'

export interface LintReportJson {
  version: 1
  passed: boolean
  failOn: FailOn
  onlyChanged: boolean
  /** The base compared with, or null when every finding is reported. */
  base: string | null
  totals: SeverityCounts & { all: number }
  linters: (Omit<LinterResult, 'kept'> & { findings: SeverityCounts })[]
  annotations: AnnotationTally | null
  findings: Finding[]
}

export function lintReport(r: LintResult): LintReportJson {
  return {
    version: 1,
    passed: r.passed,
    failOn: r.failOn,
    onlyChanged: r.changed !== undefined,
    base: r.base ?? null,
    totals: { ...r.totals, all: r.all },
    linters: r.linters.map(({ kept, ...rest }) => ({
      ...rest,
      findings: kept
    })),
    annotations: r.annotations ?? null,
    findings: r.findings
  }
}

/** The report as JSON text (one line per finding, so it diffs and greps well). */
export function lintReportText(r: LintResult): string {
  const { findings, ...head } = lintReport(r)
  const body = findings.map((f) => JSON.stringify(f)).join(',\n')
  const start = JSON.stringify(head, null, 2).slice(0, -2)
  return `${start},\n  "findings": [${body === '' ? '' : `\n${body}\n  `}]\n}\n`
}

export async function writeLintReport(
  file: string,
  r: LintResult
): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, lintReportText(r))
}

/** The ratchet's counts per linter and code, as the `counts` output. */
export function lintCounts(
  r: LintResult
): Record<string, Record<string, number>> {
  return Object.fromEntries(r.linters.map((l) => [l.name, l.counts]))
}
