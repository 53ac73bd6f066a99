/**
 * Alert state in the SQLite metric store it watches: one `alert_states`
 * table in the same file, through a connection of its own (WAL lets it
 * write while dispatches write measurements). The table is created on first
 * use rather than by a store migration: the store's schema version is what
 * readers of measurements check, and alerts change none of it.
 *
 * Every write is a compare-and-set on `version` inside an IMMEDIATE
 * transaction: of two evaluators seeing the same transition, exactly one
 * gets `changes = 1`, and only that one announces it.
 */

import type BetterSqlite3 from 'better-sqlite3'
import { StoreError, errorMessage } from '../core/errors.js'
import { sqliteDriver, type SqliteDatabase } from '../metrics/sqlite-driver.js'
import type { AlertState, AlertStateStore, AlertStatus } from './state.js'

const SCHEMA = `CREATE TABLE IF NOT EXISTS alert_states (
  key TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  status TEXT NOT NULL,
  count INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  firing_since INTEGER,
  announced INTEGER NOT NULL,
  summary TEXT NOT NULL,
  slack_channel TEXT,
  slack_ts TEXT,
  issue INTEGER,
  evaluated_at INTEGER NOT NULL,
  version INTEGER NOT NULL
)`

type Row = [
  string,
  string,
  string,
  number,
  number,
  number | null,
  number,
  string,
  string | null,
  string | null,
  number | null,
  number,
  number
]

function fromRow(r: Row): AlertState {
  return {
    key: r[0],
    rule: r[1],
    status: r[2] as AlertStatus,
    count: r[3],
    changedAt: r[4],
    ...(r[5] === null ? {} : { firingSince: r[5] }),
    announced: r[6] === 1,
    summary: r[7],
    ...(r[8] === null || r[9] === null
      ? {}
      : { slack: { channel: r[8], ts: r[9] } }),
    ...(r[10] === null ? {} : { issue: r[10] }),
    evaluatedAt: r[11],
    version: r[12]
  }
}

export class SqliteAlertState implements AlertStateStore {
  readonly label: string
  readonly #db: SqliteDatabase
  #insert: BetterSqlite3.Statement | undefined
  #update: BetterSqlite3.Statement | undefined

  constructor(readonly path: string) {
    this.label = `sqlite ${path}`
    const Database = sqliteDriver()
    try {
      this.#db = new Database(path, { fileMustExist: true })
      this.#db.pragma('busy_timeout = 10000')
      this.#db.pragma('journal_mode = WAL')
      // As the store: in WAL mode a commit need not wait for an fsync.
      this.#db.pragma('synchronous = NORMAL')
      this.#db.exec(SCHEMA)
    } catch (error) {
      throw alertStoreError(`cannot keep alert state in ${path}`, path, error)
    }
  }

  async load(): Promise<Map<string, AlertState>> {
    const rows = this.#db
      .prepare('SELECT * FROM alert_states')
      .raw(true)
      .all() as Row[]
    return Promise.resolve(new Map(rows.map((r) => [r[0], fromRow(r)])))
  }

  /** One compare-and-set; the caller holds the transaction. */
  #cas(prev: AlertState, next: AlertState): boolean {
    const values = [
      next.rule,
      next.status,
      next.count,
      next.changedAt,
      next.firingSince ?? null,
      next.announced ? 1 : 0,
      next.summary,
      next.slack?.channel ?? null,
      next.slack?.ts ?? null,
      next.issue ?? null,
      next.evaluatedAt
    ]
    this.#insert ??= this.#db.prepare(
      `INSERT INTO alert_states (rule, status, count, changed_at,
         firing_since, announced, summary, slack_channel, slack_ts,
         issue, evaluated_at, key, version)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)
       ON CONFLICT (key) DO NOTHING`
    )
    this.#update ??= this.#db.prepare(
      `UPDATE alert_states SET rule = ?, status = ?, count = ?,
         changed_at = ?, firing_since = ?, announced = ?,
         summary = ?, slack_channel = ?, slack_ts = ?, issue = ?,
         evaluated_at = ?, version = version + 1
       WHERE key = ? AND version = ?`
    )
    const changes =
      prev.version === 0
        ? this.#insert.run(...values, next.key).changes
        : this.#update.run(...values, next.key, prev.version).changes
    return changes === 1
  }

  async claim(prev: AlertState, next: AlertState): Promise<boolean> {
    return Promise.resolve(
      this.#db.transaction(() => this.#cas(prev, next)).immediate()
    )
  }

  /**
   * Every claim of a pass in one IMMEDIATE transaction (one commit instead
   * of one per change); each is still its own compare-and-set.
   */
  async claimAll(
    changes: readonly { prev: AlertState; next: AlertState }[]
  ): Promise<boolean[]> {
    return Promise.resolve(
      this.#db
        .transaction(() => changes.map((c) => this.#cas(c.prev, c.next)))
        .immediate()
    )
  }

  async recordDelivery(
    key: string,
    delivery: { slack?: { channel: string; ts: string }; issue?: number }
  ): Promise<void> {
    if (delivery.slack !== undefined)
      this.#db
        .prepare(
          'UPDATE alert_states SET slack_channel = ?, slack_ts = ? WHERE key = ?'
        )
        .run(delivery.slack.channel, delivery.slack.ts, key)
    if (delivery.issue !== undefined)
      this.#db
        .prepare('UPDATE alert_states SET issue = ? WHERE key = ?')
        .run(delivery.issue, key)
    return Promise.resolve()
  }

  async releaseAnnouncement(key: string): Promise<void> {
    this.#db
      .prepare(
        'UPDATE alert_states SET announced = 0, version = version + 1 WHERE key = ?'
      )
      .run(key)
    return Promise.resolve()
  }

  /** Forgets every alert (benchmarks start each pass cold). */
  reset(): void {
    this.#db.exec('DELETE FROM alert_states')
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
    return Promise.resolve()
  }
}

/** The store alerts watch could not be opened or read. */
export function alertStoreError(
  message: string,
  path: string,
  error: unknown
): StoreError {
  return new StoreError(`${message}: ${errorMessage(error)}`, {
    where: { file: path },
    hint: 'alerts watch an existing metrics store: dispatch into it first, and check its permissions',
    cause: error
  })
}
