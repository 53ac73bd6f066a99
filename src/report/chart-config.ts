/**
 * The Chart.js configuration of each trend, built here (plain JSON) so it
 * can be tested without a browser; the page's script only adds the
 * functions (tick and tooltip formatting, click for details). Lines are the
 * series, points are coloured by status, and each applicable specification
 * is a dashed horizontal line coloured by its gate level.
 */

import type { GateLevel } from '../metrics/gate.js'
import {
  describeThreshold,
  type PointStatus,
  type SpecCheck
} from './checks.js'
import type { ReportMetric, ReportModel } from './report-model.js'

export const STATUS_COLORS: Record<PointStatus, string> = {
  pass: '#2e7d32',
  warn: '#ef8f00',
  fail: '#c62828',
  'no-value': '#8a8a8a',
  'no-spec': '#1565c0'
}

export const LEVEL_COLORS: Record<GateLevel, string> = {
  fail: '#c62828',
  warn: '#ef8f00',
  info: '#757575'
}

/** Series colours: none of them reads as a pass/fail colour. */
const PALETTE = [
  '#3949ab',
  '#00897b',
  '#8e24aa',
  '#6d4c41',
  '#0277bd',
  '#ad1457',
  '#546e7a',
  '#9e9d24'
]

const HOUR = 3_600_000

/** The data of one point as the page's script reads it back. */
export interface ChartDatum {
  x: number
  y: number
  /** Index into the model's runs. */
  run: number
  status: PointStatus
  /** The line's label. */
  line: string
  /** `✓ design ≤ 30 marcsec`, one per applicable specification. */
  checks: string[]
}

export interface ChartDataset {
  type: 'line'
  label: string
  data: ChartDatum[] | { x: number; y: number }[]
  borderColor: string
  backgroundColor: string
  borderWidth: number
  borderDash?: number[]
  showLine: boolean
  pointRadius: number | number[]
  pointHoverRadius?: number
  pointHitRadius?: number
  pointStyle?: string
  pointBackgroundColor?: string[]
  pointBorderColor?: string[]
  order: number
  /** Ours: what the dataset is, for the page's script and the tests. */
  stackci: {
    kind: 'series' | 'no-value' | 'threshold'
    spec?: string
    level?: GateLevel
    offScale?: boolean
  }
}

export interface ChartConfig {
  type: 'line'
  data: { datasets: ChartDataset[] }
  options: {
    animation: false
    responsive: true
    maintainAspectRatio: false
    parsing: false
    interaction: { mode: 'nearest'; intersect: boolean }
    scales: {
      x: {
        type: 'linear'
        min: number
        max: number
        ticks: { stepSize: number }
      }
      y: {
        type: 'linear'
        min: number
        max: number
        title: { display: boolean; text: string }
      }
    }
  }
}

function mark(passed: boolean | null): string {
  return passed === true ? '✓' : passed === false ? '✗' : '–'
}

/** `✓ design ≤ 30 marcsec`: one check of a point, as its details list it. */
export function checkText(metric: string, check: SpecCheck): string {
  return `${mark(check.passed)} ${check.spec.slice(metric.length + 1)} ${describeThreshold(check.operator, check.threshold, check.unit)}`
}

/** A round step near `span / 6`: 1, 2 or 5 times a power of ten. */
function niceStep(span: number): number {
  const raw = span / 6
  const power = 10 ** Math.floor(Math.log10(raw))
  const f = raw / power
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power
}

/**
 * The y range: the values, and the thresholds near them, padded and
 * rounded to a tick step. A threshold far off the data (10 min for a 3 s
 * run) would flatten the trend, so one further than three data spans (or
 * one and a half times the data's magnitude) from the values is listed in
 * the legend as off scale instead of drawn.
 */
export function yRange(
  values: readonly number[],
  thresholds: readonly number[]
): { min: number; max: number; shown: (t: number) => boolean } {
  const all = values.length > 0 ? values : thresholds
  const first = all.length > 0 ? Math.min(...all) : 0
  const last = all.length > 0 ? Math.max(...all) : 1
  const reach =
    Math.max(3 * (last - first), 1.5 * Math.abs((first + last) / 2)) || 1
  // Judged against the values alone, so drawing one threshold does not
  // pull a farther one into range.
  const near = (t: number): boolean => t >= first - reach && t <= last + reach
  let lo = first
  let hi = last
  for (const t of thresholds) {
    if (near(t)) {
      lo = Math.min(lo, t)
      hi = Math.max(hi, t)
    }
  }
  const span = hi - lo || Math.abs(hi) || 1
  const step = niceStep(span * 1.1)
  return {
    min: Math.floor((lo - span * 0.04) / step) * step,
    max: Math.ceil((hi + span * 0.04) / step) * step,
    shown: near
  }
}

