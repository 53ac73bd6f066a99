/**
 * What a metrics run found, in one value the reports (job summary, PR
 * comment, Slack, JSON) are composed from.
 */

import { convertValue, parseUnit } from '../verify/index.js'
import type { DispatchResult } from './dispatch.js'
import type { GateResult, GateRow } from './gate.js'
import type { Comparison } from './history.js'
import type { DispatchJob } from './record.js'

export interface MetricsOutcome {
  /** The gate: false when a fail-level spec failed or a regression fails. */
  passed: boolean
  jobs: readonly DispatchJob[]
  /** Undefined when no metric definitions were given (nothing to gate). */
  gate: GateResult | undefined
  comparisons: readonly Comparison[]
  /** Undefined for a dry run or a report without dispatch. */
  dispatch: DispatchResult | undefined
  baselineSeries: string
  /** The store history came from, or undefined (no comparison made). */
  historyStore: string | undefined
  dryRun: boolean
}

/** A gate row's threshold in the unit of its measurement, if convertible. */
export function thresholdInUnit(
  row: GateRow,
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
  outcome: MetricsOutcome,
  keyMetrics: readonly string[],
  limit = 8
): Comparison[] {
  const gated = new Set(
    (outcome.gate?.rows ?? [])
      .filter((r) => r.level !== 'info')
      .map((r) => r.result.spec.metricName)
  )
  const wanted = (c: Comparison): boolean =>
    keyMetrics.length > 0 ? keyMetrics.includes(c.metric) : gated.has(c.metric)
  // Regressions first: they are what a reader wants to see.
  return outcome.comparisons
    .filter(wanted)
    .filter((c) => c.history.length > 0)
    .sort(
      (a, b) =>
        Number(b.verdict === 'regression') - Number(a.verdict === 'regression')
    )
    .slice(0, limit)
}

/** Counts for one-line headlines. */
export function outcomeCounts(outcome: MetricsOutcome): {
  specs: number
  passed: number
  failed: number
  noValue: number
  failures: number
  warnings: number
  regressions: number
  breaches: number
} {
  const rows = outcome.gate?.rows ?? []
  return {
    specs: rows.length,
    passed: rows.filter((r) => r.result.passed === true).length,
    failed: rows.filter((r) => r.result.passed === false).length,
    noValue: rows.filter((r) => r.result.passed === null).length,
    failures: outcome.gate?.failures.length ?? 0,
    warnings: outcome.gate?.warnings.length ?? 0,
    regressions: outcome.comparisons.filter((c) => c.verdict === 'regression')
      .length,
    breaches: outcome.comparisons.filter((c) => c.verdict === 'breach').length
  }
}
