/**
 * The schema of the SQLite store and its migrations: `PRAGMA user_version`
 * says which have run; the pending ones run in one transaction, so a file
 * is never left half-migrated.
 */

import { StoreError } from '../core/errors.js'
import type { SqliteDatabase } from './sqlite-driver.js'

/**
 * A series key's columns (series and acceptances both have them), spelled
 * once; the text of the migration stays byte for byte what it was.
 */
const SERIES_KEY = `metric TEXT NOT NULL,
     dataset TEXT NOT NULL,
     instrument TEXT NOT NULL,
     filter TEXT NOT NULL,
     series TEXT NOT NULL,`

/** Each entry moves the schema up one version; never edit a shipped one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE jobs (
     id INTEGER PRIMARY KEY,
     job_id TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL,
     series TEXT NOT NULL,
     dataset TEXT NOT NULL,
     instrument TEXT NOT NULL,
     filter TEXT NOT NULL,
     git_sha TEXT,
     release_tag TEXT,
     image_digest TEXT,
     jenkins_build_url TEXT,
     workflow_run_url TEXT,
     source TEXT NOT NULL,
     meta TEXT NOT NULL,
     stored_at INTEGER NOT NULL
   );
   -- One row per history series: measurements point at it by number, so
   -- the history index holds integers and floats, not repeated strings.
   CREATE TABLE series (
     id INTEGER PRIMARY KEY,
     ${SERIES_KEY}
     UNIQUE (metric, dataset, instrument, filter, series)
   );
   CREATE TABLE measurements (
     id INTEGER PRIMARY KEY,
     job INTEGER NOT NULL REFERENCES jobs (id),
     series INTEGER NOT NULL REFERENCES series (id),
     identifier TEXT NOT NULL,
     value REAL,
     unit TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     -- The series fixes the metric: this is (job id, metric, identifier).
     UNIQUE (job, series, identifier)
   );
   CREATE INDEX measurements_history ON measurements
     (series, created_at, value, job);
   CREATE TABLE acceptances (
     id INTEGER PRIMARY KEY,
     ${SERIES_KEY}
     since INTEGER NOT NULL,
     reason TEXT NOT NULL,
     accepted_by TEXT,
     accepted_at INTEGER NOT NULL
   );`
]

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length

/** Brings the file at `path` up to {@link SQLITE_SCHEMA_VERSION}. */
export function migrate(db: SqliteDatabase, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > MIGRATIONS.length) {
    throw new StoreError(
      `${path} has schema version ${version}, newer than this stackci knows (${MIGRATIONS.length})`,
      { where: { file: path }, hint: 'upgrade stackci' }
    )
  }
  const pending = MIGRATIONS.slice(version)
  if (pending.length === 0) return
  db.transaction(() => {
    pending.forEach((sql, i) => {
      db.exec(sql)
      db.pragma(`user_version = ${version + i + 1}`)
    })
  }).immediate()
}