const TIME_STEPS = [1, 2, 3, 6, 12, 24, 48, 7 * 24, 14 * 24, 28 * 24].map(
  (h) => h * HOUR
)

/** The time axis: padded, with ticks on round UTC hours or days. */
export function xAxis(range: { from: number; to: number }): {
  min: number
  max: number
  ticks: { stepSize: number }
} {
  const span = Math.max(range.to - range.from, 12 * HOUR)
  const step =
    TIME_STEPS.find((s) => span / s <= 8) ??
    Math.ceil(span / 8 / (91 * 24 * HOUR)) * 91 * 24 * HOUR
  const pad = Math.max(span * 0.03, HOUR)
  return {
    min: Math.floor((range.from - pad) / step) * step,
    max: Math.ceil((range.to + pad) / step) * step,
    ticks: { stepSize: step }
  }
}

/** The Chart.js configuration of one metric's trend. */
export function chartConfig(
  metric: ReportMetric,
  model: Pick<ReportModel, 'range'>
): ChartConfig {
  const datasets: ChartDataset[] = []
  const values: number[] = []
  for (const line of metric.lines)
    for (const p of line.points) if (p.value !== null) values.push(p.value)
  const range = yRange(
    values,
    metric.thresholds.map((t) => t.value)
  )
  const x = xAxis(model.range)
  const noValue: ChartDatum[] = []
  metric.lines.forEach((line, i) => {
    const color = PALETTE[i % PALETTE.length] as string
    const data: ChartDatum[] = []
    for (const p of line.points) {
      const datum = {
        x: p.time,
        y: p.value ?? range.min,
        run: p.run,
        status: p.status,
        line: line.label,
        checks: p.checks.map((c) => checkText(metric.metric, c))
      }
      if (p.value === null) noValue.push(datum)
      else data.push(datum)
    }
    datasets.push({
      type: 'line',
      label: line.label,
      data,
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      showLine: true,
      pointRadius: 5,
      pointHoverRadius: 8,
      pointBackgroundColor: data.map((d) => STATUS_COLORS[d.status]),
      pointBorderColor: data.map((d) => STATUS_COLORS[d.status]),
      order: 1,
      stackci: { kind: 'series' }
    })
  })
  if (noValue.length > 0) {
    datasets.push({
      type: 'line',
      label: 'no value',
      data: noValue,
      borderColor: STATUS_COLORS['no-value'],
      backgroundColor: STATUS_COLORS['no-value'],
      borderWidth: 2,
      showLine: false,
      pointRadius: 7,
      pointStyle: 'crossRot',
      pointBackgroundColor: noValue.map(() => STATUS_COLORS['no-value']),
      pointBorderColor: noValue.map(() => STATUS_COLORS['no-value']),
      order: 0,
      stackci: { kind: 'no-value' }
    })
  }
  for (const t of metric.thresholds) {
    const offScale = !range.shown(t.value)
    datasets.push({
      type: 'line',
      label: offScale ? `${t.label} (off scale)` : t.label,
      data: [
        { x: x.min, y: t.value },
        { x: x.max, y: t.value }
      ],
      borderColor: LEVEL_COLORS[t.level],
      backgroundColor: LEVEL_COLORS[t.level],
      borderWidth: 1.5,
      borderDash: t.level === 'info' ? [2, 3] : [7, 4],
      showLine: true,
      pointRadius: 0,
      pointHitRadius: 0,
      order: 2,
      stackci: { kind: 'threshold', spec: t.spec, level: t.level, offScale }
    })
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'nearest', intersect: true },
      scales: {
        x: { type: 'linear', ...x },
        y: {
          type: 'linear',
          min: range.min,
          max: range.max,
          title: { display: metric.unit !== '', text: metric.unit }
        }
      }
    }
  }
}
