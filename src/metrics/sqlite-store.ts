/**
 * The embedded default store: one SQLite file (better-sqlite3), WAL mode,
 * schema migrations by `PRAGMA user_version`. Measurements are keyed by
 * (job id, metric, identifier): writing a job twice stores it once. The
 * history of a series is one range scan of a covering index.
 */

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { StoreError, errorMessage } from '../core/errors.js'
import type { DispatchJob, SeriesKey } from './record.js'
import { jobRecords } from './record.js'
import { sqliteDriver, type SqliteDatabase } from './sqlite-driver.js'
import type {
  Acceptance,
  HistoryPoint,
  HistoryQuery,
  MetricStore,
  WriteOutcome
} from './store.js'

/** Each entry moves the schema up one version; never edit a shipped one. */
const MIGRATIONS: string[] = [
  `CREATE TABLE jobs (
     job_id TEXT PRIMARY KEY,
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
   CREATE TABLE measurements (
     job_id TEXT NOT NULL REFERENCES jobs (job_id),
     metric TEXT NOT NULL,
     identifier TEXT NOT NULL,
     value REAL,
     unit TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     series TEXT NOT NULL,
     dataset TEXT NOT NULL,
     instrument TEXT NOT NULL,
     filter TEXT NOT NULL,
     PRIMARY KEY (job_id, metric, identifier)
   ) WITHOUT ROWID;
   CREATE INDEX measurements_history ON measurements
     (metric, dataset, instrument, filter, series, created_at, value, job_id);
   CREATE TABLE acceptances (
     id INTEGER PRIMARY KEY,
     metric TEXT NOT NULL,
     dataset TEXT NOT NULL,
     instrument TEXT NOT NULL,
     filter TEXT NOT NULL,
     series TEXT NOT NULL,
     since INTEGER NOT NULL,
     reason TEXT NOT NULL,
     accepted_by TEXT,
     accepted_at INTEGER NOT NULL
   );`
]

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length

export class SqliteStore implements MetricStore {
  readonly type = 'sqlite'
  readonly label: string
  readonly #db: SqliteDatabase

  constructor(
    readonly path: string,
    options: { readonly?: boolean } = {}
  ) {
    this.label = `sqlite ${path}`
    const Database = sqliteDriver()
    try {
      if (path !== ':memory:' && options.readonly !== true)
        mkdirSync(dirname(path), { recursive: true })
      this.#db = new Database(path, { readonly: options.readonly === true })
      this.#db.pragma('busy_timeout = 10000')
      if (options.readonly !== true) {
        this.#db.pragma('journal_mode = WAL')
        this.#db.pragma('synchronous = NORMAL')
      }
      this.#migrate()
    } catch (error) {
      if (error instanceof StoreError) throw error
      throw new StoreError(
        `cannot open the metrics database ${path}: ${errorMessage(error)}`,
        {
          where: { file: path },
          hint: 'check the path and its permissions; a file that is not a SQLite database must be moved away',
          cause: error
        }
      )
    }
  }

