/**
 * A write-behind view of the delivery store for one batch of events: reads
 * see the batch's own changes, and writes are merged and made once per
 * build and delivery at {@link ApplyBatch.flush} (inside the batch's
 * transaction). A build's 100 stage updates in one batch cost one build
 * write and one outbox write, not a hundred.
 */

import type { BuildSnapshot } from '../notify/build-model.js'
import type { JobStreakState } from './build-state.js'
import type {
  DeliveryStore,
  RelayName,
  WantedTarget
} from './delivery-store.js'
import type { BridgeStore } from './store.js'

export class ApplyBatch {
  readonly #deliveries: DeliveryStore
  readonly #store: BridgeStore
  readonly #builds = new Map<
    string,
    { snapshot: BuildSnapshot; version: number; dirty: boolean } | undefined
  >()
  readonly #jobs = new Map<
    string,
    { state: JobStreakState | undefined; dirty: boolean }
  >()
  readonly #exists = new Map<string, boolean>()
  readonly #wants = new Map<string, { t: WantedTarget; eventAt: number }>()
  readonly #applied: number[] = []
  readonly #dropped: { id: number; note: string }[] = []

  constructor(deliveries: DeliveryStore, store: BridgeStore) {
    this.#deliveries = deliveries
    this.#store = store
  }

  getBuild(
    key: string
  ): { snapshot: BuildSnapshot; version: number } | undefined {
    if (!this.#builds.has(key)) {
      const b = this.#deliveries.getBuild(key)
      this.#builds.set(
        key,
        b === undefined ? undefined : { ...b, dirty: false }
      )
    }
    return this.#builds.get(key)
  }

  putBuild(key: string, snapshot: BuildSnapshot, version: number): void {
    this.#builds.set(key, { snapshot, version, dirty: true })
  }

  getJob(job: string): JobStreakState | undefined {
    if (!this.#jobs.has(job))
      this.#jobs.set(job, { state: this.#deliveries.getJob(job), dirty: false })
    return this.#jobs.get(job)?.state
  }

  putJob(job: string, state: JobStreakState): void {
    this.#jobs.set(job, { state, dirty: true })
  }

  /** Whether the delivery exists in the store or in this batch. */
  has(buildKey: string, relay: RelayName, dest: string, kind: string): boolean {
    const k = `${buildKey}\u0000${relay}\u0000${dest}\u0000${kind}`
    let known = this.#exists.get(k)
    if (known === undefined) {
      known = this.#deliveries.find(buildKey, relay, dest, kind) !== undefined
      this.#exists.set(k, known)
    }
    return known
  }

  want(t: WantedTarget, eventAt: number): void {
    const k = `${t.buildKey}\u0000${t.relay}\u0000${t.dest}\u0000${t.kind}`
    this.#exists.set(k, true)
    const prev = this.#wants.get(k)
    this.#wants.set(k, {
      t: {
        ...t,
        want: Math.max(t.want, prev?.t.want ?? 0),
        revive: t.revive === true || prev?.t.revive === true
      },
      eventAt: Math.min(eventAt, prev?.eventAt ?? eventAt)
    })
  }

  applied(id: number): void {
    this.#applied.push(id)
  }

  dropped(id: number, note: string): void {
    this.#dropped.push({ id, note })
  }

  /** Writes everything (call inside the batch's transaction). */
  flush(now: number): void {
    for (const [key, b] of this.#builds)
      if (b?.dirty === true)
        this.#deliveries.putBuild(key, b.snapshot, b.version, now)
    for (const [job, j] of this.#jobs)
      if (j.dirty && j.state !== undefined)
        this.#deliveries.putJob(job, j.state)
    for (const { t, eventAt } of this.#wants.values())
      this.#deliveries.want(t, now, eventAt)
    for (const d of this.#dropped)
      this.#store.markEvent(d.id, 'dropped', now, d.note)
    for (const id of this.#applied) this.#store.markEvent(id, 'applied', now)
  }
}
