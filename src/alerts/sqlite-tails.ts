/**
 * The SQLite store as the evaluator reads it: a pass looks at every series
 * key, so it is read in as few statements as the rules allow, through a
 * read-only connection of its own.
 *
 * - One statement lists the keys of a history series together with each
 *   key's newest point: all that threshold and dead-man rules need. From
 *   schema 2 on it comes from the series' tail row (series-tails.ts);
 *   before, from two seeks of the history index per key.
 * - Regression rules need the gate's lookback: the tail row's values (one
 *   blob copied into a Float64Array) when it holds enough of them and no
 *   acceptance asks for times; else a range scan of the covering index
 *   `measurements_history`, newest first.
 *
 * Nothing reads a whole history, so a pass costs the same over 10 years of
 * daily points as over 10 weeks.
 */

import type BetterSqlite3 from 'better-sqlite3'
import { alertStoreError } from './sqlite-state.js'
import { sqliteDriver, type SqliteDatabase } from '../metrics/sqlite-driver.js'
import { keepsSeriesSummaries } from '../metrics/sqlite-schema.js'
import type { WatchedKey } from './rules.js'
import type { SeriesTail, TailRequest } from './source.js'
import {
  TAIL_CAPACITY,
  oldestFirst,
  tailValues
} from '../metrics/series-tails.js'

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

/**
 * A key as {@link SqliteTails.keys} hands it out: with its series id and
 * newest point beside its fields (left out of its JSON; no side table for
 * the garbage collector to walk).
 */
class StoredKey implements WatchedKey {
  constructor(
    readonly metric: string,
    readonly dataset: string,
    readonly instrument: string,
    readonly filter: string,
    readonly series: string,
    readonly id: number,
    readonly time: number | null,
    readonly value: number | null
  ) {}

  toJSON(): WatchedKey {
    const { metric, dataset, instrument, filter, series } = this
    return { metric, dataset, instrument, filter, series }
  }
}

/** What the store knows of a key it handed out (undefined: another's). */
function known(key: WatchedKey): StoredKey | undefined {
  return key instanceof StoredKey ? key : undefined
}

export class SqliteTails {
  readonly #db: SqliteDatabase
  readonly #keys: BetterSqlite3.Statement
  readonly #values: BetterSqlite3.Statement
  readonly #points: BetterSqlite3.Statement
  /** Tail blobs of many series; undefined before schema 2. */
  readonly #tails: BetterSqlite3.Statement | undefined

  constructor(readonly path: string) {
    const Database = sqliteDriver()
    try {
      this.#db = new Database(path, { readonly: true, fileMustExist: true })
      this.#db.pragma('busy_timeout = 10000')
      // Reads straight from the page cache, without a copy per page.
      this.#db.pragma('mmap_size = 1073741824')
      const tails = keepsSeriesSummaries(this.#db)
      this.#keys = this.#db
        .prepare(
          `SELECT id, metric, dataset, instrument, filter, series, ${
            tails
              ? 'newest_time, newest_value'
              : `(${NEWEST.replace('%s', 'created_at')}),
                 (${NEWEST.replace('%s', 'value')})`
          }
           FROM series s WHERE series = ?
           ORDER BY metric, dataset, instrument, filter`
        )
        .raw(true)
      // Many keys' tails at once, in row order (ids sorted, as JSON).
      this.#tails = tails
        ? this.#db
            .prepare(
              `SELECT series, substr(vals, -?) FROM series_tails
               WHERE series IN (SELECT value FROM json_each(?))`
            )
            .raw(true)
        : undefined
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
    return rows.map(
      (r) => new StoredKey(r[1], r[2], r[3], r[4], r[5], r[0], r[6], r[7])
    )
  }

  /** The newest points of each requested key (from {@link keys}). */
  tails(requests: readonly TailRequest[]): SeriesTail[] {
    const blobs = this.#blobs(requests)
    return requests.map((r): SeriesTail => this.#tailOf(r, blobs))
  }

  /**
   * The tail values of the requests a tail row can answer (it holds the
   * newest TAIL_CAPACITY values, or all there are), by series id.
   */
  #blobs(requests: readonly TailRequest[]): Map<number, Float64Array> {
    const out = new Map<number, Float64Array>()
    if (this.#tails === undefined) return out
    const byLimit = new Map<number, number[]>()
    for (const { key, limit, times } of requests) {
      const k = known(key)
      if (k === undefined || k.time === null || times) continue
      if (limit <= 1 || limit > TAIL_CAPACITY) continue
      const ids = byLimit.get(limit)
      if (ids === undefined) byLimit.set(limit, [k.id])
      else ids.push(k.id)
    }
    for (const [limit, ids] of byLimit) {
      ids.sort((a, b) => a - b)
      const rows = this.#tails.iterate(limit * 8, JSON.stringify(ids))
      for (const [id, blob] of rows as Iterable<[number, Buffer]>)
        out.set(id, tailValues(blob))
    }
    return out
  }

  #tailOf(
    { key, limit, times }: TailRequest,
    blobs: ReadonlyMap<number, Float64Array>
  ): SeriesTail {
    const k = known(key)
    if (k === undefined || k.time === null || k.value === null)
      return { values: [], times: [] }
    if (limit <= 1 && !times)
      return { values: [k.value], times: [], newest: k.time }
    const tail = times ? undefined : blobs.get(k.id)
    if (tail !== undefined) return { values: tail, times: [], newest: k.time }
    if (!times) {
      const values = this.#values.all(k.id, limit) as number[]
      return { values: values.reverse(), times: [], newest: k.time }
    }
    return oldestFirst(this.#points.all(k.id, limit) as [number, number][])
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}
