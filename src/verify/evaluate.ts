/**
 * Evaluating a job against the specifications: which specs apply (metric
 * measured, metadata query matched, tags selected), and whether each passes
 * (`measurement op threshold`, threshold converted into the measurement's
 * unit, NaN → no value).
 */

import { JobError, UnitError, type Problem } from '../core/errors.js'
import type { Definitions } from './definitions.js'
import type { Job, Measurement } from './job.js'
import { matchesQuery } from './metadata-query.js'
import type { Specification } from './specification.js'
import { compareQuantities, isConvertible, parseUnit } from './units.js'

export interface EvaluateOptions {
  /** Keep only specifications that carry all of these tags. */
  tags?: readonly string[]
  /**
   * Also list applicable specifications whose metric the job did not measure
   * (as no-value results). Off by default, as in lsst.verify's report.
   */
  includeUnmeasured?: boolean
}

export interface SpecResult {
  spec: Specification
  /** The measurement as written in the job; null when there is no value. */
  measurement: { value: number; unit: string } | null
  /** null: no value (NaN, null or not measured). */
  passed: boolean | null
}

/** The JSON shape of one result in `stackci verify check --json`. */
export interface SpecResultJson {
  spec: string
  metric: string
  measurement: { value: number; unit: string } | null
  threshold: { value: number; unit: string; operator: string }
  passed: boolean | null
}

export function resultToJson(r: SpecResult): SpecResultJson {
  return {
    spec: r.spec.name,
    metric: r.spec.metricName,
    measurement: r.measurement,
    threshold: {
      value: r.spec.threshold.value,
      unit: r.spec.threshold.unit.name,
      operator: r.spec.threshold.operator
    },
    passed: r.passed
  }
}

export interface ResultCounts {
  passed: number
  failed: number
  noValue: number
}

export function countResults(results: readonly SpecResult[]): ResultCounts {
  const counts = { passed: 0, failed: 0, noValue: 0 }
  for (const r of results) {
    if (r.passed === true) counts.passed++
    else if (r.passed === false) counts.failed++
    else counts.noValue++
  }
  return counts
}

/**
 * Evaluates one job. Throws {@link JobError} (naming the measurement) when a
 * measurement's unit does not fit its metric.
 */
export function evaluateJob(
  job: Job,
  definitions: Definitions,
  file: string,
  options: EvaluateOptions = {}
): SpecResult[] {
  const tags = options.tags ?? []
  // A later measurement of the same metric replaces an earlier one (upstream
  // keys measurements by metric).
  const byMetric = new Map<string, { m: Measurement; index: number }>()
  job.measurements.forEach((m, index) => byMetric.set(m.metric, { m, index }))

  const problems: Problem[] = []
  const results: SpecResult[] = []
  const applies = (spec: Specification): boolean =>
    tags.every((t) => spec.tags.includes(t)) &&
    matchesQuery(spec.metadataQuery, job.meta)

  for (const [metricName, { m, index }] of byMetric) {
    const specs = definitions.specsByMetric.get(metricName)
    const unit = parseUnit(m.unit)
    const metric = definitions.metrics.get(metricName)
    if (metric !== undefined && !isConvertible(unit, metric.unit)) {
      problems.push({
        where: { file, path: `$.measurements[${index}].unit` },
        message: `${metricName} is measured in ${JSON.stringify(m.unit)} (${unit.kind}) but defined in ${JSON.stringify(metric.unit.name)} (${metric.unit.kind})`,
        hint: `write the value in ${metric.unit.name} or a unit of the same kind`
      })
      continue
    }
    if (specs === undefined) continue
    for (const spec of specs) {
      if (!applies(spec)) continue
      if (Number.isNaN(m.value)) {
        results.push({ spec, measurement: null, passed: null })
        continue
      }
      try {
        const passed = compareQuantities(
          m.value,
          unit,
          spec.threshold.operator,
          spec.threshold.value,
          spec.threshold.unit
        )
        results.push({
          spec,
          measurement: { value: m.value, unit: m.unit },
          passed
        })
      } catch (error) {
        if (!(error instanceof UnitError)) throw error
        problems.push({
          where: { file, path: `$.measurements[${index}].unit` },
          message: `${spec.name}: ${error.message}`,
          ...(error.hint === undefined ? {} : { hint: error.hint })
        })
      }
    }
  }
  if (options.includeUnmeasured === true) {
    for (const [metricName, specs] of definitions.specsByMetric) {
      if (byMetric.has(metricName)) continue
      for (const spec of specs) {
        if (applies(spec))
          results.push({ spec, measurement: null, passed: null })
      }
    }
  }
  if (problems.length > 0) {
    throw new JobError(`${file}: measurements do not fit their metrics`, {
      where: { file },
      problems
    })
  }
  return results.sort((a, b) =>
    a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0
  )
}
