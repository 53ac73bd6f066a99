/**
 * Builds, job streaks and the outbox of deliveries, on the bridge store.
 *
 * A delivery (a *target*) is one thing a relay keeps true: the parent
 * message of a build in a channel, a thread reply, a commit status, a check
 * run. It is *dirty* while `want` (the build version it should show) is ahead
 * of `sent`. New events only raise `want`, so several events between two
 * sends coalesce into one call, and a target keeps its place in the queue
 * (`dirty_since`) while it stays dirty.
 */

import type { BuildSnapshot } from '../notify/build-model.js'
import type { JobStreakState } from './build-state.js'
import type { BridgeStore } from './store.js'

export type RelayName = 'slack' | 'github'

export interface Target {
  id: number
  buildKey: string
  relay: RelayName
  dest: string
  kind: string
  want: number
  sent: number
  ref: string | undefined
  /** A digest of the content last sent, to skip sending the same again. */
  sentHash: string | undefined
  intentAt: number | undefined
  dirtySince: number | undefined
  firstEventAt: number | undefined
  attempts: number
  nextAt: number
  state: 'active' | 'failed'
  error: string | undefined
  payload: Record<string, unknown>
}

/** A target's columns under the names of {@link Target}. */
const SELECT_TARGETS = `SELECT id, build_key AS buildKey, relay, dest, kind, want, sent, ref,
  sent_hash AS sentHash, intent_at AS intentAt, dirty_since AS dirtySince,
  first_event_at AS firstEventAt, attempts, next_at AS nextAt, state, error,
  payload FROM targets`

/** A row of {@link SELECT_TARGETS}: SQL NULL is undefined, the payload parsed. */
function toTarget(row: Record<string, unknown>): Target {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row))
    out[key] = value === null ? undefined : value
  out.payload = JSON.parse(String(row.payload)) as Record<string, unknown>
  return out as unknown as Target
}

/** A delivery a build event asks for: `want` is the version it should reach. */
export interface WantedTarget {
  buildKey: string
  relay: RelayName
  dest: string
  kind: string
  want: number
  payload: Record<string, unknown>
  /**
   * Brings a failed target back if something may have been created for it
   * (an intent or a ref): a build's parent message must not stay at
   * "Running" because an attempt gave up while its build was running.
   */
  revive?: boolean
}

export class DeliveryStore {
  readonly #store: BridgeStore

  constructor(store: BridgeStore) {
    this.#store = store
  }

  getBuild(
    key: string
  ): { snapshot: BuildSnapshot; version: number } | undefined {
    const row = this.#store
      .stmt(`SELECT snapshot, version FROM builds WHERE key = ?`)
      .get(key) as { snapshot: string; version: number } | undefined
    return row === undefined
      ? undefined
      : {
          snapshot: JSON.parse(row.snapshot) as BuildSnapshot,
          version: row.version
        }
  }

  putBuild(
    key: string,
    snapshot: BuildSnapshot,
    version: number,
    now: number
  ): void {
    this.#store
      .stmt(
        `INSERT INTO builds (key, job, number, snapshot, version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET snapshot = excluded.snapshot, version = excluded.version,
         updated_at = excluded.updated_at`
      )
      .run(
        key,
        snapshot.job,
        snapshot.number,
        JSON.stringify(snapshot),
        version,
        now
      )
  }

  getJob(job: string): JobStreakState | undefined {
    const row = this.#store
      .stmt(
        `SELECT last_number, failing_since, failed_builds FROM jobs WHERE job = ?`
      )
      .get(job) as
      | {
          last_number: number
          failing_since: number | null
          failed_builds: number
        }
      | undefined
    if (row === undefined) return undefined
    return {
      lastNumber: row.last_number,
      failedBuilds: row.failed_builds,
      ...(row.failing_since === null ? {} : { failingSince: row.failing_since })
    }
  }

  putJob(job: string, s: JobStreakState): void {
    this.#store
      .stmt(
        `INSERT INTO jobs (job, last_number, failing_since, failed_builds) VALUES (?, ?, ?, ?)
         ON CONFLICT (job) DO UPDATE SET last_number = excluded.last_number,
         failing_since = excluded.failing_since, failed_builds = excluded.failed_builds`
      )
      .run(job, s.lastNumber, s.failingSince ?? null, s.failedBuilds)
  }

  find(
    buildKey: string,
    relay: RelayName,
    dest: string,
    kind: string
  ): Target | undefined {
    const row = this.#store
      .stmt(
        `${SELECT_TARGETS} WHERE build_key = ? AND relay = ? AND dest = ? AND kind = ?`
      )
      .get(buildKey, relay, dest, kind) as Record<string, unknown> | undefined
    return row === undefined ? undefined : toTarget(row)
  }

