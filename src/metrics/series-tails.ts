/**
 * The newest values of each history series, kept beside the measurements
 * (`series_tails`, schema version 2): a standing-alert pass judges every
 * series on its newest points (the gate's lookback, 124 by default), and
 * reading them from the history index costs a seek and a hundred decoded
 * index entries per series, a second for 25,000 series. A tail row is one
 * blob of the newest {@link TAIL_CAPACITY} non-null values as float64 LE,
 * oldest first; the newest point's time and value are columns of the
 * series row (`newest_time`, `newest_value`), so listing the keys with
 * them reads one small table.
 *
 * Writers keep it exact in the transaction that adds the measurements: a
 * point newer than the series' newest is appended (the oldest dropped
 * when full); anything else (a late job, two points at one time) rebuilds
 * the row from the index, whose order (time, then value) it copies.
 * Readers needing more than the capacity, or the times, use the index.
 */

import { endianness } from 'node:os'
import type { SqliteDatabase } from './sqlite-driver.js'

/**
 * Values a tail row holds: the default lookback (4 × a 30-point window +
 * K + 1 = 124) fits, in a row of about 1 KB (four to a page).
 */
export const TAIL_CAPACITY = 128

const LITTLE_ENDIAN = endianness() === 'LE'

/** A series' newest point and its tail values (oldest first). */
export interface TailRow {
  newestTime: number
  newestValue: number
  values: Float64Array
}

/**
 * The float64 LE values of a tail blob: a view of its bytes when they
 * allow one (a blob read from SQLite is a buffer of its own), else a copy.
 */
export function tailValues(blob: Uint8Array): Float64Array {
  const n = blob.byteLength >>> 3
  if (LITTLE_ENDIAN && blob.byteOffset % 8 === 0)
    return new Float64Array(blob.buffer, blob.byteOffset, n)
  const out = new Float64Array(n)
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(blob.subarray(0, n * 8))
  else {
    const view = new DataView(blob.buffer, blob.byteOffset, n * 8)
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true)
  }
  return out
}

/**
 * Rows of (time, value), newest first as an index walks them backwards, as
 * two columns oldest first.
 */
export function oldestFirst(rows: readonly (readonly [number, number])[]): {
  values: number[]
  times: number[]
} {
  const n = rows.length
  const values = new Array<number>(n)
  const times = new Array<number>(n)
  for (let i = 0; i < n; i++) {
    const row = rows[n - 1 - i] as readonly [number, number]
    times[i] = row[0]
    values[i] = row[1]
  }
  return { values, times }
}

/** The statements that keep the tails, prepared once per use. */
class TailWriter {
  readonly #index
  readonly #newest
  readonly #vals
  readonly #upsert
  readonly #setNewest
  readonly #drop

  constructor(db: SqliteDatabase) {
    this.#index = db
      .prepare(
        `SELECT created_at, value FROM measurements
         WHERE series = ? AND value IS NOT NULL
         ORDER BY created_at DESC LIMIT ?`
      )
      .raw(true)
    this.#newest = db
      .prepare('SELECT newest_time FROM series WHERE id = ?')
      .pluck()
    this.#vals = db
      .prepare('SELECT vals FROM series_tails WHERE series = ?')
      .pluck()
    this.#upsert = db.prepare(
      `INSERT INTO series_tails (series, vals) VALUES (?,?)
       ON CONFLICT (series) DO UPDATE SET vals = excluded.vals`
    )
    this.#setNewest = db.prepare(
      'UPDATE series SET newest_time = ?, newest_value = ? WHERE id = ?'
    )
    this.#drop = db.prepare('DELETE FROM series_tails WHERE series = ?')
  }

  /** Rebuilds the tail of `series` from the history index. */
  rebuild(series: number): void {
    const rows = this.#index.all(series, TAIL_CAPACITY) as [number, number][]
    const newest = rows[0]
    if (newest === undefined) {
      this.#drop.run(series)
      this.#setNewest.run(null, null, series)
      return
    }
    // The index walked newest first; the blob is oldest first.
    const blob = Buffer.alloc(rows.length * 8)
    rows.forEach(([, v], i) => blob.writeDoubleLE(v, (rows.length - 1 - i) * 8))
    this.#upsert.run(series, blob)
    this.#setNewest.run(newest[0], newest[1], series)
  }

  /** Adds the points a write stored for `series` (see {@link updateTails}). */
  add(series: number, points: readonly [number, number][]): void {
    const time = this.#newest.get(series) as number | null | undefined
    const point = points[0]
    // One point, strictly newer: it goes last, as in the index's order.
    if (
      points.length !== 1 ||
      point === undefined ||
      (time !== null && time !== undefined && point[0] <= time)
    ) {
      this.rebuild(series)
      return
    }
    const old =
      (this.#vals.get(series) as Buffer | undefined) ?? Buffer.alloc(0)
    const keep = Math.min(old.length, (TAIL_CAPACITY - 1) * 8)
    const blob = Buffer.alloc(keep + 8)
    old.copy(blob, 0, old.length - keep)
    blob.writeDoubleLE(point[1], keep)
    this.#upsert.run(series, blob)
    this.#setNewest.run(point[0], point[1], series)
  }
}

/** Fills the tails for every series (the schema migration). */
export function rebuildAllTails(db: SqliteDatabase): void {
  const writer = new TailWriter(db)
  for (const id of db.prepare('SELECT id FROM series').pluck().all())
    writer.rebuild(id as number)
}

/**
 * Brings the tails of the series a write touched up to date: `added` maps
 * a series id to the non-null points the write stored for it (time,
 * value). Runs inside the writer's transaction.
 */
export function updateTails(
  db: SqliteDatabase,
  added: ReadonlyMap<number, readonly [number, number][]>
): void {
  if (added.size === 0) return
  const writer = new TailWriter(db)
  for (const [series, points] of added) writer.add(series, points)
}

/**
 * The tail of `series` (undefined: no non-null point, or no tails table).
 */
export function readTail(
  db: SqliteDatabase,
  series: number
): TailRow | undefined {
  const row = db
    .prepare(
      `SELECT s.newest_time, s.newest_value, t.vals FROM series s
       JOIN series_tails t ON t.series = s.id WHERE s.id = ?`
    )
    .raw(true)
    .get(series) as [number, number, Buffer] | undefined
  return row === undefined
    ? undefined
    : { newestTime: row[0], newestValue: row[1], values: tailValues(row[2]) }
}
