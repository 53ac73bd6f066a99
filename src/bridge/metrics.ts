/**
 * The bridge's Prometheus metrics (text exposition format 0.0.4): counters
 * for accepted, duplicate, rejected and dropped events, relayed and failed
 * deliveries, histograms of accept and relay latency, and the queue gauges
 * read from the store at scrape time.
 */

import type { StoreStats } from './store.js'

const PREFIX = 'jenkins_bridge'

type Labels = Record<string, string>

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) =>
      `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
  )
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

class Counter {
  readonly #values = new Map<string, { labels: Labels; value: number }>()
  constructor(
    readonly name: string,
    readonly help: string
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels)
    const entry = this.#values.get(key) ?? { labels, value: 0 }
    entry.value += by
    this.#values.set(key, entry)
  }

  get(labels: Labels = {}): number {
    return this.#values.get(labelText(labels))?.value ?? 0
  }

  render(): string[] {
    const out = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} counter`
    ]
    if (this.#values.size === 0) out.push(`${this.name} 0`)
    for (const { labels, value } of this.#values.values())
      out.push(`${this.name}${labelText(labels)} ${value}`)
    return out
  }
}

class Histogram {
  readonly #series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >()
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[]
  ) {}

  observe(seconds: number, labels: Labels = {}): void {
    const key = labelText(labels)
    const s = this.#series.get(key) ?? {
      labels,
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0
    }
    this.buckets.forEach((b, i) => {
      if (seconds <= b) s.counts[i] = (s.counts[i] ?? 0) + 1
    })
    s.sum += seconds
    s.count++
    this.#series.set(key, s)
  }

  render(): string[] {
    const out = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} histogram`
    ]
    for (const s of this.#series.values()) {
      this.buckets.forEach((b, i) => {
        out.push(
          `${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i] ?? 0}`
        )
      })
      out.push(
        `${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`
      )
      out.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`)
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`)
    }
    return out
  }
}

/** The counters: property → [metric name after the prefix, help]. */
const COUNTERS = {
  accepted: ['events_accepted_total', 'Events persisted and acknowledged.'],
  duplicates: [
    'events_duplicate_total',
    'Deliveries of an event already accepted (plugin retries, COMPLETED+FINALIZED).'
  ],
  rejected: ['events_rejected_total', 'Requests refused, by HTTP status.'],
  dropped: ['events_dropped_total', 'Events no route matched.'],
  relayed: ['relayed_total', 'Successful Slack/GitHub calls, by relay.'],
  failed: ['relay_failed_total', 'Deliveries given up, by relay.'],
  retries: [
    'relay_retries_total',
    'Relay calls to be retried, by relay and reason.'
  ]
} as const

const counter = (key: keyof typeof COUNTERS): Counter =>
  new Counter(`${PREFIX}_${COUNTERS[key][0]}`, COUNTERS[key][1])

export class BridgeMetrics {
  readonly accepted = counter('accepted')
  readonly duplicates = counter('duplicates')
  readonly rejected = counter('rejected')
  readonly dropped = counter('dropped')
  readonly relayed = counter('relayed')
  readonly failed = counter('failed')
  readonly retries = counter('retries')
  readonly acceptLatency = new Histogram(
    `${PREFIX}_accept_latency_seconds`,
    'From request start to the 2xx, including the fsync.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
  )
  readonly relayLatency = new Histogram(
    `${PREFIX}_relay_latency_seconds`,
    'From accepting an event to the relay call that showed it, by relay.',
    [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800]
  )

  /** The exposition text; `stats` come from the store at scrape time. */
  render(stats: StoreStats | undefined): string {
    const lines = [
      ...(Object.keys(COUNTERS) as (keyof typeof COUNTERS)[]).flatMap((k) =>
        this[k].render()
      ),
      ...this.acceptLatency.render(),
      ...this.relayLatency.render()
    ]
    if (stats !== undefined) {
      lines.push(
        `# HELP ${PREFIX}_queue_depth Events not yet applied and deliveries not yet made.`,
        `# TYPE ${PREFIX}_queue_depth gauge`,
        `${PREFIX}_queue_depth${labelText({ queue: 'events' })} ${stats.pendingEvents}`,
        `${PREFIX}_queue_depth${labelText({ queue: 'deliveries' })} ${stats.pendingDeliveries}`,
        `# HELP ${PREFIX}_oldest_pending_seconds Age of the oldest work still owed.`,
        `# TYPE ${PREFIX}_oldest_pending_seconds gauge`,
        `${PREFIX}_oldest_pending_seconds ${stats.oldestPendingMs / 1000}`
      )
    }
    return `${lines.join('\n')}\n`
  }
}
