/**
 * The history the alerts benchmark evaluates: M metrics × S series keys
 * (dataset × filter) × D daily points in a real SQLite store, written by the
 * store itself. Generating it takes minutes, so it is cached in the temp
 * directory under a name keyed by its parameters and the schema version.
 */
import { existsSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  SQLITE_SCHEMA_VERSION,
  SqliteStore,
  migrate
} from '../../src/metrics/index.js'
import { sqliteDriver } from '../../src/metrics/sqlite-driver.js'

export const DAY = 86_400_000
export const T0 = Date.UTC(2016, 0, 1)

export interface AlertsBenchShape {
  metrics: number
  keys: number
  days: number
}

/** The dataset/filter of key k: 10 datasets × 5 filters, then numbered. */
export function keyOf(k: number): { dataset: string; filter: string } {
  return {
    dataset: `RC2-${Math.floor(k / 5)}`,
    filter: `HSC-${'GRIZY'[k % 5] ?? 'G'}`
  }
}

/**
 * Opens (generating once) the store. Every tenth metric steps up by 25 %
 * for the last 5 days of keys 0–9 (regressions); metric 1 exceeds 200 on
 * the newest day of key 0 (a threshold excursion); key 49 stops 9 days
 * before the end (a dead man).
 */
export function alertsBenchStore(shape: AlertsBenchShape): SqliteStore {
  const { metrics, keys, days } = shape
  const path = join(
    tmpdir(),
    `stackci-bench-alerts-${metrics}m-${keys}k-${days}d-v${SQLITE_SCHEMA_VERSION}.sqlite`
  )
  if (existsSync(path)) return new SqliteStore(path)
  const partial = `${path}.partial`
  rmSync(partial, { force: true })
  console.log(
    `generating ${metrics} metrics × ${keys} series × ${days} days into ${path} (once)…`
  )
  generate(partial, shape)
  renameSync(partial, path)
  return new SqliteStore(path)
}

/**
 * Writes the rows straight into the store's own schema (its migrations):
 * series and jobs first, then each day's measurements by one INSERT …
 * SELECT that SQLite runs in C. The store's per-job write path takes hours
 * for 91 M rows on a shared machine.
 */
function generate(path: string, shape: AlertsBenchShape): void {
  const { metrics, keys, days } = shape
  const Database = sqliteDriver()
  const db = new Database(path)
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  db.pragma('cache_size = -1000000')
  migrate(db, path)
  const insertSeries = db.prepare(
    `INSERT INTO series (id, metric, dataset, instrument, filter, series)
     VALUES (?, ?, ?, 'HSC', ?, 'main')`
  )
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, job_id, created_at, series, dataset, instrument,
       filter, source, meta, stored_at)
     VALUES (?, ?, ?, 'main', ?, 'HSC', ?, 'bench', '{}', ?)`
  )
  db.transaction(() => {
    for (let k = 0; k < keys; k++) {
      const key = keyOf(k)
      for (let m = 0; m < metrics; m++)
        insertSeries.run(k * metrics + m + 1, `pkg.m${m}`, key.dataset, key.filter)
      for (let day = 0; day < days; day++) {
        const time = T0 + day * DAY
        insertJob.run(day * keys + k + 1, `d${day}k${k}`, time, key.dataset, key.filter, time)
      }
    }
  })()
  // k: the key (dataset × filter), m: the metric. Every tenth metric of
  // keys 0–9 steps up for the last 5 days; metric 1 of key 0 is 250 on the
  // newest day; the last key stops 9 days before the end.
  const insertDay = db.prepare(
    `WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < $keys - 1),
       m(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM m WHERE m < $metrics - 1)
     INSERT INTO measurements (job, series, identifier, value, unit, created_at)
     SELECT $day * $keys + k + 1, k * $metrics + m + 1, 'm' || m,
       CASE WHEN k = 0 AND m = 1 AND $day = $days - 1 THEN 250
       ELSE 100 + (m % 50) + abs(random() % 2000) / 1000.0
         + CASE WHEN m % 10 = 0 AND k < 10 AND $day >= $days - 5 THEN 30 ELSE 0 END
       END, 'mmag', $time
     FROM k, m
     WHERE NOT (k = $keys - 1 AND $day > $days - 10)
     ORDER BY k, m`
  )
  const started = performance.now()
  for (let day = 0; day < days; day++) {
    db.transaction(() =>
      insertDay.run({ keys, metrics, days, day, time: T0 + day * DAY })
    )()
    if (day % 365 === 364)
      console.log(
        `  ${day + 1} days (${((performance.now() - started) / 1000).toFixed(0)} s)`
      )
  }
  db.close()
}
