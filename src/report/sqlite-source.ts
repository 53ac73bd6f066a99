/**
 * The SQLite store as a {@link HistorySource}, read streaming: the jobs at
 * once (one row a run), then each metric's history series one after the
 * other through the store's history index (series, time), row by row
 * (`iterate`), so memory holds one metric's points, not 1.8 M of them.
 */

import type { SqliteDatabase } from '../metrics/sqlite-driver.js'
import type { HistorySource } from './history-source.js'
import {
  noMeasurements,
  openStore,
  selectJobs,
  type HistoryFilter,
  type StoredMeasurement
} from './store-reader.js'

type Row = [number, string, number | null, string]

/** A source over the store at `path`; `close()` it when done. */
export function openSqliteSource(
  path: string,
  filter: HistoryFilter = {}
): HistorySource & { close(): void } {
  const db = openStore(path)
  try {
    return sqliteSource(db, path, filter)
  } catch (error) {
    db.close()
    throw error
  }
}

function sqliteSource(
  db: SqliteDatabase,
  path: string,
  filter: HistoryFilter
): HistorySource & { close(): void } {
  const { jobs, index, clause, args } = selectJobs(db, filter)
  const measurementCount = db
    .prepare(
      `SELECT count(*) FROM measurements
       ${clause === '' ? '' : `WHERE job IN (SELECT id FROM jobs ${clause})`}`
    )
    .pluck()
    .get(...args) as number
  if (measurementCount === 0) throw noMeasurements(db, path, filter)
  const wanted = filter.series ?? []
  const seriesRows = db
    .prepare(
      `SELECT id, metric FROM series
       ${wanted.length === 0 ? '' : `WHERE series IN (${wanted.map(() => '?').join(',')})`}
       ORDER BY metric, id`
    )
    .raw(true)
    .all(...wanted) as [number, string][]
  // A measurement's time is its job's, so `since` narrows through the index.
  const points = db
    .prepare(
      `SELECT job, identifier, value, unit FROM measurements
       WHERE series = ? AND created_at >= ?
       ORDER BY created_at, job, identifier`
    )
    .raw(true)
  const since = filter.since ?? Number.MIN_SAFE_INTEGER
  return {
    path,
    jobs,
    measurementCount,
    forEachMetric(each) {
      let i = 0
      while (i < seriesRows.length) {
        const metric = (seriesRows[i] as [number, string])[1]
        const measurements: StoredMeasurement[] = []
        for (; i < seriesRows.length; i++) {
          const [id, name] = seriesRows[i] as [number, string]
          if (name !== metric) break
          for (const row of points.iterate(id, since) as Iterable<Row>) {
            const job = index.get(row[0])
            if (job === undefined) continue
            measurements.push({
              job,
              metric,
              identifier: row[1],
              value: row[2],
              unit: row[3]
            })
          }
        }
        if (measurements.length > 0) each(metric, measurements)
      }
    },
    close() {
      db.close()
    }
  }
}
