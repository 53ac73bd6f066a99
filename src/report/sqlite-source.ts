/**
 * The SQLite store as a {@link HistorySource}: the jobs at once (one row a
 * run), then each history series' points as one row of JSON arrays
 * (`json_group_array` over the covering index `(series, created_at, value,
 * job)`: the table itself is not read), so the rows cost two JSON.parse
 * calls per series rather than a call from SQLite into JavaScript per
 * point. Units are not in that index: schema 2 keeps each series' units in
 * a table (older files are scanned once), and only a series that has
 * several, or points sharing a time (ordered by row), is read again with
 * its row ids. Points are kept as numbers per metric; they become objects
 * only while the report builds that metric.
 */

import type { SqliteDatabase } from '../metrics/sqlite-driver.js'
import { keepsSeriesSummaries } from '../metrics/sqlite-schema.js'
import type { HistorySource } from './history-source.js'
import {
  noMeasurements,
  openStore,
  selectJobs,
  type HistoryFilter,
  type StoredJob,
  type StoredMeasurement
} from '../metrics/store-reader.js'

/** A source over the store at `path`, read at once and closed. */
export function openSqliteSource(
  path: string,
  filter: HistoryFilter = {}
): HistorySource {
  const db = openStore(path)
  try {
    return sqliteSource(db, path, filter)
  } finally {
    // Everything is read: the file is not held open while the page is made.
    db.close()
  }
}

/** Growable typed columns of the points read (18 bytes a point). */
class Columns {
  job = new Int32Array(1 << 16)
  value = new Float64Array(1 << 16)
  /**
   * Row ids where a series needs them (see sqliteSource), else the
   * position in the series (float64: ids may outgrow an int32).
   */
  id = new Float64Array(1 << 16)
  length = 0

  push(job: number, value: number, id: number): void {
    if (this.length === this.job.length) {
      const n = this.length * 2
      const job = new Int32Array(n)
      const value = new Float64Array(n)
      const ids = new Float64Array(n)
      job.set(this.job)
      value.set(this.value)
      ids.set(this.id)
      ;[this.job, this.value, this.id] = [job, value, ids]
    }
    const i = this.length++
    this.job[i] = job
    this.value[i] = value
    this.id[i] = id
  }
}

/** A series' points: a stretch of the columns, with the series' unit. */
interface Stretch {
  from: number
  to: number
  unit: string
  /** The series has several units: each point's is looked up by row id. */
  mixed: boolean
}

/** The units of each series, and which series have several. */
function seriesUnits(db: SqliteDatabase): {
  of: Map<number, string>
  mixed: Set<number>
} {
  const of = new Map<number, string>()
  const mixed = new Set<number>()
  // Schema 2 keeps them in a table; before, every row is scanned.
  const rows = db
    .prepare(
      keepsSeriesSummaries(db)
        ? 'SELECT series, unit FROM series_units'
        : 'SELECT DISTINCT series, unit FROM measurements NOT INDEXED'
    )
    .raw(true)
    .all() as [number, string][]
  for (const [series, unit] of rows) {
    if (of.has(series)) mixed.add(series)
    else of.set(series, unit)
  }
  return { of, mixed }
}

/** Each row's unit, for the series that have several. */
function rowUnits(
  db: SqliteDatabase,
  mixed: ReadonlySet<number>
): Map<number, string> {
  const byRow = new Map<number, string>()
  const select = db
    .prepare('SELECT id, unit FROM measurements WHERE series = ?')
    .raw(true)
  for (const series of mixed)
    for (const [id, unit] of select.all(series) as [number, string][])
      byRow.set(id, unit)
  return byRow
}

