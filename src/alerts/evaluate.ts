/**
 * One evaluation of the rules over a store: what each alert key looks like
 * now. Each series key a rule selects is read once, with as many points as
 * its most demanding rule needs (the newest one for threshold and dead-man
 * rules; the gate's lookback for regression rules), and judged by the
 * existing machinery: the specification operators of `verify`, and the
 * gate's {@link RegressionDetector} walk ({@link summarizeSeries}).
 */

import { acceptanceTimes, metricDirection } from '../metrics/history.js'
import type { BaselineSettings } from '../metrics/history.js'
import { summarizeSeries } from '../metrics/analyze.js'
import { describeKey } from '../metrics/record.js'
import {
  compareQuantities,
  formatMeasurement,
  matchesQuery,
  pythonFloatRepr,
  type Definitions,
  type Specification
} from '../verify/index.js'
import type { AlertRule, WatchedKey } from './rules.js'
import type { AlertSource, SeriesTail } from './source.js'
import type { Observation } from './state.js'

export interface AlertObservation extends Observation {
  /** What the alert is about: `validate_drp.PA1 [HSC RC2 · HSC-I] on main`. */
  subject: string
}

export interface EvaluationInputs {
  rules: readonly AlertRule[]
  /** Metric definitions and specifications (threshold rules need them). */
  definitions?: Definitions
  /** The gate's regression settings (window, K, acceptances, directions). */
  baseline: BaselineSettings
  now: number
}

/** `validate_drp.PA1|HSC RC2|HSC|HSC-I@main` */
function subjectId(k: WatchedKey): string {
  return `${k.metric}|${k.dataset}|${k.instrument}|${k.filter}@${k.series}`
}

function ago(ms: number): string {
  const h = ms / 3_600_000
  return h < 48 ? `${Math.round(h)} h` : `${Math.round(h / 24)} days`
}

/** The specifications a threshold rule checks on a key. */
function specsFor(
  rule: AlertRule,
  key: WatchedKey,
  definitions: Definitions | undefined
): Specification[] {
  const meta = {
    dataset: key.dataset,
    instrument: key.instrument,
    filter: key.filter,
    filter_name: key.filter
  }
  return (definitions?.specsByMetric.get(key.metric) ?? []).filter(
    (s) =>
      rule.tags.every((t) => s.tags.includes(t)) &&
      matchesQuery(s.metadataQuery, meta)
  )
}

function threshold(
  rule: AlertRule,
  key: WatchedKey,
  tail: SeriesTail,
  specs: readonly Specification[],
  definitions: Definitions | undefined
): Pick<Observation, 'active' | 'summary'> {
  const value = tail.values.at(-1)
  const time = tail.times.at(-1) ?? 0
  const unit = definitions?.metrics.get(key.metric)?.unit
  if (value === undefined || unit === undefined)
    return { active: false, summary: 'no value' }
  const failing = specs.filter(
    (s) =>
      !compareQuantities(
        value,
        unit,
        s.threshold.operator,
        s.threshold.value,
        s.threshold.unit
      )
  )
  const shown = formatMeasurement(value, unit.name)
  return failing.length === 0
    ? { active: false, summary: `${shown} passes ${rule.tags.join(', ')}` }
    : {
        active: true,
        summary: `${shown} on ${new Date(time).toISOString().slice(0, 10)} fails ${failing
          .map(
            (s) =>
              `${s.name} (${s.threshold.operator} ${pythonFloatRepr(s.threshold.value)} ${s.threshold.unit.name})`
          )
          .join(', ')}`
      }
}

