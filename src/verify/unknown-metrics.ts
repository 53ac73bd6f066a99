/**
 * Measurements of metrics the definitions do not know. No specification
 * applies to them, so evaluation skips them: a typo in a metric name
 * (`validate_drp.PA11`) would switch its gate off without a word. `verify
 * check`, the verify gate and dispatch-metrics say so instead (a warning;
 * an error with `strict`).
 */

import type { Reporter } from '../core/reporter.js'
import { closest } from '../core/schema.js'
import type { Definitions } from './definitions.js'
import type { Job } from './job.js'

export interface UnknownMetric {
  metric: string
  /** The defined metric whose name is closest, when one is close. */
  near?: string
}

/**
 * The measured metrics that neither the definitions nor the job itself
 * define (a job may carry its metrics, as the lint ratchet's does), once
 * each, in the order measured.
 */
export function unknownMetrics(
  job: Job,
  definitions: Definitions
): UnknownMetric[] {
  const own = new Set(job.metrics.map((m) => m.name))
  const seen = new Set<string>()
  const out: UnknownMetric[] = []
  for (const { metric } of job.measurements) {
    if (seen.has(metric) || definitions.metrics.has(metric) || own.has(metric))
      continue
    seen.add(metric)
    const near = rememberedNearest(metric, definitions)
    out.push(near === undefined ? { metric } : { metric, near })
  }
  return out
}

/**
 * {@link nearestMetric}, once per metric name and definitions: every job of
 * a large check may measure the same misspelt metric, and each lookup
 * scans every defined name. The definitions do not change once loaded.
 */
const NEAREST = new WeakMap<
  Definitions['metrics'],
  Map<string, string | undefined>
>()

function rememberedNearest(
  metric: string,
  definitions: Definitions
): string | undefined {
  let known = NEAREST.get(definitions.metrics)
  if (known === undefined) {
    known = new Map()
    NEAREST.set(definitions.metrics, known)
  }
  if (!known.has(metric)) known.set(metric, nearestMetric(metric, definitions))
  return known.get(metric)
}

/**
 * A likely intended name: the closest metric of the same package, or the
 * same metric in the closest package. Only those candidates, so thousands
 * of measurements of an undefined package stay cheap.
 */
function nearestMetric(
  metric: string,
  definitions: Definitions
): string | undefined {
  const dot = metric.indexOf('.')
  const pkg = metric.slice(0, dot + 1)
  const names = [...definitions.metrics.keys()]
  const same = names.filter((n) => n.startsWith(pkg))
  if (dot > 0 && same.length > 0) return closest(metric, same)
  const packages = [...new Set(names.map((n) => n.split('.')[0] ?? ''))]
  const near = closest(metric.slice(0, Math.max(dot, 0)), packages)
  const guess = `${near ?? ''}.${metric.slice(dot + 1)}`
  return definitions.metrics.has(guess) ? guess : undefined
}

/** `validate_drp.PA11 is measured but not in the metric definitions …`. */
export function unknownMetricMessage(u: UnknownMetric): string {
  return `${u.metric} is measured but not in the metric definitions, so no specification checks it${u.near === undefined ? '' : ` (did you mean ${u.near}?)`}`
}

/** Warns about each unknown metric of a job, annotated at its file. */
export function warnUnknownMetrics(
  job: Job,
  file: string,
  definitions: Definitions,
  reporter: Pick<Reporter, 'warning'>
): UnknownMetric[] {
  const unknown = unknownMetrics(job, definitions)
  for (const u of unknown) reporter.warning(unknownMetricMessage(u), { file })
  return unknown
}
