/**
 * Works the outbox of one relay: one *lane* per destination (a Slack
 * channel, a GitHub repository), one call at a time per lane and at most one
 * call per `spacingMs` — Slack's 1 message/s/channel. A lane always takes its
 * oldest dirty delivery and sends the build's *current* state, so updates
 * that piled up meanwhile coalesce into one call. Transient failures back off
 * and retry (a 429 pauses the lane for Retry-After and costs no attempt);
 * anything else, or too many attempts, fails the delivery and says why.
 */

import { errorMessage } from '../core/errors.js'
import { formatMs } from '../core/format.js'
import type { DeliveryStore, RelayName, Target } from './delivery-store.js'
import type { Log } from './log.js'
import type { BridgeMetrics } from './metrics.js'

/** What a backend made of one delivery. */
export type DeliveryOutcome =
  /**
   * Delivered `version` (and created `ref`, if it made something; `hash`
   * digests what was sent, for the next delivery to compare with).
   */
  | { version: number; ref?: string; hash?: string; skipped?: boolean }
  /**
   * Nothing sent; try again in `waitMs`. `lane: true` when the whole lane
   * must wait (a shared budget is used up): kept in memory, no write.
   */
  | { waitMs: number; lane?: boolean }

/** How a failure should be treated. */
export interface Classified {
  retry: boolean
  /** The server said how long to wait. */
  afterMs?: number
  /** A rate limit: the lane pauses and no attempt is counted. */
  rateLimited?: boolean
  message: string
}

export interface DeliveryHooks {
  /**
   * Called right before each API call: the lane's pacing counts from here,
   * not from when the delivery began (it may have fetched a log first).
   */
  calling(): void
  /** Must be called (and is committed) right before a create call. */
  markIntent(): void
  /** Records a created object's id as soon as it is known. */
  markRef(ref: string): void
}

export interface RelayBackend {
  readonly name: RelayName
  deliver(t: Target, hooks: DeliveryHooks): Promise<DeliveryOutcome>
  classify(error: unknown): Classified
}

export interface DispatcherOptions {
  backend: RelayBackend
  deliveries: DeliveryStore
  log: Log
  metrics: BridgeMetrics
  /** Minimum time between the starts of two calls in one lane. */
  spacingMs: number
  maxAttempts: number
  now?: () => number
  /** First retry delay; doubles per attempt up to 5 minutes. */
  retryBaseMs?: number
}

/** Minimum time between two looks for work. */
const SCAN_MS = 20

interface Lane {
  busy: boolean
  nextAt: number
}

export class Dispatcher {
  readonly #o: DispatcherOptions
  readonly #now: () => number
  readonly #lanes = new Map<string, Lane>()
  #timer: NodeJS.Timeout | undefined
  #timerAt = Infinity
  #scanQueued = false
  #lastScan = -Infinity
  #stopped = false
  /** After stop(): the store may be closed, so late answers are not recorded. */
  #detached = false
  #inFlight = new Set<Promise<void>>()

  constructor(options: DispatcherOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
  }

