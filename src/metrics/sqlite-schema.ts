/**
 * The schema of the SQLite store and its migrations: `PRAGMA user_version`
 * says which have run; the pending ones run in one transaction, so a file
 * is never left half-migrated.
 */

import { StoreError } from '../core/errors.js'
import type { SqliteDatabase } from './sqlite-driver.js'
import { rebuildAllTails } from './series-tails.js'

/**
 * A series key's columns (series and acceptances both have them), spelled
 * once; the text of the migration stays byte for byte what it was.
 */
const SERIES_KEY = `metric TEXT NOT NULL,
     dataset TEXT NOT NULL,
     instrument TEXT NOT NULL,
     filter TEXT NOT NULL,
     series TEXT NOT NULL,`

/**
 * Each entry moves the schema up one version; never edit a shipped one.
 * An entry is SQL, or SQL and then a function filling what SQL cannot.
 */
const MIGRATIONS: (string | [string, (db: SqliteDatabase) => void])[] = [
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
   );`,
  // 2: what whole-store readers would otherwise scan every row for. The
  // units of each series (a trigger keeps it; almost every series has
  // one), and each series' newest point and values (series-tails.ts).
  [
    `CREATE TABLE series_units (
       series INTEGER NOT NULL REFERENCES series (id),
       unit TEXT NOT NULL,
       PRIMARY KEY (series, unit)
     ) WITHOUT ROWID;
     INSERT INTO series_units SELECT DISTINCT series, unit FROM measurements;
     CREATE TRIGGER measurements_units AFTER INSERT ON measurements BEGIN
       INSERT OR IGNORE INTO series_units VALUES (NEW.series, NEW.unit);
     END;
     -- The newest non-null point (NULL: none yet).
     ALTER TABLE series ADD COLUMN newest_time INTEGER;
     ALTER TABLE series ADD COLUMN newest_value REAL;
     CREATE TABLE series_tails (
       series INTEGER PRIMARY KEY REFERENCES series (id),
       -- The newest non-null values, oldest first, as float64 LE.
       vals BLOB NOT NULL
     );`,
    rebuildAllTails
  ]
]

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length

/**
 * Whether the open file keeps the series summaries of schema 2 (units,
 * newest point, tails); a reader of an older file, which read-only opens
 * do not migrate, scans the measurements instead.
 */
export function keepsSeriesSummaries(db: SqliteDatabase): boolean {
  return (db.pragma('user_version', { simple: true }) as number) >= 2
}

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
  // A reader takes an older file as it is (every reader still reads
  // schema 1); the next writer migrates it.
  if (pending.length === 0 || (db.readonly && version > 0)) return
  db.transaction(() => {
    pending.forEach((step, i) => {
      const [sql, fill] = typeof step === 'string' ? [step] : step
      db.exec(sql)
      fill?.(db)
      db.pragma(`user_version = ${version + i + 1}`)
    })
  }).immediate()
}
