/**
 * The bridge's durable state in one SQLite file (WAL): accepted events, the
 * merged state of each build, each job's streak, and the deliveries still
 * owed to Slack and GitHub (the outbox). An event is on disk before Jenkins
 * gets its 2xx; applying it and recording what it owes happen in one
 * transaction, so a killed process resumes exactly where it stopped.
 */

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { StoreError, errorMessage } from '../core/errors.js'
import { Checkpointer, SAFETY_NET_PAGES } from './checkpointer.js'
import { WalSync } from './wal-sync.js'

export type SyncMode = 'full' | 'normal'

const SCHEMA_VERSION = 1

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  job TEXT NOT NULL,
  number INTEGER NOT NULL,
  phase TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  applied_at INTEGER,
  note TEXT
);
CREATE INDEX IF NOT EXISTS events_pending ON events (id) WHERE state = 'pending';
CREATE TABLE IF NOT EXISTS builds (
  key TEXT PRIMARY KEY,
  job TEXT NOT NULL,
  number INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  job TEXT PRIMARY KEY,
  last_number INTEGER NOT NULL,
  failing_since INTEGER,
  failed_builds INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS targets (
  id INTEGER PRIMARY KEY,
  build_key TEXT NOT NULL,
  relay TEXT NOT NULL,
  dest TEXT NOT NULL,
  kind TEXT NOT NULL,
  want INTEGER NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  ref TEXT,
  sent_hash TEXT,
  intent_at INTEGER,
  dirty_since INTEGER,
  first_event_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'active',
  error TEXT,
  payload TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL,
  UNIQUE (build_key, relay, dest, kind)
);
CREATE INDEX IF NOT EXISTS targets_dirty ON targets (relay, dest, dirty_since, id)
  WHERE state = 'active' AND want > sent;
`

export interface NewEvent {
  key: string
  job: string
  number: number
  phase: string
  payload: string
  receivedAt: number
}

export interface StoredEvent {
  id: number
  key: string
  payload: string
  received_at: number
}

/** An insert's outcome: a new row, or a delivery seen before. */
export type InsertResult =
  { id: number; duplicate: false } | { id: undefined; duplicate: true }

export interface StoreStats {
  pendingEvents: number
  pendingDeliveries: number
  /** Age of the oldest event or delivery still owed, ms (0 when none). */
  oldestPendingMs: number
}

export class BridgeStore {
  readonly db: Database.Database
  readonly path: string
  readonly #statements = new Map<string, Database.Statement>()
  #insert: Database.Statement<[string, string, number, string, string, number]>
  #insertMany: (events: NewEvent[]) => InsertResult[]

  /** `full`: accepted events are fsynced before the 2xx ({@link durable}). */
  readonly sync: SyncMode
  readonly #wal: WalSync | undefined
  #checkpointer: Checkpointer | undefined

  private constructor(db: Database.Database, path: string, sync: SyncMode) {
    this.db = db
    this.path = path
    this.sync = sync
    this.#wal =
      sync === 'full' && path !== ':memory:' ? new WalSync(path) : undefined
    this.#insert = db.prepare(
      `INSERT INTO events (key, job, number, phase, payload, received_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`
    )
    this.#insertMany = db.transaction((events: NewEvent[]) =>
      events.map((e): InsertResult => {
        const r = this.#insert.run(
          e.key,
          e.job,
          e.number,
          e.phase,
          e.payload,
          e.receivedAt
        )
        return r.changes === 1
          ? { id: Number(r.lastInsertRowid), duplicate: false }
          : { id: undefined, duplicate: true }
      })
    )
  }

  /** Opens (creating if needed) the store. */
  static open(path: string, sync: SyncMode = 'full'): BridgeStore {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
      const db = new Database(path)
      db.pragma('journal_mode = WAL')
      // Commits never fsync on the event loop; see durable().
      db.pragma('synchronous = NORMAL')
      db.pragma('busy_timeout = 5000')
      db.exec(SCHEMA)
      const row = db
        .prepare(`SELECT value FROM meta WHERE key = 'schema'`)
        .get() as { value: string } | undefined
      if (row === undefined) {
        db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?)`).run(
          String(SCHEMA_VERSION)
        )
      } else if (Number(row.value) > SCHEMA_VERSION) {
        db.close()
        throw new StoreError(
          `${path} was written by a newer jenkins-bridge (schema ${row.value})`,
          {
            hint: 'run the newer version, or point BRIDGE_DB at a new file'
          }
        )
      }
      return new BridgeStore(db, path, sync)
    } catch (error) {
      if (error instanceof StoreError) throw error
      throw new StoreError(
        `cannot open the bridge store ${path}: ${errorMessage(error)}`,
        {
          hint: 'check that BRIDGE_DB names a writable file on a local disk',
          cause: error
        }
      )
    }
  }

  /**
   * Resolves when every commit so far is on disk (with `sync: 'full'`;
   * at once with `normal`, where commits survive a process crash but not a
   * power loss). Bookkeeping writes need no such wait: they are rebuilt from
   * the events if a power loss takes the last few.
   */
  async durable(): Promise<void> {
    await this.#wal?.durable()
  }

  /** A prepared statement, compiled once per SQL text. */
  stmt(sql: string): Database.Statement {
    let s = this.#statements.get(sql)
    if (s === undefined) {
      s = this.db.prepare(sql)
      this.#statements.set(sql, s)
    }
    return s
  }

  isOpen(): boolean {
    return this.db.open
  }

  /**
   * Moves WAL checkpoints to a worker thread (see {@link Checkpointer}); a
   * failure is reported and the store falls back to SQLite's own.
   */
  startCheckpoints(onError: (message: string) => void): void {
    if (this.path === ':memory:' || this.#checkpointer !== undefined) return
    try {
      this.#checkpointer = new Checkpointer(this.path, 1000, onError)
      this.db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`)
    } catch (error) {
      onError(`checkpoints stay on the main thread: ${errorMessage(error)}`)
    }
  }

  close(): void {
    void this.#checkpointer?.stop()
    if (this.db.open) this.db.close()
    void this.#wal?.close()
  }

  /** Stops the checkpoint thread first, then closes (the last checkpoint). */
  async shutdown(): Promise<void> {
    await this.#checkpointer?.stop()
    this.#checkpointer = undefined
    this.close()
  }

  /** Inserts events in one transaction (one fsync for the whole batch). */
  insertEvents(events: NewEvent[]): InsertResult[] {
    return this.#insertMany(events)
  }

  /** Pending events after id `afterId`, oldest first. */
  pendingEvents(limit: number, afterId = 0): StoredEvent[] {
    return this.stmt(
      `SELECT id, key, payload, received_at FROM events WHERE state = 'pending' AND id > ? ORDER BY id LIMIT ?`
    ).all(afterId, limit) as StoredEvent[]
  }

  markEvent(
    id: number,
    state: 'applied' | 'dropped',
    now: number,
    note?: string
  ): void {
    this.stmt(
      `UPDATE events SET state = ?, applied_at = ?, note = ? WHERE id = ?`
    ).run(state, now, note ?? null, id)
  }

  countEvents(state?: string): number {
    const row = (
      state === undefined
        ? this.stmt(`SELECT COUNT(*) AS n FROM events`).get()
        : this.stmt(`SELECT COUNT(*) AS n FROM events WHERE state = ?`).get(
            state
          )
    ) as { n: number }
    return row.n
  }

  stats(now: number): StoreStats {
    const ev = this.stmt(
      `SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM events WHERE state = 'pending'`
    ).get() as { n: number; oldest: number | null }
    const tg = this.stmt(
      `SELECT COUNT(*) AS n, MIN(dirty_since) AS oldest FROM targets
         WHERE state = 'active' AND want > sent`
    ).get() as { n: number; oldest: number | null }
    const oldest = Math.min(ev.oldest ?? Infinity, tg.oldest ?? Infinity)
    return {
      pendingEvents: ev.n,
      pendingDeliveries: tg.n,
      oldestPendingMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0
    }
  }

  /** Forgets finished events, builds and deliveries older than `before`. */
  prune(before: number): number {
    return this.db.transaction(() => {
      const e = this.stmt(
        `DELETE FROM events WHERE state != 'pending' AND received_at < ?`
      ).run(before).changes
      const old = `SELECT key FROM builds WHERE updated_at < ?`
      this.stmt(
        `DELETE FROM targets WHERE build_key IN (${old}) AND (state != 'active' OR want <= sent)`
      ).run(before)
      this.stmt(
        `DELETE FROM builds WHERE updated_at < ? AND key NOT IN (SELECT build_key FROM targets)`
      ).run(before)
      return e
    })()
  }
}
