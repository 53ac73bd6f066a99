/**
 * Applies accepted events, oldest first, in batches: each event is folded
 * into its build's state, the job's streak moves on a final result, the
 * routing decides what the build now owes to Slack and GitHub, and all of
 * it — with the event marked applied — is committed in one transaction.
 * Optionally a final event is first checked against the Jenkins API, whose
 * answer is authoritative (the Notification plugin cannot sign its payload).
 */

import { errorMessage } from '../core/errors.js'
import {
  applyAuthoritative,
  mergeEvent,
  nextStreak,
  type AuthoritativeBuild
} from './build-state.js'
import { ApplyBatch } from './apply-batch.js'
import type { DeliveryStore } from './delivery-store.js'
import type { BuildEvent } from './event.js'
import type { JenkinsBuildSource } from './jenkins-source.js'
import type { Log } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import {
  matchRoutes,
  planDeliveries,
  resolveIdentity,
  type Routing
} from './routing.js'
import type { BridgeStore, StoredEvent } from './store.js'

export interface EventWorkerOptions {
  store: BridgeStore
  deliveries: DeliveryStore
  routing: Routing
  log: Log
  metrics: BridgeMetrics
  githubMode?: 'status' | 'checks' | 'both'
  jenkinsUrl?: string
  /** Re-fetch final results from here (BRIDGE_REFETCH). */
  refetch?: JenkinsBuildSource
  now?: () => number
  /** Called after a batch recorded new deliveries. */
  onApplied?: () => void
}

const BATCH = 500
/** How long a kick waits for more events before applying. */
const GATHER_MS = 5

async function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
/** Longest a batch transaction may hold the event loop. */
const SLICE_MS = 4
const FETCH_CONCURRENCY = 4

export class EventWorker {
  readonly #o: EventWorkerOptions
  readonly #now: () => number
  readonly #warnedJobs = new Set<string>()
  #running: Promise<void> | undefined
  #again = false
  #stopped = false

  constructor(options: EventWorkerOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
  }

