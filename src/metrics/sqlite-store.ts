/**
 * The embedded default store: one SQLite file (better-sqlite3), WAL mode,
 * schema migrations by `PRAGMA user_version`. Measurements are keyed by
 * (job id, metric, identifier): writing a job twice stores it once. Each
 * history series has a number, and its history is one range scan of a
 * compact covering index (series, time, value).
 */

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { StoreError, errorMessage } from '../core/errors.js'
import type { DispatchJob, SeriesKey } from './record.js'
import { jobRecords, keyString } from './record.js'
import type BetterSqlite3 from 'better-sqlite3'
import { sqliteDriver, type SqliteDatabase } from './sqlite-driver.js'
import { migrate } from './sqlite-schema.js'
import { oldestFirst, updateTails } from './series-tails.js'
import type {
  Acceptance,
  HistoryPoint,
  HistoryQuery,
  MetricStore,
  WriteOutcome
} from './store.js'

export class SqliteStore implements MetricStore {
  readonly type = 'sqlite'
  readonly label: string
  readonly #db: SqliteDatabase
  readonly #series = new Map<string, number>()
  #recent: BetterSqlite3.Statement | undefined

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
      migrate(this.#db, path)
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
    const db = this.#db
    const records = jobRecords(d)
    const written = db
      .transaction(() => {
        db.prepare(
          `INSERT INTO jobs (job_id, created_at, series, dataset, instrument,
             filter, git_sha, release_tag, image_digest, jenkins_build_url,
             workflow_run_url, source, meta, stored_at)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT (job_id) DO NOTHING`
        ).run(
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
        const job = db
          .prepare('SELECT id FROM jobs WHERE job_id = ?')
          .pluck()
          .get(d.id) as number
        const insert = db.prepare(
          `INSERT INTO measurements
             (job, series, identifier, value, unit, created_at)
           VALUES (?,?,?,?,?,?)
           ON CONFLICT (job, series, identifier) DO NOTHING`
        )
        let n = 0
        // Per series, the non-null points stored: their tails follow.
        const added = new Map<number, [number, number][]>()
        for (const r of records) {
          const series = this.#seriesId(r, r.series)
          const value = Number.isNaN(r.value) ? null : r.value
          const stored = insert.run(
            job,
            series,
            r.identifier,
            value,
            r.unit,
            r.createdAt
          ).changes
          n += stored
          if (stored === 0 || value === null) continue
          const points = added.get(series)
          if (points === undefined) added.set(series, [[r.createdAt, value]])
          else points.push([r.createdAt, value])
        }
        updateTails(db, added)
        return n
      })
      .immediate()
    return Promise.resolve({
      written,
      skipped: records.length - written
    })
  }

  /** The id of a series, created on first use (cached). */
  #seriesId(key: SeriesKey, series: string): number {
    const id = `${keyString(key)}|${series}`
    let n = this.#series.get(id)
    if (n === undefined) {
      n = this.#db
        .prepare(
          `INSERT INTO series (metric, dataset, instrument, filter, series)
           VALUES (?,?,?,?,?)
           ON CONFLICT DO UPDATE SET series = excluded.series
           RETURNING id`
        )
        .pluck()
        .get(
          key.metric,
          key.dataset,
          key.instrument,
          key.filter,
          series
        ) as number
      this.#series.set(id, n)
    }
    return n
  }

  /** The id of an existing series, or undefined. */
  #findSeries(key: SeriesKey, series: string): number | undefined {
    return this.#db
      .prepare(
        `SELECT id FROM series WHERE metric = ? AND dataset = ?
           AND instrument = ? AND filter = ? AND series = ?`
      )
      .pluck()
      .get(key.metric, key.dataset, key.instrument, key.filter, series) as
      number | undefined
  }

  async history(q: HistoryQuery): Promise<HistoryPoint[]> {
    return Promise.resolve(this.historySync(q))
  }

  /** The history of one series, oldest first (NaN values left out). */
  historySync(q: HistoryQuery): HistoryPoint[] {
    const series = this.#findSeries(q, q.series)
    if (series === undefined) return []
    const rows = this.#db
      .prepare(
        `SELECT j.job_id, m.created_at, m.value
         FROM measurements m JOIN jobs j ON j.id = m.job
         WHERE m.series = ? AND m.created_at < ? AND m.value IS NOT NULL
         ORDER BY m.created_at DESC LIMIT ?`
      )
      .raw(true)
      .all(series, q.before ?? Number.MAX_SAFE_INTEGER, q.limit ?? -1) as [
      string,
      number,
      number
    ][]
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

  /**
   * The values of a series, oldest first (and their times when asked):
   * the lean read behind whole-history analysis.
   */
  seriesValues(
    key: SeriesKey,
    series: string,
    withTimes: boolean
  ): { values: number[]; times: number[] } {
    const id = this.#findSeries(key, series)
    if (id === undefined) return { values: [], times: [] }
    const where = 'WHERE series = ? AND value IS NOT NULL ORDER BY created_at'
    const values = this.#db
      .prepare(`SELECT value FROM measurements ${where}`)
      .pluck()
      .all(id) as number[]
    const times = withTimes
      ? (this.#db
          .prepare(`SELECT created_at FROM measurements ${where}`)
          .pluck()
          .all(id) as number[])
      : []
    return { values, times }
  }

  /**
   * The newest `limit` points of a series as two arrays, oldest first: the
   * lean read behind standing alerts, which read the tail of every series
   * in one pass (one prepared statement, no join, no objects per point).
   */
  recentValues(
    key: SeriesKey,
    series: string,
    limit: number
  ): { values: number[]; times: number[] } {
    this.#recent ??= this.#db
      .prepare(
        `SELECT created_at, value FROM measurements
         WHERE series = (SELECT id FROM series WHERE metric = ?
           AND dataset = ? AND instrument = ? AND filter = ? AND series = ?)
         AND value IS NOT NULL ORDER BY created_at DESC LIMIT ?`
      )
      .raw(true)
    return oldestFirst(
      this.#recent.all(
        key.metric,
        key.dataset,
        key.instrument,
        key.filter,
        series,
        limit
      ) as [number, number][]
    )
  }

  /** The time of the `index`-th value (oldest first) of a series. */
  seriesTimeAt(
    key: SeriesKey,
    series: string,
    index: number
  ): number | undefined {
    const id = this.#findSeries(key, series)
    if (id === undefined) return undefined
    return this.#db
      .prepare(
        `SELECT created_at FROM measurements
         WHERE series = ? AND value IS NOT NULL
         ORDER BY created_at LIMIT 1 OFFSET ?`
      )
      .pluck()
      .get(id, index) as number | undefined
  }

  /** Every series key stored for `series` (all series when omitted). */
  keys(series?: string): (SeriesKey & { series: string })[] {
    return this.#db
      .prepare(
        `SELECT metric, dataset, instrument, filter, series FROM series
         ${series === undefined ? '' : 'WHERE series = ?'}
         ORDER BY metric, dataset, instrument, filter, series`
      )
      .all(...(series === undefined ? [] : [series])) as (SeriesKey & {
      series: string
    })[]
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
