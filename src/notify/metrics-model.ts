/**
 * What the metrics messages (job summary, PR comment, Slack alert) are
 * composed from: plain data declared here, so notify stays a leaf that
 * imports no store. A metrics run's outcome has this shape; the
 * dispatch-metrics step module hands it over.
 */

import type { Provenance } from '../core/provenance.js'
import { convertValue, parseUnit, type SpecResult } from '../verify/index.js'

/** The key of one history series of a metric. */
export interface SeriesKey {
  metric: string
  dataset: string
  instrument: string
  filter: string
}

/** `validate_drp.PA1 [HSC/RC2 · HSC · HSC-I]`, for messages and charts. */
export function describeKey(key: SeriesKey): string {
  const parts = [key.dataset, key.instrument, key.filter].filter((p) => p)
  return parts.length === 0
    ? key.metric
    : `${key.metric} [${parts.join(' · ')}]`
}

/** A measurement compared with its baseline series. */
export interface ComparedMeasurement extends SeriesKey {
  jobId: string
  series: string
  value: number
  unit: string
  /** `insufficient`, `ok`, `improved`, `breach` or `regression`. */
  verdict: string
  /** Breaches in a row, this one included. */
  streak: number
  band: { median: number; low: number; high: number } | undefined
  /** The baseline's recent points, oldest first. */
  history: readonly { time: number; value: number }[]
}

/** A specification's result with the gate level its tags give it. */
export interface GatedSpec {
  jobId: string
  /** The job file, for messages. */
  source: string
  result: SpecResult
  level: 'fail' | 'warn' | 'info'
  comparison: ComparedMeasurement | undefined
}

/** What one store did with the jobs. */
export interface StoreCount {
  label: string
  written: number
  skipped: number
  spooled: number
}

/** What a metrics run found. */
export interface MetricsReport {
  passed: boolean
  jobs: readonly { series: string; provenance: Provenance }[]
  /** Undefined: no definitions, nothing gated. */
  gate:
    | {
        rows: readonly GatedSpec[]
        failures: readonly GatedSpec[]
        warnings: readonly GatedSpec[]
        reasons: readonly string[]
      }
    | undefined
  comparisons: readonly ComparedMeasurement[]
  /** Undefined for a dry run or a report that stores nothing. */
  dispatch: { spooled: number; stores: readonly StoreCount[] } | undefined
  baselineSeries: string
  /** The store history came from; undefined: nothing was compared. */
  historyStore: string | undefined
  dryRun: boolean
}

/** What a Slack alert is sent for. */
export type AlertKind = 'failures' | 'warnings' | 'regressions'

/** A gate row's threshold in the unit of its measurement, if convertible. */
export function thresholdInUnit(
  row: GatedSpec,
  unit: string
): number | undefined {
  const t = row.result.spec.threshold
  try {
    return convertValue(t.value, t.unit, parseUnit(unit))
  } catch {
    return undefined
  }
}

/** The comparisons to chart: the key metrics, or those gated at fail/warn. */
export function keyComparisons(
  report: MetricsReport,
  keyMetrics: readonly string[],
  limit = 8
): ComparedMeasurement[] {
  const gated = new Set(
    (report.gate?.rows ?? [])
      .filter((r) => r.level !== 'info')
      .map((r) => r.result.spec.metricName)
  )
  const wanted = (c: ComparedMeasurement): boolean =>
    keyMetrics.length > 0 ? keyMetrics.includes(c.metric) : gated.has(c.metric)
  // Regressions first: they are what a reader wants to see.
  return report.comparisons
    .filter(wanted)
    .filter((c) => c.history.length > 0)
    .sort(
      (a, b) =>
        Number(b.verdict === 'regression') - Number(a.verdict === 'regression')
    )
    .slice(0, limit)
}

/** Counts for one-line headlines. */
export function reportCounts(report: MetricsReport): {
  specs: number
  passed: number
  failed: number
  noValue: number
  failures: number
  warnings: number
  regressions: number
  breaches: number
} {
  const rows = report.gate?.rows ?? []
  const verdicts = (v: string): number =>
    report.comparisons.filter((c) => c.verdict === v).length
  return {
    specs: rows.length,
    passed: rows.filter((r) => r.result.passed === true).length,
    failed: rows.filter((r) => r.result.passed === false).length,
    noValue: rows.filter((r) => r.result.passed === null).length,
    failures: report.gate?.failures.length ?? 0,
    warnings: report.gate?.warnings.length ?? 0,
    regressions: verdicts('regression'),
    breaches: verdicts('breach')
  }
}
