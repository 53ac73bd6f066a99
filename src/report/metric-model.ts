/**
 * One metric of the report: its measurements as lines (one per dataset,
 * instrument, filter and history series), each point in the chart's unit
 * and checked against the specifications whose metadata query matches its
 * job; then the same metric with long lines decimated for drawing.
 */

import {
  convertValue,
  isConvertible,
  parseUnit,
  type Definitions,
  type Specification,
  type Unit
} from '../verify/index.js'
import {
  applicableSpecs,
  checkValue,
  describeQuery,
  describeThreshold,
  pointStatus,
  specLevel,
  thresholdIn,
  type PointStatus,
  type ReportGate
} from './checks.js'
import { downsample } from './downsample.js'
import { byNaturalKey } from './natural-sort.js'
import type {
  ReportLine,
  ReportMetric,
  ReportPoint,
  ReportThreshold
} from './report-model.js'
import type { StoredJob, StoredMeasurement } from '../metrics/store-reader.js'

const unitCache = new Map<string, Unit | null>()

/** A parsed unit, or null for one this stackci does not know. */
export function unitOf(name: string): Unit | null {
  let u = unitCache.get(name)
  if (u === undefined) {
    try {
      u = parseUnit(name)
    } catch {
      u = null
    }
    unitCache.set(name, u)
  }
  return u
}

/** `field_a · SIM · HSC-R`, plus the series when the report has several. */
export function lineLabel(
  key: { dataset: string; instrument: string; filter: string; series: string },
  withSeries: boolean
): string {
  const parts = [key.dataset, key.instrument, key.filter].filter((p) => p)
  if (parts.length === 0) parts.push('(no dataset)')
  if (withSeries) parts.push(key.series)
  return parts.join(' · ')
}

function emptyCounts(): Record<PointStatus, number> {
  return { pass: 0, warn: 0, fail: 0, 'no-value': 0, 'no-spec': 0 }
}

/** What every metric of one report shares. */
export interface MetricContext {
  jobs: readonly StoredJob[]
  definitions: Definitions | undefined
  gate: ReportGate
  /** Whether line labels name the history series (the report has several). */
  withSeries: boolean
  /** Per job, the key of its line (dataset, instrument, filter, series). */
  lineKeys: readonly string[]
}

/** The key of the line a job's points go to. */
export function lineKey(job: StoredJob): string {
  return `${job.dataset}\u0000${job.instrument}\u0000${job.filter}\u0000${job.series}`
}

/** The metric `name` at full resolution, from all of its measurements. */
export function metricModel(
  name: string,
  measurements: readonly StoredMeasurement[],
  context: MetricContext
): ReportMetric {
  const { jobs, definitions, gate } = context
  const metric = definitions?.metrics.get(name)
  // The unit of the metric's oldest measurement when it has no definition.
  let first: StoredMeasurement | undefined
  for (const m of measurements)
    if (first === undefined || m.job < first.job) first = m
  const chartUnit =
    metric?.unit ?? (first === undefined ? null : unitOf(first.unit))
  const specs: readonly Specification[] =
    definitions?.specsByMetric.get(name) ?? []
  const lines = new Map<string, ReportLine>()
  const used = new Set<Specification>()
  const counts = emptyCounts()
  for (const m of measurements) {
    const job = jobs[m.job] as StoredJob
    const key = context.lineKeys[m.job] as string
    let line = lines.get(key)
    if (line === undefined) {
      line = {
        label: lineLabel(job, context.withSeries),
        dataset: job.dataset,
        instrument: job.instrument,
        filter: job.filter,
        series: job.series,
        points: [],
        total: 0
      }
      lines.set(key, line)
    }
    const from = unitOf(m.unit)
    const value =
      m.value === null ||
      chartUnit === null ||
      from === null ||
      from === chartUnit ||
      !isConvertible(from, chartUnit)
        ? m.value
        : convertValue(m.value, from, chartUnit)
    // (Most metrics of a long history have no specification.)
    const applicable =
      specs.length === 0 ? specs : applicableSpecs(specs, job.meta)
    for (const s of applicable) used.add(s)
    const checks =
      chartUnit === null ? [] : checkValue(value, chartUnit, applicable, gate)
    const status = pointStatus(value, checks)
    counts[status]++
    line.points.push({ time: job.createdAt, value, run: m.job, status, checks })
    line.total++
  }
  const thresholds = specs
    .filter((s) => used.has(s) && chartUnit !== null)
    .map((s): ReportThreshold => {
      const value = thresholdIn(s, chartUnit as Unit)
      const query = describeQuery(s.metadataQuery)
      return {
        spec: s.name,
        label: `${s.spec} ${describeThreshold(s.threshold.operator, value, chartUnit?.name ?? '')}${query === '' ? '' : ` (${query})`}`,
        operator: s.threshold.operator,
        value,
        tags: s.tags,
        level: specLevel(s, gate),
        query
      }
    })
  return {
    metric: name,
    unit: chartUnit?.name ?? first?.unit ?? '',
    description: metric?.description.trim() ?? '',
    lines: [...lines.values()].sort(byNaturalKey((l) => l.label)),
    thresholds,
    counts,
    sampled: false
  }
}

/** `metric` with each line decimated to about `target` points. */
export function drawnMetric(
  metric: ReportMetric,
  target?: number
): ReportMetric {
  let sampled = false
  const lines = metric.lines.map((line): ReportLine => {
    const kept = downsample(line.points, target === undefined ? {} : { target })
    if (kept.length === line.points.length) return line
    sampled = true
    return { ...line, points: kept.map((i) => line.points[i] as ReportPoint) }
  })
  return { ...metric, lines, sampled }
}
