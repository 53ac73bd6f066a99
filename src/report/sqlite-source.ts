/**
 * The SQLite store as a {@link HistorySource}, read streaming: the jobs at
 * once (one row a run), then one pass over the measurements in the order
 * they lie in the file (no sort, no random reads: a series' points are
 * spread over the whole table), row by row (`iterate`), kept as numbers in
 * typed arrays — 18 bytes a point instead of an object each. Each metric's
 * points become objects only while the report builds that metric.
 */

import type { SqliteDatabase } from '../metrics/sqlite-driver.js'
import type { HistorySource } from './history-source.js'
import {
  noMeasurements,
  openStore,
  selectJobs,
  type HistoryFilter,
  type StoredJob,
  type StoredMeasurement
} from './store-reader.js'

type Row = [number, number, number | null, string]

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

/** Growable typed columns of the points read. */
class Columns {
  series = new Int32Array(1 << 16)
  job = new Int32Array(1 << 16)
  value = new Float64Array(1 << 16)
  unit = new Uint16Array(1 << 16)
  length = 0

  push(series: number, job: number, value: number, unit: number): void {
    if (this.length === this.series.length) this.#grow()
    const i = this.length++
    this.series[i] = series
    this.job[i] = job
    this.value[i] = value
    this.unit[i] = unit
  }

  #grow(): void {
    const n = this.series.length * 2
    const grow = <T extends Int32Array | Float64Array | Uint16Array>(
      a: T,
      b: T
    ): T => {
      b.set(a)
      return b
    }
    this.series = grow(this.series, new Int32Array(n))
    this.job = grow(this.job, new Int32Array(n))
    this.value = grow(this.value, new Float64Array(n))
    this.unit = grow(this.unit, new Uint16Array(n))
  }
}

function sqliteSource(
  db: SqliteDatabase,
  path: string,
  filter: HistoryFilter
): HistorySource {
  const { jobs, index } = selectJobs(db, filter)
  const metricOf = new Map(
    db.prepare('SELECT id, metric FROM series').raw(true).all() as [
      number,
      string
    ][]
  )
  const units: string[] = []
  const unitIds = new Map<string, number>()
  const columns = new Columns()
  const rows = db
    .prepare('SELECT series, job, value, unit FROM measurements')
    .raw(true)
  for (const [series, jobId, value, unit] of rows.iterate() as Iterable<Row>) {
    // Jobs outside the filter (series, since) are not in the index.
    const job = index.get(jobId)
    if (job === undefined) continue
    let u = unitIds.get(unit)
    if (u === undefined) {
      u = units.push(unit) - 1
      unitIds.set(unit, u)
    }
    columns.push(series, job, value ?? NaN, u)
  }
  if (columns.length === 0) throw noMeasurements(db, path, filter)
  return {
    path,
    jobs,
    measurementCount: columns.length,
    forEachMetric(each) {
      for (const [metric, points] of byMetric(columns, metricOf, jobs)) {
        if (points.length === 0) continue
        each(
          metric,
          Array.from(points, (i) => {
            const v = columns.value[i] as number
            return {
              job: columns.job[i] as number,
              metric,
              identifier: '',
              value: Number.isNaN(v) ? null : v,
              unit: units[columns.unit[i] as number] as string
            } satisfies StoredMeasurement
          })
        )
      }
    }
  }
}

/**
 * The points of each metric (indices into `columns`), in time order (then
 * job, then as stored), metrics in name order: a counting sort by metric,
 * as the file holds each job's points together, not each metric's.
 */
function byMetric(
  columns: Columns,
  metricOf: Map<number, string>,
  jobs: readonly StoredJob[]
): [string, Int32Array][] {
  const names = [...new Set(metricOf.values())].sort()
  const slot = new Map(names.map((n, i) => [n, i]))
  const seriesSlot = new Map(
    [...metricOf].map(([id, metric]) => [id, slot.get(metric) as number])
  )
  const slots = new Int32Array(columns.length)
  const counts = new Int32Array(names.length + 1)
  for (let i = 0; i < columns.length; i++) {
    const s = seriesSlot.get(columns.series[i] as number) ?? 0
    slots[i] = s
    counts[s + 1] = (counts[s + 1] as number) + 1
  }
  for (let s = 1; s <= names.length; s++)
    counts[s] = (counts[s] as number) + (counts[s - 1] as number)
  const order = new Int32Array(columns.length)
  const next = counts.slice(0, names.length)
  for (let i = 0; i < columns.length; i++) {
    const s = slots[i] as number
    const at = next[s] as number
    order[at] = i
    next[s] = at + 1
  }
  const time = (i: number): number =>
    (jobs[columns.job[i] as number] as StoredJob).createdAt
  const byTime = (a: number, b: number): number =>
    time(a) - time(b) ||
    (columns.job[a] as number) - (columns.job[b] as number) ||
    a - b
  return names.map((name, s) => {
    const list = order.subarray(counts[s], counts[s + 1])
    // Stored in time order as a rule (a job's points are written together).
    for (let k = 1; k < list.length; k++) {
      if (byTime(list[k - 1] as number, list[k] as number) > 0) {
        list.sort(byTime)
        break
      }
    }
    return [name, list] as [string, Int32Array]
  })
}
