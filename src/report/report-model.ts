/**
 * From the store's history to what the report shows: a trend per metric
 * (one line per dataset/instrument/filter and history series, each point
 * checked against the specifications whose metadata query matches its job,
 * every applicable threshold as a line) and a pass/fail table per dataset
 * for its latest run. Pure: the HTML and the JSON summary are views of it.
 */

import { redactUrl } from '../core/secrets.js'
import type { Definitions, Operator } from '../verify/index.js'
import type { GateLevel } from '../metrics/gate.js'
import type { PointStatus, ReportGate, SpecCheck } from './checks.js'
import { datasetTables, type DatasetTable } from './dataset-tables.js'
import {
  isStoreHistory,
  memorySource,
  type HistorySource
} from './history-source.js'
import { drawnMetric, lineKey, metricModel } from './metric-model.js'
import { byNaturalKey } from './natural-sort.js'
import type { StoreHistory, StoredJob } from '../metrics/store-reader.js'

export { lineLabel, unitOf } from './metric-model.js'

export interface RunLink {
  label: string
  url: string
}

/** One job, as the hover details and the tables show it. */
export interface ReportRun extends Pick<
  StoredJob,
  | 'jobId'
  | 'series'
  | 'dataset'
  | 'instrument'
  | 'filter'
  | 'gitSha'
  | 'releaseTag'
  | 'imageDigest'
> {
  time: number
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
  /** The points drawn: all of them, or a decimation (see downsample.ts). */
  points: ReportPoint[]
  /** How many points the line has at full resolution. */
  total: number
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
  /** Over every point, drawn or not. */
  counts: Record<PointStatus, number>
  /** Some line draws fewer points than it has. */
  sampled: boolean
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
  /**
   * About how many points each line draws (default
   * {@link DEFAULT_DRAWN_POINTS}); `Infinity` draws every point.
   */
  drawnPoints?: number
  /**
   * Called with each metric at full resolution and as drawn: where the
   * full-resolution data files are written from.
   */
  onMetric?: (full: ReportMetric, drawn: ReportMetric) => void
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

/** The first and last job's time. */
export function historyRange(jobs: readonly StoredJob[]): {
  from: number
  to: number
} {
  let from = Infinity
  let to = -Infinity
  for (const j of jobs) {
    from = Math.min(from, j.createdAt)
    to = Math.max(to, j.createdAt)
  }
  return { from, to }
}

/** Builds the report of `history`, checked against `definitions`. */
export function buildReportModel(
  history: StoreHistory | HistorySource,
  definitions: Definitions | undefined,
  options: ModelOptions
): ReportModel {
  const source = isStoreHistory(history) ? memorySource(history) : history
  const { jobs } = source
  const runs = jobs.map(runOf)
  const context = {
    jobs,
    definitions,
    gate: options.gate,
    withSeries: new Set(jobs.map((j) => j.series)).size > 1,
    lineKeys: jobs.map(lineKey)
  }
  const metrics: ReportMetric[] = []
  source.forEachMetric((name, measurements) => {
    const full = metricModel(name, measurements, context)
    const drawn = drawnMetric(full, options.drawnPoints)
    options.onMetric?.(full, drawn)
    metrics.push(drawn)
  })
  metrics.sort(byNaturalKey((m) => m.metric))
  return {
    title: options.title,
    generatedAt: (options.now ?? Date.now)(),
    store: source.path,
    range: historyRange(jobs),
    gate: options.gate,
    runs,
    metrics,
    datasets: datasetTables(metrics, runs)
  }
}

/** What `stackci report --json` prints: enough to check the history grew. */
export interface ReportSummary {
  out?: string
  /** The directory of the full-resolution data files, when written. */
  data?: string
  runs: number
  from: string
  to: string
  metrics: {
    metric: string
    unit: string
    points: number
    /** `drawn`: how many of the line's points the chart draws. */
    lines: { label: string; points: number; drawn: number }[]
    counts: Record<PointStatus, number>
  }[]
  /** `warned`: failed a warn-tagged specification only (the HTML's count). */
  datasets: {
    label: string
    jobId: string
    passed: number
    failed: number
    warned: number
  }[]
}

export function reportSummary(model: ReportModel): ReportSummary {
  return {
    runs: model.runs.length,
    from: new Date(model.range.from).toISOString(),
    to: new Date(model.range.to).toISOString(),
    metrics: model.metrics.map((m) => ({
      metric: m.metric,
      unit: m.unit,
      points: m.lines.reduce((n, l) => n + l.total, 0),
      lines: m.lines.map((l) => ({
        label: l.label,
        points: l.total,
        drawn: l.points.length
      })),
      counts: m.counts
    })),
    datasets: model.datasets.map((d) => ({
      label: d.label,
      jobId: model.runs[d.run]?.jobId ?? '',
      passed: d.counts.passed,
      failed: d.counts.failed,
      warned: d.counts.warned
    }))
  }
}
