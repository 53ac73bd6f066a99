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
import type { AlertSource, SeriesTail, TailRequest } from './source.js'
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
  const time = newestTime(tail) ?? 0
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

/** Epoch ms of a tail's newest point. */
function newestTime(tail: SeriesTail): number | undefined {
  return tail.newest ?? tail.times.at(-1)
}

/** Reads every requested tail: in bulk when the source can. */
async function readTails(
  source: AlertSource,
  requests: readonly TailRequest[]
): Promise<SeriesTail[]> {
  if (source.tails !== undefined) return source.tails(requests)
  const out: SeriesTail[] = []
  for (const r of requests) out.push(await source.recent(r.key, r.limit))
  return out
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
  const acceptances = [
    ...baseline.acceptances,
    ...(rules.some((r) => r.kind === 'regression')
      ? await source.acceptances()
      : [])
  ]
  // Pass 1: which keys each rule looks at, and how far back each is read
  // (key objects are shared by the rules watching one series).
  const requests = new Map<WatchedKey, TailRequest>()
  const accepted = new Map<WatchedKey, number[]>()
  const selected = rules.map((rule) => {
    const keys: { key: WatchedKey; specs: Specification[] }[] = []
    for (const key of keysOf.get(rule.series) ?? []) {
      if (!rule.selects(key)) continue
      const specs =
        rule.kind === 'threshold' ? specsFor(rule, key, definitions) : []
      if (rule.kind === 'threshold' && specs.length === 0) continue
      keys.push({ key, specs })
      let times = false
      if (rule.kind === 'regression') {
        let at = accepted.get(key)
        if (at === undefined) {
          at = acceptanceTimes(acceptances, key, key.series)
          accepted.set(key, at)
        }
        times = at.length > 0
      }
      const limit = rule.kind === 'regression' ? lookback : 1
      const had = requests.get(key)
      if (had === undefined) requests.set(key, { key, limit, times })
      else {
        had.limit = Math.max(had.limit, limit)
        had.times ||= times
      }
    }
    return keys
  })
  // Pass 2: one read per key.
  const wanted = [...requests.values()]
  const read = await readTails(source, wanted)
  const tails = new Map<WatchedKey, SeriesTail>()
  wanted.forEach((r, i) => {
    tails.set(r.key, read[i] ?? { values: [], times: [] })
  })
  const tailOf = (k: WatchedKey): SeriesTail =>
    tails.get(k) ?? { values: [], times: [] }
  const out: AlertObservation[] = []
  rules.forEach((rule, i) => {
    const keys = selected[i] ?? []
    if (rule.kind === 'deadman') {
      out.push(
        ...deadman(
          rule,
          keys.map((k) => k.key),
          tailOf,
          now
        )
      )
      return
    }
    for (const { key: k, specs } of keys) {
      const tail = tailOf(k)
      const subject = `${describeKey(k)} on ${k.series}`
      const key = `${rule.name}:${subjectId(k)}`
      if (rule.kind === 'threshold') {
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
        accepted.get(k) ?? []
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
    const time = newestTime(read(k)) ?? -Infinity
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