  /** Looks for work soon (after new deliveries were recorded). */
  kick(): void {
    if (this.#stopped || this.#scanQueued) return
    this.#scanQueued = true
    // At most one scan per SCAN_MS: under load, kicks come by the hundred.
    const wait = Math.max(0, this.#lastScan + SCAN_MS - this.#now())
    setTimeout(() => {
      this.#scanQueued = false
      this.#scan()
    }, wait)
  }

  /** True when nothing is in flight and no work falls due before `at`. */
  idleUntil(at: number): boolean {
    return (
      this.#inFlight.size === 0 &&
      this.#o.deliveries
        .dirtyLanes(this.#o.backend.name)
        .every((l) => l.nextAt > at)
    )
  }

  /** Stops starting calls; resolves when the calls in flight have ended. */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    const all = Promise.allSettled([...this.#inFlight])
    await Promise.race([
      all,
      new Promise((r) => setTimeout(r, graceMs).unref())
    ])
    this.#detached = true
  }

  #scan(): void {
    if (this.#stopped) return
    const now = this.#now()
    this.#lastScan = now
    let wake = Infinity
    for (const { dest, nextAt } of this.#o.deliveries.dirtyLanes(
      this.#o.backend.name
    )) {
      const lane = this.#lanes.get(dest) ?? { busy: false, nextAt: 0 }
      this.#lanes.set(dest, lane)
      if (lane.busy) continue
      const at = Math.max(lane.nextAt, nextAt)
      if (at <= now) this.#start(dest, lane)
      else wake = Math.min(wake, at)
    }
    if (wake < Infinity) this.#wakeAt(wake)
  }

  #wakeAt(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        this.#timerAt = Infinity
        this.#scan()
      },
      Math.max(0, at - this.#now())
    )
  }

  #start(dest: string, lane: Lane): void {
    const t = this.#o.deliveries.nextDirty(
      this.#o.backend.name,
      dest,
      this.#now()
    )
    if (t === undefined) return
    lane.busy = true
    const run = this.#deliver(t, lane)
      .catch((error: unknown) => {
        this.#o.log.error('cannot record a delivery', {
          error: errorMessage(error),
          target: t.id
        })
      })
      .finally(() => {
        lane.busy = false
        this.#inFlight.delete(run)
        this.kick()
      })
    this.#inFlight.add(run)
  }

  async #deliver(t: Target, lane: Lane): Promise<void> {
    const { backend, deliveries, metrics } = this.#o
    const relay = backend.name
    const log = this.#o.log.child({
      relay,
      dest: t.dest,
      build: t.buildKey,
      kind: t.kind
    })
    const started = this.#now()
    const hooks: DeliveryHooks = {
      calling: () => {
        lane.nextAt = Math.max(lane.nextAt, this.#now() + this.#o.spacingMs)
      },
      markIntent: () => {
        if (!this.#detached) deliveries.markIntent(t.id, this.#now())
      },
      markRef: (ref) => {
        if (!this.#detached) deliveries.markRef(t.id, ref, this.#now())
      }
    }
    lane.nextAt = started + this.#o.spacingMs
    try {
      const outcome = await backend.deliver(t, hooks)
      if (this.#detached) return
      const now = this.#now()
      if ('waitMs' in outcome) {
        // Nothing was sent: the lane's slot is not used up.
        lane.nextAt = outcome.lane === true ? now + outcome.waitMs : started
        if (outcome.lane !== true)
          deliveries.markRetry(
            t.id,
            t.attempts,
            now + outcome.waitMs,
            t.error ?? 'waiting',
            now
          )
        return
      }
      deliveries.markSent(t.id, outcome.version, outcome.ref, now, outcome.hash)
      if (outcome.skipped === true) {
        // Nothing changed that the service would show: no call was made.
        lane.nextAt = started
        return
      }
      metrics.relayed.inc({ relay })
      if (t.firstEventAt !== undefined)
        metrics.relayLatency.observe((now - t.firstEventAt) / 1000, { relay })
      log.debug('delivered', { version: outcome.version, ms: now - started })
    } catch (error) {
      if (!this.#detached) this.#failed(t, lane, error, log)
    }
  }

  #failed(t: Target, lane: Lane, error: unknown, log: Log): void {
    const { backend, deliveries, metrics, maxAttempts } = this.#o
    const now = this.#now()
    const c = backend.classify(error)
    const attempts = c.rateLimited === true ? t.attempts : t.attempts + 1
    if (!c.retry || attempts >= maxAttempts) {
      deliveries.markFailed(t.id, c.message, now)
      metrics.failed.inc({ relay: backend.name })
      log.error(`giving up: ${c.message}`, {
        attempts,
        error: errorMessage(error)
      })
      return
    }
    const base = this.#o.retryBaseMs ?? 1000
    const backoff =
      Math.min(300_000, base * 2 ** Math.max(0, attempts - 1)) *
      (0.8 + 0.4 * Math.random())
    const delay = Math.round(c.afterMs ?? backoff)
    if (c.rateLimited === true) lane.nextAt = Math.max(lane.nextAt, now + delay)
    deliveries.markRetry(t.id, attempts, now + delay, c.message, now)
    metrics.retries.inc({
      relay: backend.name,
      reason: c.rateLimited === true ? 'rate_limited' : 'error'
    })
    log.warn(
      `${c.rateLimited === true ? 'rate limited' : 'failed'}: ${c.message}; retrying in ${formatMs(delay)}`,
      {
        attempt: attempts
      }
    )
  }
}
