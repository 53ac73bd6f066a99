/**
 * The metrics gate: every job evaluated against the specifications; a
 * failing specification with a `fail` tag (e.g. `minimum`) fails the gate,
 * one with a `warn` tag (e.g. `design`) warns, others are shown only.
 * Regressions fail, warn or are ignored, as configured.
 */

import {
  evaluateJob,
  type Definitions,
  type SpecResult
} from '../verify/index.js'
import { describeRegression, type Comparison } from './history.js'
import type { DispatchJob } from './record.js'

export type GateLevel = 'fail' | 'warn' | 'info'

export interface GateSettings {
  /** A failing specification with any of these tags fails the gate. */
  fail: readonly string[]
  /** A failing specification with any of these tags (and no fail tag) warns. */
  warn: readonly string[]
  regressions: 'fail' | 'warn' | 'ignore'
}

export const DEFAULT_GATE: GateSettings = {
  fail: ['minimum'],
  warn: ['design'],
  regressions: 'warn'
}

export interface GateRow {
  jobId: string
  source: string
  result: SpecResult
  level: GateLevel
  /** The comparison of the same measurement with history, if any. */
  comparison: Comparison | undefined
}

export interface GateResult {
  passed: boolean
  rows: GateRow[]
  /** Failing specifications at level `fail`. */
  failures: GateRow[]
  /** Failing specifications at level `warn`. */
  warnings: GateRow[]
  regressions: Comparison[]
  /** Human reasons the gate failed (empty when it passed). */
  reasons: string[]
}

export function gateLevel(tags: readonly string[], g: GateSettings): GateLevel {
  if (tags.some((t) => g.fail.includes(t))) return 'fail'
  if (tags.some((t) => g.warn.includes(t))) return 'warn'
  return 'info'
}

/** Evaluates the gate over prepared jobs and their history comparisons. */
export function evaluateGate(
  jobs: readonly DispatchJob[],
  definitions: Definitions,
  comparisons: readonly Comparison[],
  settings: GateSettings,
  /** The series comparisons were made with, for the reasons. */
  baselineSeries = 'main'
): GateResult {
  const byMeasurement = new Map<string, Comparison>()
  for (const c of comparisons) byMeasurement.set(`${c.jobId}|${c.metric}`, c)
  const rows: GateRow[] = []
  for (const d of jobs) {
    for (const result of evaluateJob(d.job, definitions, d.source)) {
      rows.push({
        jobId: d.id,
        source: d.source,
        result,
        level: gateLevel(result.spec.tags, settings),
        comparison: byMeasurement.get(`${d.id}|${result.spec.metricName}`)
      })
    }
  }
  const failing = rows.filter((r) => r.result.passed === false)
  const failures = failing.filter((r) => r.level === 'fail')
  const warnings = failing.filter((r) => r.level === 'warn')
  const regressions = comparisons.filter((c) => c.verdict === 'regression')
  const reasons: string[] = []
  if (failures.length > 0) {
    reasons.push(
      `${failures.length} specification(s) tagged ${settings.fail.join('/')} failed`
    )
  }
  if (settings.regressions === 'fail' && regressions.length > 0)
    reasons.push(
      `${regressions.length} regression(s): ${regressions
        .map((c) => describeRegression(c, baselineSeries))
        .join('; ')}`
    )
  return {
    passed: reasons.length === 0,
    rows,
    failures,
    warnings,
    regressions,
    reasons
  }
}
