/**
 * The verification report: one row per evaluated specification, sorted by
 * specification name, with lsst.verify's status marks (✅ pass, ❌ fail,
 * ➖ no value) and number formats, as plain text or Markdown.
 */

import type { SpecResult } from './evaluate.js'
import { pythonFloatRepr } from './python-json.js'
import {
  convertValue,
  isConvertible,
  parseUnit,
  type Operator
} from './units.js'

export const STATUS_MARK = { pass: '✅', fail: '❌', noValue: '➖' } as const

export function statusMark(passed: boolean | null): string {
  if (passed === null) return STATUS_MARK.noValue
  return passed ? STATUS_MARK.pass : STATUS_MARK.fail
}

/** Python's `format(v, '0.2e')`: `6.10e-03`. */
function exponential2(v: number): string {
  const [m = '', e = '0'] = v.toExponential(2).split('e')
  const n = Number(e)
  return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`
}

/**
 * A measurement as the report prints it: two decimals, or e-notation for
 * small magnitudes (upstream switches at 1e-2).
 */
export function formatMeasurement(value: number, unit: string): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  const text =
    value !== 0 && Math.abs(value) < 1e-2
      ? exponential2(value)
      : value.toFixed(2)
  return unit === '' ? text : `${text} ${unit}`
}

export function formatTest(r: SpecResult): string {
  const t = r.spec.threshold
  const unit = t.unit.name === '' ? '' : ` ${t.unit.name}`
  return `${t.operator} ${pythonFloatRepr(t.value)}${unit}`
}

/** What holds when `a op b` does not. */
const NEGATED: Record<Operator, Operator> = {
  '<': '>=',
  '<=': '>',
  '>': '<=',
  '>=': '<',
  '==': '!=',
  '!=': '=='
}

/**
 * Two numbers with as few significant digits as tell them apart (3 at
 * least): `15` and `10`, but `5.0001` and `5`.
 */
function significant(a: number, b: number): [string, string] {
  const show = (v: number, p: number): string =>
    Number.isFinite(v) ? String(Number(v.toPrecision(p))) : String(v)
  for (let p = 3; p < 17; p++) {
    const pair: [string, string] = [show(a, p), show(b, p)]
    if (a === b || pair[0] !== pair[1]) return pair
  }
  return [String(a), String(b)]
}

/** A result in the threshold's unit: `15 marcsec`, `>`, `10 marcsec`. */
interface Comparison {
  measurement: string
  /** The relation that holds: the spec's operator, or its negation. */
  op: Operator
  threshold: string
}

function comparison(r: SpecResult): Comparison {
  const t = r.spec.threshold
  const unit = t.unit.name === '' ? '' : ` ${t.unit.name}`
  const op = r.passed === false ? NEGATED[t.operator] : t.operator
  if (r.measurement === null)
    return { measurement: 'no value', op, threshold: `${t.value}${unit}` }
  const measured = parseUnit(r.measurement.unit)
  // `==` and `!=` may compare units of different kinds (never equal).
  if (!isConvertible(measured, t.unit)) {
    const m = `${r.measurement.value} ${measured.name}`.trim()
    return { measurement: m, op, threshold: `${t.value}${unit}` }
  }
  const value = convertValue(r.measurement.value, measured, t.unit)
  const [m, limit] = significant(value, t.value)
  return { measurement: `${m}${unit}`, op, threshold: `${limit}${unit}` }
}

/**
 * A result as a person reads it: the measurement in the threshold's unit,
 * with significant digits, and the relation that holds — `15 marcsec > 10
 * marcsec` for a failing `<= 10 marcsec` (lsst.verify's table prints
 * `0.01 arcsec` and `<= 10.0 marcsec`).
 */
export function formatComparison(r: SpecResult): string {
  const c = comparison(r)
  if (r.measurement === null) return `no value (${c.op} ${c.threshold})`
  return `${c.measurement} ${c.op} ${c.threshold}`
}

/**
 * The rows of `stackci verify check`'s text table: as {@link reportRows},
 * with the measurement in the threshold's unit (significant digits).
 */
export function textRows(results: readonly SpecResult[]): ReportRow[] {
  return reportRows(results).map((row, i) => {
    const r = results[i] as SpecResult
    const c = comparison(r)
    const t = r.spec.threshold
    return {
      ...row,
      measurement: c.measurement,
      test: `${t.operator} ${c.threshold}`
    }
  })
}

export interface ReportRow {
  status: string
  spec: string
  measurement: string
  test: string
  tags: string
}

export function reportRows(results: readonly SpecResult[]): ReportRow[] {
  return results.map((r) => ({
    status: statusMark(r.passed),
    spec: r.spec.name,
    measurement:
      r.measurement === null
        ? 'no value'
        : formatMeasurement(r.measurement.value, r.measurement.unit),
    test: formatTest(r),
    tags: r.spec.tags.join(', ')
  }))
}

const HEADERS: Record<keyof ReportRow, string> = {
  status: 'Status',
  spec: 'Specification',
  measurement: 'Measurement',
  test: 'Test',
  tags: 'Spec. Tags'
}

const COLUMNS = Object.keys(HEADERS) as (keyof ReportRow)[]

/** Display width: the status marks take two columns on a terminal. */
function width(text: string): number {
  let w = 0
  for (const ch of text) w += /[\u2705\u274c\u2796]/.test(ch) ? 2 : 1
  return w
}

/** A fixed-width text table. */
export function formatTextTable(rows: readonly ReportRow[]): string {
  const widths = COLUMNS.map((c) =>
    Math.max(width(HEADERS[c]), ...rows.map((r) => width(r[c])))
  )
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - width(cell)))
      .join('  ')
      .trimEnd()
  return [
    line(COLUMNS.map((c) => HEADERS[c])),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(COLUMNS.map((c) => r[c])))
  ].join('\n')
}

function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, '\\|')
}

/** A GitHub-flavoured Markdown table, with a leading Job column if given. */
export function formatMarkdownTable(
  rows: readonly ReportRow[],
  jobs?: readonly string[]
): string {
  const head = COLUMNS.map((c) => HEADERS[c])
  const lead = jobs === undefined ? [] : ['Job']
  return [
    `| ${[...lead, ...head].join(' | ')} |`,
    `| ${[...lead, ...head].map(() => '---').join(' | ')} |`,
    ...rows.map((r, i) => {
      const cells = COLUMNS.map((c) => escapeMarkdown(r[c]))
      const job =
        jobs === undefined ? [] : [`\`${escapeMarkdown(jobs[i] ?? '')}\``]
      return `| ${[...job, ...cells].join(' | ')} |`
    })
  ].join('\n')
}
