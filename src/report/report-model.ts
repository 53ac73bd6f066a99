/**
 * From the store's history to what the report shows: a trend per metric
 * (one line per dataset/instrument/filter and history series, each point
 * checked against the specifications whose metadata query matches its job,
 * every applicable threshold as a line) and a pass/fail table per dataset
 * for its latest run. Pure: the HTML and the JSON summary are views of it.
 */

import { redactUrl } from '../core/secrets.js'
import {
  parseUnit,
  convertValue,
  isConvertible,
  type Definitions,
  type Operator,
  type Specification,
  type Unit
} from '../verify/index.js'
import type { GateLevel } from '../metrics/gate.js'
import {
  applicableSpecs,
  checkValue,
  describeQuery,
  describeThreshold,
  pointStatus,
  specLevel,
  thresholdIn,
  type PointStatus,
  type ReportGate,
  type SpecCheck
} from './checks.js'
import { datasetTables, type DatasetTable } from './dataset-tables.js'
import type { StoreHistory, StoredJob } from './store-reader.js'

export interface RunLink {
  label: string
  url: string
}

/** One job, as the hover details and the tables show it. */
export interface ReportRun {
  jobId: string
  time: number
  series: string
  dataset: string
  instrument: string
  filter: string
  gitSha?: string
  releaseTag?: string
  imageDigest?: string
  /** Only http(s) URLs, credentials removed. */
  links: RunLink[]
}

export interface ReportPoint {
  time: number
  /** In the metric's chart unit; null: no value. */
  value: number | null
  /** Index into {@link ReportModel.runs}. */
  run: number
  status: PointStatus
  checks: SpecCheck[]
}

export interface ReportLine {
  label: string
  dataset: string
  instrument: string
  filter: string
  series: string
  points: ReportPoint[]
}

export interface ReportThreshold {
  spec: string
  label: string
  operator: Operator
  value: number
  tags: string[]
  level: GateLevel
  /** `dataset_name=field_a`; '' when it applies to every job. */
  query: string
}

export interface ReportMetric {
  metric: string
  unit: string
  description: string
  lines: ReportLine[]
  thresholds: ReportThreshold[]
  counts: Record<PointStatus, number>
}

export interface ReportModel {
  title: string
  generatedAt: number
  store: string
  range: { from: number; to: number }
  gate: ReportGate
  runs: ReportRun[]
  metrics: ReportMetric[]
  datasets: DatasetTable[]
}

export interface ModelOptions {
  title: string
  gate: ReportGate
  now?: () => number
}

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

/**
 * A link only for http(s) URLs (no `javascript:` from metadata), in the
 * URL parser's normal form (quotes and brackets percent-encoded) and
 * without credentials.
 */
function link(label: string, url: string | undefined): RunLink[] {
  if (url === undefined) return []
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return []
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return []
  return [{ label, url: redactUrl(parsed.href) }]
}

function runOf(job: StoredJob): ReportRun {
  const opt = (k: 'gitSha' | 'releaseTag' | 'imageDigest'): object =>
    job[k] === undefined ? {} : { [k]: job[k] }
  return {
    jobId: job.jobId,
    time: job.createdAt,
    series: job.series,
    dataset: job.dataset,
    instrument: job.instrument,
    filter: job.filter,
    ...opt('gitSha'),
    ...opt('releaseTag'),
    ...opt('imageDigest'),
    links: [
      ...link('Jenkins build', job.jenkinsBuildUrl),
      ...link('workflow run', job.workflowRunUrl)
    ]
  }
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

function byName<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a)
    const y = key(b)
    return x < y ? -1 : x > y ? 1 : 0
  }
}

/** Builds the report of `history`, checked against `definitions`. */
export function buildReportModel(
  history: StoreHistory,
  definitions: Definitions | undefined,
  options: ModelOptions
): ReportModel {
  const { jobs } = history
  const runs = jobs.map(runOf)
  const withSeries = new Set(jobs.map((j) => j.series)).size > 1
  const byMetric = new Map<string, typeof history.measurements>()
  for (const m of history.measurements) {
    const list = byMetric.get(m.metric)
    if (list === undefined) byMetric.set(m.metric, [m])
    else list.push(m)
  }
  const metrics: ReportMetric[] = []
  for (const [name, measurements] of byMetric) {
    const metric = definitions?.metrics.get(name)
    const first = measurements[0]
    const chartUnit =
      metric?.unit ?? (first === undefined ? null : unitOf(first.unit))
    const specs: readonly Specification[] =
      definitions?.specsByMetric.get(name) ?? []
    const lines = new Map<string, ReportLine>()
    const used = new Set<Specification>()
    const counts = emptyCounts()
    for (const m of measurements) {
      const job = jobs[m.job] as StoredJob
      const key = `${job.dataset}\u0000${job.instrument}\u0000${job.filter}\u0000${job.series}`
      let line = lines.get(key)
      if (line === undefined) {
        line = {
          label: lineLabel(job, withSeries),
          dataset: job.dataset,
          instrument: job.instrument,
          filter: job.filter,
          series: job.series,
          points: []
        }
        lines.set(key, line)
      }
      const from = unitOf(m.unit)
      const value =
        m.value === null ||
        chartUnit === null ||
        from === null ||
        !isConvertible(from, chartUnit)
          ? m.value
          : convertValue(m.value, from, chartUnit)
      const applicable = applicableSpecs(specs, job.meta)
      applicable.forEach((s) => used.add(s))
      const checks =
        chartUnit === null
          ? []
          : checkValue(value, chartUnit, applicable, options.gate)
      const status = pointStatus(value, checks)
      counts[status]++
      line.points.push({
        time: job.createdAt,
        value,
        run: m.job,
        status,
        checks
      })
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
          level: specLevel(s, options.gate),
          query
        }
      })
    metrics.push({
      metric: name,
      unit: chartUnit?.name ?? first?.unit ?? '',
      description: metric?.description.trim() ?? '',
      lines: [...lines.values()].sort(byName((l) => l.label)),
      thresholds,
      counts
    })
  }
  metrics.sort(byName((m) => m.metric))
  const times = jobs.map((j) => j.createdAt)
  return {
    title: options.title,
    generatedAt: (options.now ?? Date.now)(),
    store: history.path,
    range: { from: Math.min(...times), to: Math.max(...times) },
    gate: options.gate,
    runs,
    metrics,
    datasets: datasetTables(metrics, runs)
  }
}

/** What `stackci report --json` prints: enough to check the history grew. */
export interface ReportSummary {
  out?: string
  runs: number
  from: string
  to: string
  metrics: {
    metric: string
    unit: string
    points: number
    lines: { label: string; points: number }[]
    counts: Record<PointStatus, number>
  }[]
  datasets: { label: string; jobId: string; passed: number; failed: number }[]
}

export function reportSummary(model: ReportModel): ReportSummary {
  return {
    runs: model.runs.length,
    from: new Date(model.range.from).toISOString(),
    to: new Date(model.range.to).toISOString(),
    metrics: model.metrics.map((m) => ({
      metric: m.metric,
      unit: m.unit,
      points: m.lines.reduce((n, l) => n + l.points.length, 0),
      lines: m.lines.map((l) => ({ label: l.label, points: l.points.length })),
      counts: m.counts
    })),
    datasets: model.datasets.map((d) => ({
      label: d.label,
      jobId: model.runs[d.run]?.jobId ?? '',
      passed: d.counts.passed,
      failed: d.counts.failed
    }))
  }
}