/** Observes every alert key of every rule. */
export async function observe(
  source: AlertSource,
  inputs: EvaluationInputs
): Promise<AlertObservation[]> {
  const { rules, definitions, baseline, now } = inputs
  const lookback =
    (baseline.lookback ?? baseline.window * 4 + baseline.consecutive) + 1
  const keysOf = new Map<string, WatchedKey[]>()
  for (const r of rules)
    if (!keysOf.has(r.series)) keysOf.set(r.series, await source.keys(r.series))
  // Pass 1: which keys each rule looks at, and how far back each is read.
  const limits = new Map<string, { key: WatchedKey; limit: number }>()
  const selected = rules.map((rule) => {
    const keys = (keysOf.get(rule.series) ?? []).filter((k) => {
      if (!rule.selects(k)) return false
      if (rule.kind === 'threshold')
        return specsFor(rule, k, definitions).length > 0
      return true
    })
    const limit = rule.kind === 'regression' ? lookback : 1
    for (const k of keys) {
      const id = subjectId(k)
      const had = limits.get(id)
      if (had === undefined) limits.set(id, { key: k, limit })
      else had.limit = Math.max(had.limit, limit)
    }
    return keys
  })
  // Pass 2: one read per key.
  const tails = new Map<string, SeriesTail>()
  for (const [id, { key, limit }] of limits)
    tails.set(id, await source.recent(key, limit))
  const acceptances = [
    ...baseline.acceptances,
    ...(rules.some((r) => r.kind === 'regression')
      ? await source.acceptances()
      : [])
  ]
  const out: AlertObservation[] = []
  rules.forEach((rule, i) => {
    const keys = selected[i] ?? []
    const read = (k: WatchedKey): SeriesTail =>
      tails.get(subjectId(k)) ?? { values: [], times: [] }
    if (rule.kind === 'deadman') {
      out.push(...deadman(rule, keys, read, now))
      return
    }
    for (const k of keys) {
      const tail = read(k)
      const subject = `${describeKey(k)} on ${k.series}`
      const key = `${rule.name}:${subjectId(k)}`
      if (rule.kind === 'threshold') {
        const specs = specsFor(rule, k, definitions)
        out.push({
          key,
          rule: rule.name,
          subject,
          ...threshold(rule, k, tail, specs, definitions)
        })
        continue
      }
      const s = summarizeSeries(
        k,
        tail.values,
        tail.times,
        metricDirection(k.metric, definitions, baseline.directions),
        baseline,
        acceptanceTimes(acceptances, k, k.series)
      )
      const v = s.last
      const active = v?.verdict === 'regression'
      const median = v?.band?.median
      out.push({
        key,
        rule: rule.name,
        subject,
        active,
        summary:
          v === undefined
            ? 'no points'
            : `${v.verdict}: ${pythonFloatRepr(s.lastValue ?? NaN)}${median === undefined ? '' : ` vs baseline median ${median.toPrecision(4)}`}${active ? `, ${v.streak} runs in a row` : ''}`
      })
    }
  })
  return out
}

/** Dead-man observations: per key, per metric, or one for the series. */
function deadman(
  rule: AlertRule,
  keys: readonly WatchedKey[],
  read: (k: WatchedKey) => SeriesTail,
  now: number
): AlertObservation[] {
  const newest = new Map<string, { subject: string; time: number }>()
  const group = (k: WatchedKey): [string, string] =>
    rule.per === 'key'
      ? [subjectId(k), `${describeKey(k)} on ${k.series}`]
      : rule.per === 'metric'
        ? [`${k.metric}@${k.series}`, `${k.metric} on ${k.series}`]
        : [`@${k.series}`, `series ${k.series}`]
  if (rule.per === 'series')
    newest.set(`@${rule.series}`, {
      subject: `series ${rule.series}`,
      time: -Infinity
    })
  for (const k of keys) {
    const time = read(k).times.at(-1) ?? -Infinity
    const [id, subject] = group(k)
    const had = newest.get(id)
    if (had === undefined || time > had.time) newest.set(id, { subject, time })
  }
  return [...newest].map(([id, { subject, time }]) => {
    const active = now - time > rule.afterMs
    return {
      key: `${rule.name}:${id}`,
      rule: rule.name,
      subject,
      active,
      summary:
        time === -Infinity
          ? 'no points at all'
          : `newest point ${new Date(time).toISOString()}, ${ago(now - time)} ago (expected within ${ago(rule.afterMs)})`
    }
  })
}
