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

/** What a rule saw on one key; the summary is worded on demand. */
interface Judgement {
  active: boolean
  summary: () => string
}

/**
 * An observation whose summary is worded when first read: most keys stay
 * ok, and theirs never is.
 */
class Seen implements AlertObservation {
  #subject: string | (() => string)
  #summary: string | (() => string)

  constructor(
    readonly key: string,
    readonly rule: string,
    subject: string | (() => string),
    readonly active: boolean,
    summary: () => string
  ) {
    this.#subject = subject
    this.#summary = summary
  }

  get subject(): string {
    if (typeof this.#subject !== 'string') this.#subject = this.#subject()
    return this.#subject
  }

  get summary(): string {
    if (typeof this.#summary !== 'string') this.#summary = this.#summary()
    return this.#summary
  }
}

function threshold(
  rule: AlertRule,
  key: WatchedKey,
  tail: SeriesTail,
  specs: readonly Specification[],
  definitions: Definitions | undefined
): Judgement {
  const value = tail.values.at(-1)
  const time = newestTime(tail) ?? 0
  const unit = definitions?.metrics.get(key.metric)?.unit
  if (value === undefined || unit === undefined)
    return { active: false, summary: () => 'no value' }
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
  const shown = (): string => formatMeasurement(value, unit.name)
  return failing.length === 0
    ? {
        active: false,
        summary: () => `${shown()} passes ${rule.tags.join(', ')}`
      }
    : {
        active: true,
        summary: () =>
          `${shown()} on ${new Date(time).toISOString().slice(0, 10)} fails ${failing
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

/** Keys read per bulk request: their tails die young, which GC likes. */
const CHUNK = 512

/** What the rules ask of one key: how far back, and who looks at it. */
interface KeyPlan extends TailRequest {
  /** [rule index, position in that rule's observations] */
  uses: [number, number][]
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
  const plans = new Map<WatchedKey, KeyPlan>()
  const accepted = new Map<WatchedKey, number[]>()
  const specsOf = rules.map(() => new Map<WatchedKey, Specification[]>())
  const selected = rules.map((rule, r) => {
    const keys: WatchedKey[] = []
    for (const key of keysOf.get(rule.series) ?? []) {
      if (!rule.selects(key)) continue
      if (rule.kind === 'threshold') {
        const specs = specsFor(rule, key, definitions)
        if (specs.length === 0) continue
        specsOf[r]?.set(key, specs)
      }
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
      const plan = plans.get(key)
      if (plan === undefined)
        plans.set(key, { key, limit, times, uses: [[r, keys.length]] })
      else {
        plan.limit = Math.max(plan.limit, limit)
        plan.times ||= times
        plan.uses.push([r, keys.length])
      }
      keys.push(key)
    }
    return keys
  })
  // Pass 2: one read per key, in chunks, each key judged as soon as read.
  const judged = selected.map(
    (keys) => new Array<AlertObservation | undefined>(keys.length)
  )
  const newest = new Map<WatchedKey, number>()
  const all = [...plans.values()]
  for (let c = 0; c < all.length; c += CHUNK) {
    const chunk = all.slice(c, c + CHUNK)
    const tails = await readTails(source, chunk)
    chunk.forEach((plan, i) => {
      const tail = tails[i] ?? { values: [], times: [] }
      const k = plan.key
      const time = newestTime(tail)
      if (time !== undefined) newest.set(k, time)
      const id = subjectId(k)
      const subject = (): string => `${describeKey(k)} on ${k.series}`
      for (const [r, at] of plan.uses) {
        const rule = rules[r] as AlertRule
        if (rule.kind === 'deadman') continue
        const seen =
          rule.kind === 'threshold'
            ? threshold(rule, k, tail, specsOf[r]?.get(k) ?? [], definitions)
            : regression(k, tail, inputs, accepted.get(k))
        const list = judged[r] as (AlertObservation | undefined)[]
        list[at] = new Seen(
          `${rule.name}:${id}`,
          rule.name,
          subject,
          seen.active,
          seen.summary
        )
      }
    })
  }
  const out: AlertObservation[] = []
  rules.forEach((rule, r) => {
    if (rule.kind === 'deadman')
      out.push(...deadman(rule, selected[r] ?? [], newest, now))
    else for (const o of judged[r] ?? []) if (o !== undefined) out.push(o)
  })
  return out
}

/** The gate's detector walked over the tail: is its newest point a regression? */
function regression(
  k: WatchedKey,
  tail: SeriesTail,
  inputs: EvaluationInputs,
  accepted: readonly number[] = []
): Judgement {
  const { definitions, baseline } = inputs
  const s = summarizeSeries(
    k,
    tail.values,
    tail.times,
    metricDirection(k.metric, definitions, baseline.directions),
    baseline,
    accepted
  )
  const v = s.last
  if (v === undefined) return { active: false, summary: () => 'no points' }
  // The summary keeps these few numbers alive, not the walk's objects.
  const { verdict, streak } = v
  const active = verdict === 'regression'
  const median = v.band?.median
  const last = s.lastValue ?? NaN
  return {
    active,
    summary: () =>
      `${verdict}: ${pythonFloatRepr(last)}${median === undefined ? '' : ` vs baseline median ${median.toPrecision(4)}`}${active ? `, ${streak} runs in a row` : ''}`
  }
}

/** Dead-man observations: per key, per metric, or one for the series. */
function deadman(
  rule: AlertRule,
  keys: readonly WatchedKey[],
  newestOf: ReadonlyMap<WatchedKey, number>,
  now: number
): AlertObservation[] {
  type Subject = string | (() => string)
  const newest = new Map<string, { subject: Subject; time: number }>()
  const group = (k: WatchedKey): [string, Subject] =>
    rule.per === 'key'
      ? [subjectId(k), () => `${describeKey(k)} on ${k.series}`]
      : rule.per === 'metric'
        ? [`${k.metric}@${k.series}`, `${k.metric} on ${k.series}`]
        : [`@${k.series}`, `series ${k.series}`]
  if (rule.per === 'series')
    newest.set(`@${rule.series}`, {
      subject: `series ${rule.series}`,
      time: -Infinity
    })
  for (const k of keys) {
    const time = newestOf.get(k) ?? -Infinity
    const [id, subject] = group(k)
    const had = newest.get(id)
    if (had === undefined || time > had.time) newest.set(id, { subject, time })
  }
  return [...newest].map(([id, { subject, time }]) => {
    const active = now - time > rule.afterMs
    return new Seen(`${rule.name}:${id}`, rule.name, subject, active, () =>
      time === -Infinity
        ? 'no points at all'
        : `newest point ${new Date(time).toISOString()}, ${ago(now - time)} ago (expected within ${ago(rule.afterMs)})`
    )
  })
}
