/**
 * The metrics report as GitHub-flavoured Markdown, for the job summary and
 * the sticky PR comment: a headline with the gate, the specification table
 * (status, value, threshold, delta vs baseline, gate level), the
 * regressions, and a trend chart per key metric. Long tables are cut with a
 * note, keeping the text far below GitHub's limits.
 */

import { plural } from '../core/format.js'
import { basename } from 'node:path'
import {
  describeKey,
  keyComparisons,
  reportCounts,
  thresholdInUnit,
  type ComparedMeasurement,
  type GatedSpec,
  type MetricsReport
} from './metrics-model.js'
import { formatMeasurement, formatTest, statusMark } from '../verify/index.js'
import { trendChart } from './metrics-chart.js'

export interface MarkdownOptions {
  keyMetrics?: readonly string[]
  trendPoints?: number
  /** Rows of the specification table, at most (default 200). */
  maxRows?: number
  /** Charts, at most (default 8). */
  maxCharts?: number
}

const escapeCell = (text: string): string =>
  text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')

function short(value: number): string {
  const abs = Math.abs(value)
  if (abs !== 0 && (abs < 1e-2 || abs >= 1e6)) return value.toExponential(2)
  return value.toFixed(2)
}

/** `+0.30 (+2.1 %)`, or why there is no delta. */
export function formatDelta(c: ComparedMeasurement | undefined): string {
  if (c === undefined) return '—'
  if (c.band === undefined)
    return c.history.length === 0
      ? 'no history'
      : `${c.history.length} runs (too few)`
  const delta = c.value - c.band.median
  const pct =
    c.band.median === 0
      ? ''
      : ` (${delta >= 0 ? '+' : ''}${((delta / Math.abs(c.band.median)) * 100).toFixed(1)} %)`
  const mark =
    c.verdict === 'regression'
      ? ' 🔺 regression'
      : c.verdict === 'breach'
        ? ' ⚠️'
        : c.verdict === 'improved'
          ? ' ✨'
          : ''
  return `${delta >= 0 ? '+' : ''}${short(delta)}${pct}${mark}`
}

function headline(o: MetricsReport): string[] {
  const n = reportCounts(o)
  const jobs = plural(o.jobs.length, 'job')
  const lines = [
    `### ${o.passed ? '✅' : '❌'} Metrics gate ${o.passed ? 'passed' : 'failed'}${o.dryRun ? ' (dry run)' : ''}`,
    ''
  ]
  const parts = [
    jobs,
    `${n.specs} specifications: ${n.passed} ✅ ${n.failed} ❌ ${n.noValue} ➖`,
    `${n.failures} failing · ${plural(n.warnings, 'warning')} · ${plural(n.regressions, 'regression')}`,
    o.historyStore === undefined
      ? 'no history store'
      : `baseline: ${o.baselineSeries}`
  ]
  lines.push(parts.join(' · '))
  for (const reason of o.gate?.reasons ?? []) lines.push('', `> ❌ ${reason}`)
  return lines
}

const LEVEL_ORDER = { fail: 0, warn: 1, info: 2 } as const

function rank(r: GatedSpec): number {
  const failing = r.result.passed === false ? 0 : 10
  const regression = r.comparison?.verdict === 'regression' ? 0 : 5
  return failing + regression + LEVEL_ORDER[r.level]
}

function specTable(o: MetricsReport, maxRows: number): string[] {
  const rows = [...(o.gate?.rows ?? [])].sort((a, b) => rank(a) - rank(b))
  if (rows.length === 0) return []
  const several = o.jobs.length > 1
  const head = [
    'Status',
    'Specification',
    ...(several ? ['Job'] : []),
    'Value',
    'Threshold',
    'Δ vs baseline',
    'Gate'
  ]
  const out = [
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map((h) => (h === 'Value' || h === 'Δ vs baseline' ? '---:' : '---')).join(' | ')} |`
  ]
  for (const r of rows.slice(0, maxRows)) {
    const m = r.result.measurement
    const cells = [
      statusMark(r.result.passed),
      `\`${r.result.spec.name}\``,
      ...(several ? [basename(r.source)] : []),
      m === null ? 'no value' : formatMeasurement(m.value, m.unit),
      formatTest(r.result),
      formatDelta(r.comparison),
      r.level === 'info' ? '—' : r.level
    ]
    out.push(`| ${cells.map(escapeCell).join(' | ')} |`)
  }
  if (rows.length > maxRows) {
    out.push(
      '',
      `… and ${rows.length - maxRows} more specifications (see the JSON report).`
    )
  }
  return out
}

function regressionTable(o: MetricsReport): string[] {
  const flagged = o.comparisons.filter(
    (c) => c.verdict === 'regression' || c.verdict === 'breach'
  )
  if (flagged.length === 0) return []
  const out = [
    '',
    '#### Changes against the baseline',
    '',
    '| | Metric | Value | Baseline median | Band | Runs in a row |',
    '| --- | --- | ---: | ---: | --- | ---: |'
  ]
  for (const c of flagged.slice(0, 50)) {
    const b = c.band
    out.push(
      `| ${c.verdict === 'regression' ? '🔺 regression' : '⚠️ breach'} | ${escapeCell(describeKey(c))} | ${formatMeasurement(c.value, c.unit)} | ${b === undefined ? '—' : formatMeasurement(b.median, c.unit)} | ${b === undefined ? '—' : `${short(b.low)} … ${short(b.high)}`} | ${c.streak} |`
    )
  }
  return out
}

function charts(o: MetricsReport, options: MarkdownOptions): string[] {
  const chosen = keyComparisons(
    o,
    options.keyMetrics ?? [],
    options.maxCharts ?? 8
  )
  if (chosen.length === 0) return []
  const out = ['', '#### Trends']
  for (const c of chosen) {
    // The threshold that gates: fail level first, else warn.
    const rows = (o.gate?.rows ?? []).filter(
      (r) => r.jobId === c.jobId && r.result.spec.metricName === c.metric
    )
    const row =
      rows.find((r) => r.level === 'fail') ??
      rows.find((r) => r.level === 'warn')
    const threshold =
      row === undefined ? undefined : thresholdInUnit(row, c.unit)
    out.push(
      '',
      trendChart(c, {
        points: options.trendPoints ?? 30,
        ...(threshold === undefined ? {} : { threshold })
      })
    )
  }
  return out
}

function footer(o: MetricsReport): string[] {
  const d = o.dispatch
  if (d === undefined) return []
  const stores = d.stores.map(
    (t) =>
      `${t.label}: ${t.written} written${t.skipped > 0 ? `, ${t.skipped} already there` : ''}${t.spooled > 0 ? `, **${t.spooled} spooled**` : ''}`
  )
  const lines = [
    '',
    `<sub>${stores.length === 0 ? 'no store configured' : stores.map(escapeCell).join(' · ')}</sub>`
  ]
  if (d.spooled > 0) {
    lines.push(
      '',
      `> ⚠️ ${d.spooled} send(s) failed and wait in the spool: run \`stackci metrics replay\`.`
    )
  }
  return lines
}

/** The whole report. */
export function metricsMarkdown(
  o: MetricsReport,
  options: MarkdownOptions = {}
): string {
  return [
    ...headline(o),
    ...specTable(o, options.maxRows ?? 200),
    ...regressionTable(o),
    ...charts(o, options),
    ...footer(o)
  ].join('\n')
}