  #migrate(): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number
    if (version > MIGRATIONS.length) {
      throw new StoreError(
        `${this.path} has schema version ${version}, newer than this stackci knows (${MIGRATIONS.length})`,
        { where: { file: this.path }, hint: 'upgrade stackci' }
      )
    }
    const pending = MIGRATIONS.slice(version)
    if (pending.length === 0) return
    this.#db
      .transaction(() => {
        pending.forEach((sql, i) => {
          this.#db.exec(sql)
          this.#db.pragma(`user_version = ${version + i + 1}`)
        })
      })
      .immediate()
  }

  /** The schema version of the open file. */
  get schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number
  }

  prepare(): void {
    // Every job fits: SQLite stores any text and NULL for no value.
  }

  preview(d: DispatchJob): unknown {
    return {
      job: d.id,
      measurements: jobRecords(d).map((r) => ({
        metric: r.metric,
        identifier: r.identifier,
        value: Number.isNaN(r.value) ? null : r.value,
        unit: r.unit
      }))
    }
  }

  async write(d: DispatchJob): Promise<WriteOutcome> {
    const p = d.provenance
    const insertJob = this.#db.prepare(
      `INSERT INTO jobs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT (job_id) DO NOTHING`
    )
    const insert = this.#db.prepare(
      `INSERT INTO measurements VALUES (?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT (job_id, metric, identifier) DO NOTHING`
    )
    const records = jobRecords(d)
    const written = this.#db
      .transaction(() => {
        insertJob.run(
          d.id,
          d.createdAt,
          d.series,
          p.dataset ?? '',
          p.instrument ?? '',
          p.filter ?? '',
          p.gitSha ?? null,
          p.releaseTag ?? null,
          p.imageDigest ?? null,
          p.jenkinsBuildUrl ?? null,
          p.workflowRunUrl ?? null,
          d.source,
          JSON.stringify(d.job.meta),
          Date.now()
        )
        let n = 0
        for (const r of records) {
          n += insert.run(
            r.jobId,
            r.metric,
            r.identifier,
            Number.isNaN(r.value) ? null : r.value,
            r.unit,
            r.createdAt,
            r.series,
            r.dataset,
            r.instrument,
            r.filter
          ).changes
        }
        return n
      })
      .immediate()
    return Promise.resolve({
      written,
      skipped: records.length - written
    })
  }

  async history(q: HistoryQuery): Promise<HistoryPoint[]> {
    return Promise.resolve(this.historySync(q))
  }

  /** The history of one series, oldest first (NaN values left out). */
  historySync(q: HistoryQuery): HistoryPoint[] {
    const rows = this.#db
      .prepare(
        `SELECT job_id, created_at, value FROM measurements
         WHERE metric = ? AND dataset = ? AND instrument = ? AND filter = ?
           AND series = ? AND created_at < ? AND value IS NOT NULL
         ORDER BY created_at DESC LIMIT ?`
      )
      .raw(true)
      .all(
        q.metric,
        q.dataset,
        q.instrument,
        q.filter,
        q.series,
        q.before ?? Number.MAX_SAFE_INTEGER,
        q.limit ?? -1
      ) as [string, number, number][]
    const out: HistoryPoint[] = new Array<HistoryPoint>(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const [jobId, time, value] = rows[rows.length - 1 - i] as [
        string,
        number,
        number
      ]
      out[i] = { jobId, time, value }
    }
    return out
  }

  /** Every series key stored for `series` (all series when omitted). */
  keys(series?: string): (SeriesKey & { series: string })[] {
    const rows = this.#db
      .prepare(
        `SELECT DISTINCT metric, dataset, instrument, filter, series
         FROM measurements ${series === undefined ? '' : 'WHERE series = ?'}
         ORDER BY metric, dataset, instrument, filter, series`
      )
      .all(...(series === undefined ? [] : [series]))
    return rows as (SeriesKey & { series: string })[]
  }

  accept(a: Acceptance): void {
    this.#db
      .prepare(
        `INSERT INTO acceptances
           (metric, dataset, instrument, filter, series, since, reason,
            accepted_by, accepted_at)
         VALUES (?,?,?,?,?,?,?,?,?)`
      )
      .run(
        a.metric,
        a.dataset,
        a.instrument,
        a.filter,
        a.series,
        a.since,
        a.reason,
        a.by ?? null,
        Date.now()
      )
  }

  /** Every recorded acceptance, oldest `since` first. */
  acceptances(): Acceptance[] {
    return this.#db
      .prepare(
        `SELECT metric, dataset, instrument, filter, series, since, reason,
                accepted_by AS "by"
         FROM acceptances ORDER BY since`
      )
      .all() as Acceptance[]
  }

  /** Counts, for reports and tests. */
  counts(): { jobs: number; measurements: number } {
    const one = (sql: string): number =>
      this.#db.prepare(sql).pluck().get() as number
    return {
      jobs: one('SELECT count(*) FROM jobs'),
      measurements: one('SELECT count(*) FROM measurements')
    }
  }

  /** Runs `fn` in one transaction (bulk loads). */
  transaction(fn: () => void): void {
    this.#db.transaction(fn).immediate()
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
    return Promise.resolve()
  }
}