  /** Applies whatever is pending (again, if a run is under way). */
  kick(): void {
    if (this.#stopped) return
    if (this.#running !== undefined) {
      this.#again = true
      return
    }
    // A short delay gathers a burst into one batch (one transaction).
    this.#running = delay(GATHER_MS)
      .then(async () => this.#run())
      .finally(() => {
        this.#running = undefined
        if (this.#again) {
          this.#again = false
          this.kick()
        }
      })
  }

  /** Applies what is left and resolves; later kicks are ignored. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#running
    // Events accepted during the last run: apply them now, not next start.
    await this.#run()
  }

  async #run(): Promise<void> {
    const store = this.#o.store
    try {
      for (;;) {
        const rows = store.pendingEvents(BATCH)
        if (rows.length === 0 || !store.isOpen()) return
        const events = rows.map((r) => ({
          row: r,
          event: JSON.parse(r.payload) as BuildEvent
        }))
        const fetched = await this.#fetchAll(events.map((e) => e.event))
        for (let i = 0; i < events.length;) {
          if (!store.isOpen()) return
          // Slices of a few milliseconds, so the intake keeps answering fast.
          store.db.transaction(() => {
            const batch = new ApplyBatch(this.#o.deliveries, store)
            const started = performance.now()
            for (
              ;
              i < events.length && performance.now() - started < SLICE_MS;
              i++
            ) {
              const e = events[i]
              if (e !== undefined)
                this.#apply(e.row, e.event, fetched[i], batch)
            }
            batch.flush(this.#now())
          })()
          this.#o.onApplied?.()
          await new Promise((r) => setImmediate(r))
        }
        // A short batch means the queue is empty; a kick brings more.
        if (rows.length < BATCH) return
      }
    } catch (error) {
      this.#o.log.error('cannot apply events; will retry', {
        error: errorMessage(error)
      })
      if (!this.#stopped)
        setTimeout(() => {
          this.kick()
        }, 1000).unref()
    }
  }

  async #fetchAll(
    events: BuildEvent[]
  ): Promise<(AuthoritativeBuild | undefined)[]> {
    const source = this.#o.refetch
    const out: (AuthoritativeBuild | undefined)[] = events.map(() => undefined)
    if (source === undefined) return out
    const todo = events
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.phase === 'COMPLETED' || e.phase === 'FINALIZED')
    const next = async (): Promise<void> => {
      for (let item = todo.shift(); item !== undefined; item = todo.shift()) {
        const url =
          item.e.url ??
          (item.e.path === undefined || this.#o.jenkinsUrl === undefined
            ? undefined
            : new URL(item.e.path, this.#o.jenkinsUrl).toString())
        if (url === undefined) continue
        try {
          out[item.i] = await source.fetchBuild(url)
        } catch (error) {
          this.#o.log.warn(
            `cannot re-fetch ${item.e.job} #${item.e.number}; using the payload's result`,
            {
              error: errorMessage(error)
            }
          )
        }
      }
    }
    await Promise.all(Array.from({ length: FETCH_CONCURRENCY }, next))
    return out
  }

  #apply(
    row: StoredEvent,
    e: BuildEvent,
    fetched: AuthoritativeBuild | undefined,
    batch: ApplyBatch
  ): void {
    const { routing, metrics } = this.#o
    const now = this.#now()
    const buildKey = `${e.job}#${e.number}`
    const prev = batch.getBuild(buildKey)
    let b = mergeEvent(
      prev?.snapshot,
      e,
      resolveIdentity(routing, e),
      this.#o.jenkinsUrl
    )
    if (fetched !== undefined) b = applyAuthoritative(b, fetched)
    if (matchRoutes(routing, b).length === 0) {
      batch.dropped(row.id, 'no route matches the job')
      metrics.dropped.inc()
      const first = !this.#warnedJobs.has(e.job)
      this.#warnedJobs.add(e.job)
      this.#o.log[first ? 'warn' : 'debug'](
        `dropped: no route matches job ${e.job}; add a route to the routing file to relay it`,
        {
          key: row.key
        }
      )
      return
    }
    if (b.phase === 'COMPLETED' && prev?.snapshot.phase !== 'COMPLETED') {
      const s = nextStreak(batch.getJob(e.job), e.number, b.result)
      batch.putJob(e.job, s.state)
      b.streak = s.streak
    }
    const version = (prev?.version ?? 0) + 1
    batch.putBuild(buildKey, b, version)
    const plan = planDeliveries(routing, b, now)
    const at = row.received_at
    for (const s of plan.slack) {
      if (!s.create && !batch.has(buildKey, 'slack', s.channel, 'parent'))
        continue
      batch.want(
        {
          buildKey,
          relay: 'slack',
          dest: s.channel,
          kind: 'parent',
          want: version,
          payload: {}
        },
        at
      )
      if (s.reply === undefined) continue
      const kind = `reply:${s.reply}`
      if (batch.has(buildKey, 'slack', s.channel, kind)) continue
      batch.want(
        {
          buildKey,
          relay: 'slack',
          dest: s.channel,
          kind,
          want: 1,
          payload: { broadcast: s.broadcast, mentions: s.mentions }
        },
        at
      )
    }
    const gh = plan.github
    const mode = this.#o.githubMode
    if (gh !== undefined && mode !== undefined) {
      const payload = { ...gh }
      if (mode !== 'checks')
        batch.want(
          {
            buildKey,
            relay: 'github',
            dest: gh.repo,
            kind: 'status',
            want: version,
            payload
          },
          at
        )
      if (mode !== 'status')
        batch.want(
          {
            buildKey,
            relay: 'github',
            dest: gh.repo,
            kind: 'check',
            want: version,
            payload
          },
          at
        )
    } else if (
      plan.githubSkipped !== undefined &&
      mode !== undefined &&
      prev === undefined
    ) {
      this.#o.log.info(
        `no GitHub status for ${buildKey}: ${plan.githubSkipped}`
      )
    }
    batch.applied(row.id)
  }
}
