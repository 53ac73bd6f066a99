/**
 * Applies accepted events, oldest first, in batches: each event is folded
 * into its build's state, the job's streak moves on a final result, the
 * routing decides what the build now owes to Slack and GitHub, and all of
 * it — with the event marked applied — is committed in one transaction.
 * A final event may first be checked against the Jenkins API, whose answer
 * is authoritative (the Notification plugin cannot sign its payload): those
 * reads run in a {@link BuildFetcher} beside the worker, and only the events
 * of the build being read wait for them — a Jenkins that never answers does
 * not hold back any other build.
 */

import { errorMessage } from '../core/errors.js'
import {
  applyAuthoritative,
  buildUrlOf,
  mergeEvent,
  nextStreak
} from './build-state.js'
import { ApplyBatch } from './apply-batch.js'
import { BuildFetcher, type Enrichment } from './build-fetcher.js'
import type { DeliveryStore } from './delivery-store.js'
import type { BuildEvent } from './event.js'
import type { JenkinsBuildSource } from './jenkins-source.js'
import type { Log } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import {
  matchRoutes,
  planDeliveries,
  resolveIdentity,
  routesJob,
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
  /** Where final events are checked (BRIDGE_REFETCH) and log tails read. */
  jenkins?: {
    source: JenkinsBuildSource
    refetch: boolean
    logLines: number
    /** Longest time for one build's reads (tests shorten it). */
    deadlineMs?: number
  }
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
/** Warnings remembered per build, so each is logged once. */
const WARNED_MAX = 10_000

export class EventWorker {
  readonly #o: EventWorkerOptions
  readonly #now: () => number
  readonly #warnedJobs = new Set<string>()
  readonly #warned = new Set<string>()
  readonly #fetcher: BuildFetcher | undefined
  #running: Promise<void> | undefined
  #again = false
  #stopped = false

  constructor(options: EventWorkerOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
    const j = options.jenkins
    this.#fetcher =
      j === undefined || (!j.refetch && j.logLines === 0)
        ? undefined
        : new BuildFetcher({
            ...j,
            log: options.log,
            onDone: () => {
              this.kick()
            }
          })
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

  /**
   * Applies what is left and resolves; later kicks are ignored. Reads from
   * Jenkins are aborted: their events stay pending for the next start.
   */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#fetcher?.stop()
    await this.#running
    // Events accepted during the last run: apply them now, not next start.
    await this.#run()
  }

  async #run(): Promise<void> {
    const store = this.#o.store
    try {
      // Builds with an event waiting for Jenkins: their later events wait too.
      const waiting = new Set<string>()
      for (let after = 0; ;) {
        const rows = store.pendingEvents(BATCH, after)
        if (rows.length === 0 || !store.isOpen()) return
        after = rows[rows.length - 1]?.id ?? after
        const ready: {
          row: StoredEvent
          event: BuildEvent
          extra: Enrichment | undefined
        }[] = []
        for (const row of rows) {
          const event = JSON.parse(row.payload) as BuildEvent
          const build = `${event.job}#${event.number}`
          if (waiting.has(build)) continue
          if (this.#mustWait(row, event)) waiting.add(build)
          else ready.push({ row, event, extra: this.#fetcher?.take(row.id) })
        }
        for (let i = 0; i < ready.length;) {
          if (!store.isOpen()) return
          // Slices of a few milliseconds, so the intake keeps answering fast.
          store.db.transaction(() => {
            const batch = new ApplyBatch(this.#o.deliveries, store)
            const started = performance.now()
            for (
              ;
              i < ready.length && performance.now() - started < SLICE_MS;
              i++
            ) {
              const e = ready[i]
              if (e !== undefined) this.#apply(e.row, e.event, e.extra, batch)
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

  /** True while a routed final event waits for its reads from Jenkins. */
  #mustWait(row: StoredEvent, e: BuildEvent): boolean {
    const f = this.#fetcher
    if (f === undefined) return false
    const state = f.state(row.id)
    if (state === 'done') return false
    if (state === 'busy') return true
    // Nothing is read for a job no route grants: it is dropped anyway.
    if (!f.wants(e) || !routesJob(this.#o.routing, e.job)) return false
    // Stopping: the event stays pending, to be read at the next start.
    if (!this.#stopped) f.start(row.id, e)
    return true
  }

  /** Logs `message` once per `key`. */
  #warnOnce(
    key: string,
    message: string,
    fields: Record<string, unknown>
  ): void {
    if (this.#warned.has(key)) return
    if (this.#warned.size >= WARNED_MAX) this.#warned.clear()
    this.#warned.add(key)
    this.#o.log.warn(message, fields)
  }

  #apply(
    row: StoredEvent,
    e: BuildEvent,
    extra: Enrichment | undefined,
    batch: ApplyBatch
  ): void {
    const { routing, metrics } = this.#o
    const now = this.#now()
    const buildKey = `${e.job}#${e.number}`
    const prev = batch.getBuild(buildKey)
    const refused = buildUrlOf(e, this.#o.jenkinsUrl).refused
    if (refused !== undefined)
      this.#warnOnce(
        `url:${buildKey}`,
        `ignoring the build URL of ${buildKey}: ${refused}; nothing is read from it`,
        { key: row.key }
      )
    let b = mergeEvent(
      prev?.snapshot,
      e,
      resolveIdentity(routing, e),
      this.#o.jenkinsUrl
    )
    if (extra?.build !== undefined) b = applyAuthoritative(b, extra.build)
    if (extra?.log !== undefined && extra.log !== '') b.log ??= extra.log
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
          payload: {},
          // The final state reaches a message an earlier attempt left behind.
          revive: b.phase === 'COMPLETED'
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
    if (plan.githubRefused !== undefined && mode !== undefined)
      this.#warnOnce(
        `repo:${buildKey}`,
        `ignoring a repository named by ${buildKey}: ${plan.githubRefused}; add it to the route's repos: to allow it`,
        { key: row.key }
      )
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
