/**
 * The points of a chart as the page carries them: compact, because a long
 * history draws about a thousand points per line on hundreds of charts.
 * Each drawn dataset becomes three arrays (run index as the step from the
 * previous one, value, and an index into the few combinations of line,
 * status and checks that its points share); the page's script turns them
 * back into the points and colours chartConfig describes. The same
 * packing, at full resolution, is each metric's data file beside the page
 * (`report-data/<metric>.js`), loaded when the reader asks for every point.
 */

import { basename, dirname, extname, join } from 'node:path'
import { nodeCrypto } from '../core/builtins.js'
import { checkText, type ChartConfig } from './chart-config.js'
import type { PointStatus } from './checks.js'
import type { ReportMetric, ReportPoint } from './report-model.js'

/** One dataset's points. */
export interface PackedSet {
  /** Run indices (into the model's runs), each as the step from the last. */
  r: number[]
  /** The points' y; null: no value (drawn at the axis minimum). */
  y: (number | null)[]
  /** Per point (or one for all) an index into {@link PackedChart.combos}. */
  k: number | number[]
}

export interface PackedChart {
  /** What points share: [line label, status, check texts]. */
  combos: [string, PointStatus, string[]][]
  /** One per dataset of the configuration; null: drawn as configured. */
  sets: (PackedSet | null)[]
}

/** The function a metric's data file calls with its name and points. */
export const DATA_CALLBACK = 'stackciReportData'

/**
 * Packs `points`; `line` is the label of their line, or of each point's
 * when they come from several (the points with no value).
 */
function packSet(
  points: readonly ReportPoint[],
  line: string | readonly string[],
  metric: string,
  combos: PackedChart['combos'],
  ids: Map<string, number>
): PackedSet {
  const n = points.length
  const r = new Array<number>(n)
  const y = new Array<number | null>(n)
  const k = new Array<number>(n)
  let run = 0
  // Most points share their line and status and have no checks: the
  // last such combination is remembered rather than spelled as a key.
  let lastLine: string | undefined
  let lastStatus: PointStatus | undefined
  let lastId = 0
  let same = true
  for (let i = 0; i < n; i++) {
    const p = points[i] as ReportPoint
    const label = typeof line === 'string' ? line : (line[i] as string)
    r[i] = p.run - run
    run = p.run
    y[i] = p.value
    let id: number | undefined
    if (p.checks.length === 0 && label === lastLine && p.status === lastStatus)
      id = lastId
    else {
      let key = `${label}\u0000${p.status}`
      for (const c of p.checks)
        key += `\u0000${c.spec}\u0000${String(c.passed)}`
      id = ids.get(key)
      if (id === undefined) {
        id = combos.length
        combos.push([
          label,
          p.status,
          p.checks.map((c) => checkText(metric, c))
        ])
        ids.set(key, id)
      }
      if (p.checks.length === 0)
        [lastLine, lastStatus, lastId] = [label, p.status, id]
    }
    k[i] = id
    same &&= id === k[0]
  }
  return { r, y, k: same ? (k[0] ?? 0) : k }
}

/**
 * The points of `metric` as {@link chartConfig} makes its datasets: one set
 * per line (the points with a value), one for the points with no value
 * (drawn at the axis minimum) when there are any, and none for thresholds.
 */
export function packMetric(metric: ReportMetric): PackedChart {
  const combos: PackedChart['combos'] = []
  const ids = new Map<string, number>()
  const noValue: ReportPoint[] = []
  const noValueLines: string[] = []
  const sets: (PackedSet | null)[] = metric.lines.map((line) => {
    let valued: ReportPoint[] = line.points
    if (line.points.some((p) => p.value === null)) {
      valued = []
      for (const p of line.points) {
        if (p.value !== null) valued.push(p)
        else {
          noValue.push(p)
          noValueLines.push(line.label)
        }
      }
    }
    return packSet(valued, line.label, metric.metric, combos, ids)
  })
  if (noValue.length > 0)
    sets.push(packSet(noValue, noValueLines, metric.metric, combos, ids))
  for (const _ of metric.thresholds) sets.push(null)
  return { combos, sets }
}

/** `config` without the points {@link packMetric} carries. */
export function chartFrame(config: ChartConfig): ChartConfig {
  const datasets = config.data.datasets.map((d) => {
    if (d.stackci.kind === 'threshold') return d
    const frame = { ...d, data: [] }
    delete frame.pointBackgroundColor
    delete frame.pointBorderColor
    return frame
  })
  return { ...config, data: { datasets } }
}

/**
 * The directory of the full-resolution data files of the page `out`:
 * `report-data` beside `report.html`.
 */
export function reportDataDir(out: string): string {
  const name = basename(out, extname(out))
  return join(dirname(out), `${name}-data`)
}

/**
 * The data file of `metric`: its name made safe for any file system, and a
 * hash of the exact name so that names differing only in case or in unsafe
 * characters never share a file.
 */
export function dataFileName(metric: string): string {
  const safe = metric.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)
  const hash = nodeCrypto()
    .createHash('sha256')
    .update(metric, 'utf8')
    .digest('hex')
    .slice(0, 8)
  return `${safe}.${hash}.js`
}
