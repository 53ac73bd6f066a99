/**
 * A lint finding and the counts the ratchet records. Every linter's output,
 * whatever its format, ends up as a list of {@link Finding}s.
 */

import { StackciError } from '../core/errors.js'

/** GitHub's three annotation kinds, in decreasing order of gravity. */
export type Severity = 'error' | 'warning' | 'notice'

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice']

export interface Finding {
  /** The linter that reported it (`flake8`, `verify-yaml`, …). */
  linter: string
  /** Relative to the project root, with `/` separators. */
  file: string
  /** 1-based; 0 when the finding is about the whole file. */
  line: number
  /** 1-based; undefined when the linter gives none. */
  column?: number
  /** The rule (`E501`, `no-unused-vars`); undefined when the linter has none. */
  code?: string
  message: string
  severity: Severity
}

/** What a format parser extracts from one output line, before severities. */
export interface RawFinding {
  file: string
  line: number
  column?: number
  code?: string
  message: string
  /** The severity the linter itself printed, when it prints one. */
  severity?: Severity
}

/** A linter could not run, crashed, or printed nothing we could read. */
export class LintError extends StackciError {
  readonly kind = 'user'
}

/** Counts by severity. */
export interface SeverityCounts {
  findings: number
  errors: number
  warnings: number
  notices: number
}

export function countSeverities(findings: Iterable<Finding>): SeverityCounts {
  const out: SeverityCounts = {
    findings: 0,
    errors: 0,
    warnings: 0,
    notices: 0
  }
  for (const f of findings) {
    out.findings++
    if (f.severity === 'error') out.errors++
    else if (f.severity === 'warning') out.warnings++
    else out.notices++
  }
  return out
}

/** The key a finding is counted under: its code, or `other` when it has none. */
export function codeKey(finding: Finding): string {
  return finding.code ?? 'other'
}

/** Findings per code, sorted by code. */
export function countCodes(
  findings: Iterable<Finding>
): Record<string, number> {
  const counts = new Map<string, number>()
  for (const f of findings) {
    const key = codeKey(f)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => compare(a, b)))
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }

/** Orders by file, line, column, code: the order people read a report in. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compare(a.file, b.file) ||
    a.line - b.line ||
    (a.column ?? 0) - (b.column ?? 0) ||
    RANK[a.severity] - RANK[b.severity] ||
    compare(a.code ?? '', b.code ?? '') ||
    compare(a.message, b.message)
  )
}

/** `file:line:col` (line and column only when known). */
export function formatLocation(f: Finding): string {
  if (f.line < 1) return f.file
  return `${f.file}:${f.line}${f.column === undefined ? '' : `:${f.column}`}`
}

/** One finding as a text line: `file:line:col: severity CODE message (linter)`. */
export function formatFinding(f: Finding): string {
  const code = f.code === undefined ? '' : `${f.code} `
  return `${formatLocation(f)}: ${f.severity} ${code}${f.message} (${f.linter})`
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
