/**
 * The history the alerts benchmark evaluates: M metrics × S series keys
 * (dataset × filter) × D daily points in a real SQLite store with the
 * store's own schema (its migrations). Generated once and cached in the
 * temp directory under a name keyed by its parameters and the schema
 * version.
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
import { rebuildAllTails } from '../../src/metrics/series-tails.js'

export const DAY = 86_400_000
export const T0 = Date.UTC(2016, 0, 1)

export interface AlertsBenchShape {
  metrics: number
  keys: number
  days: number
}

/**
 * Opens (generating once) the store. Keys are 10 datasets × 5 filters,
 * then numbered. Every tenth metric steps up by 30 mmag for the last 5
 * days of keys 0–9 (regressions); metric 1 is 250 on the newest day of key
 * 0 (a threshold excursion); the last key stops 9 days before the end (a
 * dead man).
 */
export function alertsBenchStore(shape: AlertsBenchShape): SqliteStore {
  const { metrics, keys, days } = shape
  const path = join(
    tmpdir(),
    `stackci-bench-alerts-${metrics}m-${keys}k-${days}d-v${SQLITE_SCHEMA_VERSION}.sqlite`
  )
  if (existsSync(path)) return new SqliteStore(path)
  // A store of an older schema is brought up to date (its migrations).
  for (let v = SQLITE_SCHEMA_VERSION - 1; v >= 1; v--) {
    const old = path.replace(/-v\d+\.sqlite$/, `-v${v}.sqlite`)
    if (!existsSync(old)) continue
    console.log(`migrating ${old} to schema ${SQLITE_SCHEMA_VERSION} (once)…`)
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(`${old}${suffix}`))
        renameSync(`${old}${suffix}`, `${path}${suffix}`)
    renameSync(old, path)
    return new SqliteStore(path)
  }
  const partial = `${path}.partial`
  rmSync(partial, { force: true })
  console.log(
    `generating ${metrics} metrics × ${keys} series × ${days} days into ${path} (once)…`
  )
  generate(partial, shape)
  renameSync(partial, path)
  return new SqliteStore(path)
}

/** `WITH RECURSIVE name(name) AS (0 … n - 1)`, one CTE term. */
const counter = (name: string, n: string): string =>
  `${name}(${name}) AS (SELECT 0 UNION ALL SELECT ${name} + 1 FROM ${name} WHERE ${name} < ${n} - 1)`

/**
 * Writes the rows in one transaction with no journal, each table by one
 * INSERT … SELECT that SQLite runs in C. The secondary indexes of
 * `measurements` are dropped first and rebuilt at the end from their own
 * stored SQL: one sort of the finished table instead of 91 M random
 * b-tree inserts (what made the per-day generation take hours). The rows go
 * in (job, series) order, so the UNIQUE index only ever appends.
 */
function generate(path: string, shape: AlertsBenchShape): void {
  const Database = sqliteDriver()
  const db = new Database(path)
  db.pragma('journal_mode = OFF')
  db.pragma('synchronous = OFF')
  db.pragma('locking_mode = EXCLUSIVE')
  db.pragma('cache_size = -1000000')
  migrate(db, path)
  // What a bulk load does without: the secondary indexes and triggers.
  const dropped = (type: 'index' | 'trigger'): { name: string; sql: string }[] =>
    db
      .prepare(
        `SELECT name, sql FROM sqlite_master
         WHERE type = ? AND tbl_name = 'measurements' AND sql IS NOT NULL`
      )
      .all(type) as { name: string; sql: string }[]
  const indexes = dropped('index')
  const triggers = dropped('trigger')
  const started = performance.now()
  const phase = (what: string): void => {
    console.log(
      `  ${what} (${((performance.now() - started) / 1000).toFixed(0)} s)`
    )
  }
  const p = { ...shape, t0: T0, day: DAY }
  db.transaction(() => {
    for (const i of indexes) db.exec(`DROP INDEX ${i.name}`)
    for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`)
    db.prepare(
      `WITH RECURSIVE ${counter('k', '$keys')}, ${counter('m', '$metrics')}
       INSERT INTO series (id, metric, dataset, instrument, filter, series)
       SELECT k * $metrics + m + 1, 'pkg.m' || m, 'RC2-' || (k / 5), 'HSC',
         'HSC-' || substr('GRIZY', k % 5 + 1, 1), 'main'
       FROM k, m`
    ).run({ keys: p.keys, metrics: p.metrics })
    db.prepare(
      `WITH RECURSIVE ${counter('d', '$days')}, ${counter('k', '$keys')}
       INSERT INTO jobs (id, job_id, created_at, series, dataset, instrument,
         filter, source, meta, stored_at)
       SELECT d * $keys + k + 1, 'd' || d || 'k' || k, $t0 + d * $day, 'main',
         'RC2-' || (k / 5), 'HSC', 'HSC-' || substr('GRIZY', k % 5 + 1, 1),
         'bench', '{}', $t0 + d * $day
       FROM d, k`
    ).run({ keys: p.keys, days: p.days, t0: p.t0, day: p.day })
    // k: the key (dataset × filter), m: the metric.
    const insertDay = db.prepare(
      `WITH RECURSIVE ${counter('k', '$keys')}, ${counter('m', '$metrics')}
       INSERT INTO measurements (job, series, identifier, value, unit, created_at)
       SELECT $d * $keys + k + 1, k * $metrics + m + 1, 'm' || m,
         CASE WHEN k = 0 AND m = 1 AND $d = $days - 1 THEN 250
         ELSE 100 + (m % 50) + abs(random() % 2000) / 1000.0
           + CASE WHEN m % 10 = 0 AND k < 10 AND $d >= $days - 5 THEN 30 ELSE 0 END
         END, 'mmag', $t0 + $d * $day
       FROM k, m
       WHERE NOT (k = $keys - 1 AND $d > $days - 10)`
    )
    for (let d = 0; d < p.days; d++) {
      insertDay.run({ ...p, d })
      if (d % 365 === 364) phase(`${d + 1} days`)
    }
    for (const i of indexes) {
      db.exec(i.sql)
      phase(`index ${i.name}`)
    }
    // What the triggers and writers keep, filled once.
    for (const t of triggers) db.exec(t.sql)
    db.exec(
      'INSERT INTO series_units SELECT DISTINCT series, unit FROM measurements'
    )
    rebuildAllTails(db)
    phase('units and tails')
  })()
  db.close()
}