function sqliteSource(
  db: SqliteDatabase,
  path: string,
  filter: HistoryFilter
): HistorySource {
  const { jobs, index } = selectJobs(db, filter)
  // Row id → job index (-1: not selected), for a million lookups.
  let top = 0
  for (const id of index.keys()) top = Math.max(top, id)
  const jobAt = new Int32Array(top + 1).fill(-1)
  for (const [id, i] of index) jobAt[id] = i
  const metricOf = new Map(
    db.prepare('SELECT id, metric FROM series').raw(true).all() as [
      number,
      string
    ][]
  )
  const units = seriesUnits(db)
  const columns = new Columns()
  const byMetric = new Map<string, Stretch[]>()
  // Row ids are read only for the series that need them: several units,
  // or points sharing a time (their order is then the rows' order).
  const needIds = new Map<number, Stretch>()
  const rows = db
    .prepare(
      `SELECT series, json_group_array(job), json_group_array(value)
       FROM measurements GROUP BY series`
    )
    .raw(true)
  for (const [series, jobText, valueText] of rows.iterate() as Iterable<
    [number, string, string]
  >) {
    const metric = metricOf.get(series)
    if (metric === undefined) continue
    const jobIds = JSON.parse(jobText) as number[]
    const values = JSON.parse(valueText) as (number | null)[]
    const from = columns.length
    let last = NaN
    let tie = false
    for (let i = 0; i < jobIds.length; i++) {
      // Jobs outside the filter (series, since) are not in the index.
      const job = jobAt[jobIds[i] as number] ?? -1
      if (job === -1) continue
      const time = (jobs[job] as StoredJob).createdAt
      tie ||= time === last
      last = time
      columns.push(job, values[i] ?? NaN, i)
    }
    const stretch = {
      from,
      to: columns.length,
      unit: units.of.get(series) ?? '',
      mixed: units.mixed.has(series)
    }
    if (tie || stretch.mixed) needIds.set(series, stretch)
    const list = byMetric.get(metric)
    if (list === undefined) byMetric.set(metric, [stretch])
    else list.push(stretch)
  }
  if (needIds.size > 0) {
    // The same walk of the index, now with the row ids.
    const select = db
      .prepare(
        `SELECT json_group_array(job), json_group_array(id)
         FROM measurements WHERE series = ?`
      )
      .raw(true)
    for (const [series, stretch] of needIds) {
      const [jobText, idText] = select.get(series) as [string, string]
      const jobIds = JSON.parse(jobText) as number[]
      const ids = JSON.parse(idText) as number[]
      let at = stretch.from
      for (let i = 0; i < jobIds.length; i++)
        if ((jobAt[jobIds[i] as number] ?? -1) !== -1)
          columns.id[at++] = ids[i] as number
    }
  }
  const byRow = rowUnits(db, units.mixed)
  if (columns.length === 0) throw noMeasurements(db, path, filter)
  return {
    path,
    jobs,
    measurementCount: columns.length,
    forEachMetric(each) {
      for (const metric of [...byMetric.keys()].sort()) {
        const stretches = byMetric.get(metric) as Stretch[]
        const points: number[] = []
        for (const s of stretches)
          for (let i = s.from; i < s.to; i++) points.push(i)
        if (points.length === 0) continue
        const unit = (i: number): string => {
          const s = stretches.find((s) => i < s.to) as Stretch
          return s.mixed
            ? (byRow.get(columns.id[i] as number) ?? s.unit)
            : s.unit
        }
        each(
          metric,
          inTimeOrder(points, columns, jobs).map((i) => {
            const v = columns.value[i] as number
            return {
              job: columns.job[i] as number,
              metric,
              identifier: '',
              value: Number.isNaN(v) ? null : v,
              unit: unit(i)
            } satisfies StoredMeasurement
          })
        )
      }
    }
  }
}

/**
 * The order of a metric's points: time, then job, then as stored (row id).
 * The index hands each series in time order already; a metric of several
 * series (lines), or jobs sharing a time, are sorted.
 */
function inTimeOrder(
  points: number[],
  c: Columns,
  jobs: readonly StoredJob[]
): number[] {
  const time = (i: number): number =>
    (jobs[c.job[i] as number] as StoredJob).createdAt
  const order = (a: number, b: number): number =>
    time(a) - time(b) ||
    (c.job[a] as number) - (c.job[b] as number) ||
    (c.id[a] as number) - (c.id[b] as number)
  for (let k = 1; k < points.length; k++) {
    if (order(points[k - 1] as number, points[k] as number) > 0)
      return points.sort(order)
  }
  return points
}