  /**
   * Raises a target's `want` (creating it if needed). `eventAt` is when the
   * event that caused it was accepted, for the relay-latency metric.
   */
  want(t: WantedTarget, now: number, eventAt: number): void {
    this.#store
      .stmt(
        `INSERT INTO targets (build_key, relay, dest, kind, want, payload, dirty_since, first_event_at, updated_at)
         VALUES (@buildKey, @relay, @dest, @kind, @want, @payload, @now, @eventAt, @now)
         ON CONFLICT (build_key, relay, dest, kind) DO UPDATE SET
           dirty_since = CASE WHEN targets.want > targets.sent THEN targets.dirty_since ELSE @now END,
           first_event_at = CASE WHEN targets.want > targets.sent THEN targets.first_event_at ELSE @eventAt END,
           want = MAX(targets.want, excluded.want),
           payload = excluded.payload,
           state = CASE WHEN @revive AND targets.state = 'failed'
             AND (targets.intent_at IS NOT NULL OR targets.ref IS NOT NULL) THEN 'active' ELSE targets.state END,
           attempts = CASE WHEN @revive AND targets.state = 'failed' THEN 0 ELSE targets.attempts END,
           next_at = CASE WHEN @revive AND targets.state = 'failed' THEN 0 ELSE targets.next_at END,
           updated_at = @now`
      )
      .run({
        buildKey: t.buildKey,
        relay: t.relay,
        dest: t.dest,
        kind: t.kind,
        want: t.want,
        payload: JSON.stringify(t.payload),
        revive: t.revive === true ? 1 : 0,
        now,
        eventAt
      })
  }

  /** Destinations with dirty targets, and when each can next be worked on. */
  dirtyLanes(relay: RelayName): { dest: string; nextAt: number }[] {
    return this.#store
      .stmt(
        `SELECT dest, MIN(next_at) AS nextAt FROM targets
         WHERE relay = ? AND state = 'active' AND want > sent GROUP BY dest`
      )
      .all(relay) as { dest: string; nextAt: number }[]
  }

  /** The oldest dirty target of a lane that may be worked on at `now`. */
  nextDirty(relay: RelayName, dest: string, now: number): Target | undefined {
    const row = this.#store
      .stmt(
        `${SELECT_TARGETS} WHERE relay = ? AND dest = ? AND state = 'active' AND want > sent
         AND next_at <= ? ORDER BY dirty_since, id LIMIT 1`
      )
      .get(relay, dest, now) as Record<string, unknown> | undefined
    return row === undefined ? undefined : toTarget(row)
  }

  /** Records that a create call is about to be made (see reconciliation). */
  markIntent(id: number, now: number): void {
    this.#set(id, now, { intent_at: now })
  }

  /** Sets columns of a target (and its `updated_at`). */
  #set(id: number, now: number, columns: Record<string, unknown>): void {
    const names = Object.keys(columns)
    this.#store
      .stmt(
        `UPDATE targets SET ${names.map((c) => `${c} = @${c}`).join(', ')}, updated_at = @now WHERE id = @id`
      )
      .run({ ...columns, id, now })
  }

  /** Records a delivery of `version`; the target stays dirty if `want` moved on. */
  markSent(
    id: number,
    version: number,
    ref: string | undefined,
    now: number,
    hash?: string
  ): void {
    this.#store
      .stmt(
        `UPDATE targets SET sent = MAX(sent, @version), ref = COALESCE(@ref, ref),
           sent_hash = COALESCE(@hash, sent_hash), attempts = 0,
           next_at = 0, error = NULL, updated_at = @now,
           dirty_since = CASE WHEN want > MAX(sent, @version) THEN @now ELSE NULL END,
           first_event_at = CASE WHEN want > MAX(sent, @version) THEN first_event_at ELSE NULL END
         WHERE id = @id`
      )
      .run({ id, version, ref: ref ?? null, now, hash: hash ?? null })
  }

  /** Records the reference a create call produced, before anything else. */
  markRef(id: number, ref: string, now: number): void {
    this.#set(id, now, { ref })
  }

  markRetry(
    id: number,
    attempts: number,
    nextAt: number,
    error: string,
    now: number
  ): void {
    this.#set(id, now, { attempts, next_at: nextAt, error })
  }

  markFailed(id: number, error: string, now: number): void {
    this.#set(id, now, { state: 'failed', error })
  }

  count(relay: RelayName, kind?: string, state = 'active'): number {
    const row = this.#store
      .stmt(
        `SELECT COUNT(*) AS n FROM targets WHERE relay = ? AND state = ? ${kind === undefined ? '' : 'AND kind = ?'}`
      )
      .get(...[relay, state, ...(kind === undefined ? [] : [kind])]) as {
      n: number
    }
    return row.n
  }
}
