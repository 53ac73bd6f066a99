/**
 * The SQLite store as the evaluator reads it: a pass looks at every series
 * key, so it is read in as few statements as the rules allow, through a
 * read-only connection of its own.
 *
 * - One statement lists the keys of a history series together with each
 *   key's newest point (two seeks of the history index per key, in C):
 *   all that threshold and dead-man rules need.
 * - Regression rules need the gate's lookback: one prepared statement per
 *   key reads the newest `limit` values (a range scan of the covering index
 *   `measurements_history`, newest first), as plain numbers; the times
 *   only when an acceptance applies to the key.
 *
 * Nothing reads a whole history, so a pass costs the same over 10 years of
 * daily points as over 10 weeks.
 */

import type BetterSqlite3 from 'better-sqlite3'
import { alertStoreError } from './sqlite-state.js'
import { sqliteDriver, type SqliteDatabase } from '../metrics/sqlite-driver.js'
import type { WatchedKey } from './rules.js'
import type { SeriesTail, TailRequest } from './source.js'

type KeyRow = [
  number,
  string,
  string,
  string,
  string,
  string,
  number | null,
  number | null
]

const NEWEST = `SELECT %s FROM measurements WHERE series = s.id
  AND value IS NOT NULL ORDER BY created_at DESC LIMIT 1`

const TAIL = `FROM measurements WHERE series = ? AND value IS NOT NULL
  ORDER BY created_at DESC LIMIT ?`

export class SqliteTails {
  readonly #db: SqliteDatabase
  /**
   * Per key object handed out by {@link keys}: its id and newest point
   * (weakly held: a watch loop lists the keys again every pass).
   */
  readonly #known = new WeakMap<
    WatchedKey,
    { id: number; time: number | null; value: number | null }
  >()
  readonly #keys: BetterSqlite3.Statement
  readonly #values: BetterSqlite3.Statement
  readonly #points: BetterSqlite3.Statement

  constructor(readonly path: string) {
    const Database = sqliteDriver()
    try {
      this.#db = new Database(path, { readonly: true, fileMustExist: true })
      this.#db.pragma('busy_timeout = 10000')
      // Reads straight from the page cache, without a copy per page.
      this.#db.pragma('mmap_size = 1073741824')
      this.#keys = this.#db
        .prepare(
          `SELECT s.id, s.metric, s.dataset, s.instrument, s.filter, s.series,
             (${NEWEST.replace('%s', 'created_at')}),
             (${NEWEST.replace('%s', 'value')})
           FROM series s WHERE s.series = ?
           ORDER BY s.metric, s.dataset, s.instrument, s.filter`
        )
        .raw(true)
      this.#values = this.#db.prepare(`SELECT value ${TAIL}`).pluck()
      this.#points = this.#db
        .prepare(`SELECT created_at, value ${TAIL}`)
        .raw(true)
    } catch (error) {
      throw alertStoreError(
        `cannot read the metrics database ${path}`,
        path,
        error
      )
    }
  }

  /** Every key of the history series `series`, with its newest point. */
  keys(series: string): WatchedKey[] {
    const rows = this.#keys.all(series) as KeyRow[]
    return rows.map((r) => {
      const key: WatchedKey = {
        metric: r[1],
        dataset: r[2],
        instrument: r[3],
        filter: r[4],
        series: r[5]
      }
      this.#known.set(key, { id: r[0], time: r[6], value: r[7] })
      return key
    })
  }

  /** The newest points of each requested key (from {@link keys}). */
  tails(requests: readonly TailRequest[]): SeriesTail[] {
    return requests.map(({ key, limit, times }) => {
      const k = this.#known.get(key)
      if (k === undefined || k.time === null || k.value === null)
        return { values: [], times: [] }
      if (limit <= 1 && !times)
        return { values: [k.value], times: [], newest: k.time }
      if (!times) {
        const values = this.#values.all(k.id, limit) as number[]
        return { values: values.reverse(), times: [], newest: k.time }
      }
      const rows = this.#points.all(k.id, limit) as [number, number][]
      const n = rows.length
      const out: SeriesTail = {
        values: new Array<number>(n),
        times: new Array<number>(n)
      }
      for (let i = 0; i < n; i++) {
        const row = rows[n - 1 - i] as [number, number]
        out.times[i] = row[0]
        out.values[i] = row[1]
      }
      return out
    })
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}
