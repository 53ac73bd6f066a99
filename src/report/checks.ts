/**
 * Which specifications apply to a point of a trend, whether it passes them,
 * and the colour that follows: a point *fails* when it fails a
 * specification carrying a fail tag (`minimum` by default), *warns* when it
 * fails one with a warn tag (`design`), and *passes* otherwise — the same
 * levels as the metrics gate. Other specifications (`stretch`) are drawn and
 * listed, but do not colour points.
 */

import type { GateLevel } from '../metrics/gate.js'
import {
  compareQuantities,
  convertValue,
  isConvertible,
  matchesQuery,
  type Operator,
  type Specification,
  type Unit
} from '../verify/index.js'

export type PointStatus = 'pass' | 'warn' | 'fail' | 'no-value' | 'no-spec'

export const POINT_STATUSES: readonly PointStatus[] = [
  'pass',
  'warn',
  'fail',
  'no-value',
  'no-spec'
]

/** The tags that decide a point's colour (stackci.yml's `metrics.gate`). */
export interface ReportGate {
  fail: readonly string[]
  warn: readonly string[]
}

/** One specification checked against one value. */
export interface SpecCheck {
  /** Fully qualified: `skyprobe.astrom_rms.design`. */
  spec: string
  operator: Operator
  /** The threshold in the chart's unit. */
  threshold: number
  unit: string
  tags: string[]
  level: GateLevel
  /** null: no value to check. */
  passed: boolean | null
}

export function specLevel(spec: Specification, gate: ReportGate): GateLevel {
  if (spec.tags.some((t) => gate.fail.includes(t))) return 'fail'
  if (spec.tags.some((t) => gate.warn.includes(t))) return 'warn'
  return 'info'
}

/** A threshold expressed in `unit` (unchanged when the units do not fit). */
export function thresholdIn(spec: Specification, unit: Unit): number {
  const t = spec.threshold
  return isConvertible(t.unit, unit)
    ? convertValue(t.value, t.unit, unit)
    : t.value
}

/** The specifications of `specs` whose metadata query matches `meta`. */
export function applicableSpecs(
  specs: readonly Specification[],
  meta: Record<string, unknown>
): Specification[] {
  return specs.filter((s) => matchesQuery(s.metadataQuery, meta))
}

const NO_CHECKS = Object.freeze([]) as unknown as SpecCheck[]

/** Checks `value` (in `unit`) against every applicable specification. */
export function checkValue(
  value: number | null,
  unit: Unit,
  specs: readonly Specification[],
  gate: ReportGate
): SpecCheck[] {
  // Most points of a long history have no specification: share one list.
  if (specs.length === 0) return NO_CHECKS
  return specs.map((spec) => {
    let passed: boolean | null = null
    if (value !== null && !Number.isNaN(value)) {
      try {
        passed = compareQuantities(
          value,
          unit,
          spec.threshold.operator,
          spec.threshold.value,
          spec.threshold.unit
        )
      } catch {
        // A unit that does not fit was refused when the job was dispatched
        // with definitions; one stored without them has nothing to compare.
        passed = null
      }
    }
    return {
      spec: spec.name,
      operator: spec.threshold.operator,
      threshold: thresholdIn(spec, unit),
      unit: unit.name,
      tags: spec.tags,
      level: specLevel(spec, gate),
      passed
    }
  })
}

/** The colour of a point from its value and checks. */
export function pointStatus(
  value: number | null,
  checks: readonly SpecCheck[]
): PointStatus {
  if (value === null || Number.isNaN(value)) return 'no-value'
  if (checks.length === 0) return 'no-spec'
  if (checks.some((c) => c.passed === false && c.level === 'fail'))
    return 'fail'
  if (checks.some((c) => c.passed === false && c.level === 'warn'))
    return 'warn'
  return 'pass'
}

const OPERATOR_TEXT: Record<Operator, string> = {
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  '==': '=',
  '!=': '≠'
}

/** `≤ 30 marcsec`. */
export function describeThreshold(
  operator: Operator,
  value: number,
  unit: string
): string {
  const shown = Number(value.toPrecision(6))
  return `${OPERATOR_TEXT[operator]} ${shown}${unit === '' ? '' : ` ${unit}`}`
}

/** `dataset_name=field_a`, or '' for a query that matches every job. */
export function describeQuery(query: Record<string, unknown>): string {
  return Object.entries(query)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ')
}
