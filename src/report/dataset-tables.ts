/**
 * The pass/fail table per dataset: for each dataset (with its instrument and
 * filter), its latest run and every specification checked in it, failing
 * gate-level rows first.
 */

import type { GateLevel } from '../metrics/gate.js'
import { describeThreshold } from './checks.js'
import { byNaturalKey } from './natural-sort.js'
import type { ReportMetric, ReportRun } from './report-model.js'

export interface DatasetRow {
  metric: string
  /** In the metric's chart unit; null: no value. */
  value: number | null
  unit: string
  /** Undefined: no specification applies to this measurement. */
  spec?: string
  tags: string[]
  /** `≤ 30 marcsec`. */
  threshold?: string
  level?: GateLevel
  /** null: no value, or no specification. */
  passed: boolean | null
}

export interface DatasetTable {
  /** `field_a · SIM`. */
  label: string
  dataset: string
  instrument: string
  filter: string
  /** The latest run: an index into the model's runs. */
  run: number
  rows: DatasetRow[]
  counts: { passed: number; failed: number; warned: number; other: number }
}

function keyOf(r: {
  dataset: string
  instrument: string
  filter: string
}): string {
  return `${r.dataset}\u0000${r.instrument}\u0000${r.filter}`
}

const LEVEL_ORDER: Record<GateLevel, number> = { fail: 0, warn: 1, info: 2 }

function rank(row: DatasetRow): number {
  if (row.passed === false) return LEVEL_ORDER[row.level ?? 'info']
  return 3
}

/** One table per dataset/instrument/filter, for its latest run. */
export function datasetTables(
  metrics: readonly ReportMetric[],
  runs: readonly ReportRun[]
): DatasetTable[] {
  // The latest run of each dataset that has measurements in the report.
  const latest = new Map<string, number>()
  for (const m of metrics) {
    for (const line of m.lines) {
      // A line is one dataset's: its runs all have the line's key.
      const key = keyOf(line)
      let best = latest.get(key)
      for (const p of line.points) {
        const current = best === undefined ? undefined : runs[best]
        const run = runs[p.run]
        if (run === undefined) continue
        if (
          current === undefined ||
          run.time > current.time ||
          (run.time === current.time && p.run > (best ?? -1))
        )
          best = p.run
      }
      if (best !== undefined) latest.set(key, best)
    }
  }
  const tables: DatasetTable[] = []
  for (const runIndex of latest.values()) {
    const run = runs[runIndex] as ReportRun
    const rows: DatasetRow[] = []
    const key = keyOf(run)
    for (const m of metrics) {
      for (const line of m.lines) {
        if (keyOf(line) !== key) continue
        for (const p of line.points) {
          if (p.run !== runIndex) continue
          if (p.checks.length === 0) {
            rows.push({
              metric: m.metric,
              value: p.value,
              unit: m.unit,
              tags: [],
              passed: null
            })
          }
          for (const c of p.checks) {
            rows.push({
              metric: m.metric,
              value: p.value,
              unit: m.unit,
              spec: c.spec,
              tags: c.tags,
              threshold: describeThreshold(c.operator, c.threshold, c.unit),
              level: c.level,
              passed: c.passed
            })
          }
        }
      }
    }
    rows.sort((a, b) => rank(a) - rank(b))
    const counts = { passed: 0, failed: 0, warned: 0, other: 0 }
    for (const r of rows) {
      if (r.passed === true) counts.passed++
      else if (r.passed === false) {
        if (r.level === 'fail') counts.failed++
        else if (r.level === 'warn') counts.warned++
        else counts.other++
      }
    }
    const parts = [run.dataset, run.instrument, run.filter].filter((p) => p)
    tables.push({
      label: parts.length === 0 ? '(no dataset)' : parts.join(' · '),
      dataset: run.dataset,
      instrument: run.instrument,
      filter: run.filter,
      run: runIndex,
      rows,
      counts
    })
  }
  return tables.sort(byNaturalKey((t) => t.label))
}
