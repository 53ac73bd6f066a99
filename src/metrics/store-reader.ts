/**
 * Reads the history the SQLite metrics store holds, read-only: every job
 * (with its provenance and metadata) and every measurement, optionally
 * narrowed to some history series and a start date. The report never
 * creates, migrates or locks the store for writing, so it can run while a
 * dispatch is writing to it.
 */

import { existsSync } from 'node:fs'
import { InputError, StoreError, errorMessage } from '../core/errors.js'
import { sqliteDriver, type SqliteDatabase } from './sqlite-driver.js'
import { SQLITE_SCHEMA_VERSION } from './sqlite-schema.js'

/** One verify job as stored: when, where it ran, and where it came from. */
export interface StoredJob {
  jobId: string
  /** Epoch ms: the job's date, the time of its points. */
  createdAt: number
  series: string
  dataset: string
  instrument: string
  filter: string
  gitSha?: string
  releaseTag?: string
  imageDigest?: string
  jenkinsBuildUrl?: string
  workflowRunUrl?: string
  /** The job's metadata (what specifications' metadata queries match). */
  meta: Record<string, unknown>
}

/** One measurement; `job` indexes {@link StoreHistory.jobs}. */
export interface StoredMeasurement {
  job: number
  metric: string
  identifier: string
  /** null: no value (NaN in the job). */
  value: number | null
  unit: string
}

export interface StoreHistory {
  path: string
  /** Oldest first. */
  jobs: StoredJob[]
  measurements: StoredMeasurement[]
}

export interface HistoryFilter {
  /** Only these history series (all when empty or omitted). */
  series?: readonly string[]
  /** Only jobs dated at or after this epoch ms. */
  since?: number
}

const JOB_COLUMNS = `id, job_id, created_at, series, dataset, instrument,
  filter, git_sha, release_tag, image_digest, jenkins_build_url,
  workflow_run_url, meta`

type JobRow = [
  number,
  string,
  number,
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string
]

/** Opens the store read-only, refusing what is not a stackci store. */
export function openStore(path: string): SqliteDatabase {
  if (!existsSync(path)) {
    // The message names the file; a `where` would print it twice.
    throw new InputError(`no metrics store at ${path}`, {
      hint: 'dispatch verify jobs into it first (stackci metrics dispatch --definitions DIR out/*.verify.json), or pass --store FILE'
    })
  }
  const Database = sqliteDriver()
  let db: SqliteDatabase
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 10000')
  } catch (error) {
    throw new StoreError(
      `cannot open the metrics store ${path}: ${errorMessage(error)}`,
      { where: { file: path }, hint: 'check the path and its permissions' }
    )
  }
  let version: number
  try {
    version = db.pragma('user_version', { simple: true }) as number
  } catch (error) {
    db.close()
    throw new StoreError(
      `${path} is not a SQLite database: ${errorMessage(error)}`,
      { where: { file: path }, hint: 'pass the metrics store (--store FILE)' }
    )
  }
  if (version === 0 || version > SQLITE_SCHEMA_VERSION) {
    db.close()
    throw new StoreError(
      version === 0
        ? `${path} is not a stackci metrics store`
        : `${path} has schema version ${version}, newer than this stackci knows (${SQLITE_SCHEMA_VERSION})`,
      {
        where: { file: path },
        hint:
          version === 0
            ? 'pass the file that stackci metrics dispatch writes (default .stackci/metrics.sqlite)'
            : 'upgrade stackci'
      }
    )
  }
  return db
}

function parseMeta(text: string): Record<string, unknown> {
  try {
    const meta = JSON.parse(text) as unknown
    return typeof meta === 'object' && meta !== null && !Array.isArray(meta)
      ? (meta as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

function describeFilter(filter: HistoryFilter): string {
  const parts: string[] = []
  if (filter.series !== undefined && filter.series.length > 0)
    parts.push(`series ${filter.series.join(', ')}`)
  if (filter.since !== undefined)
    parts.push(`since ${new Date(filter.since).toISOString()}`)
  return parts.join(', ')
}

/** The jobs that `filter` selects, oldest first, by their row id. */
export interface SelectedJobs {
  jobs: StoredJob[]
  /** Row id → index into `jobs`. */
  index: Map<number, number>
  /** `WHERE …` on the jobs table ('' for all) and its arguments. */
  clause: string
  args: (string | number)[]
}

/** Reads the jobs `filter` selects. */
export function selectJobs(
  db: SqliteDatabase,
  filter: HistoryFilter
): SelectedJobs {
  const where: string[] = []
  const args: (string | number)[] = []
  if (filter.series !== undefined && filter.series.length > 0) {
    where.push(`series IN (${filter.series.map(() => '?').join(',')})`)
    args.push(...filter.series)
  }
  if (filter.since !== undefined) {
    where.push('created_at >= ?')
    args.push(filter.since)
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
  const rows = db
    .prepare(
      `SELECT ${JOB_COLUMNS} FROM jobs ${clause} ORDER BY created_at, id`
    )
    .raw(true)
    .all(...args) as JobRow[]
  const index = new Map<number, number>()
  const jobs: StoredJob[] = rows.map((r, i) => {
    index.set(r[0], i)
    const opt = (key: keyof StoredJob, v: string | null): object =>
      v === null || v === '' ? {} : { [key]: v }
    return {
      jobId: r[1],
      createdAt: r[2],
      series: r[3],
      dataset: r[4],
      instrument: r[5],
      filter: r[6],
      ...opt('gitSha', r[7]),
      ...opt('releaseTag', r[8]),
      ...opt('imageDigest', r[9]),
      ...opt('jenkinsBuildUrl', r[10]),
      ...opt('workflowRunUrl', r[11]),
      meta: parseMeta(r[12])
    }
  })
  return { jobs, index, clause, args }
}

/**
 * The error for a store (or a filter) with no measurements, naming the
 * series the store does hold.
 */
export function noMeasurements(
  db: SqliteDatabase,
  path: string,
  filter: HistoryFilter
): InputError {
  const held = db
    .prepare('SELECT DISTINCT series FROM jobs ORDER BY series')
    .pluck()
    .all() as string[]
  const narrowed = describeFilter(filter)
  return new InputError(
    held.length === 0
      ? `the metrics store ${path} has no measurements yet`
      : `no measurements in ${path} match ${narrowed}`,
    {
      where: { file: path },
      hint:
        held.length === 0
          ? 'dispatch verify jobs into it first: stackci metrics dispatch --definitions DIR out/*.verify.json'
          : `the store holds the series ${held.join(', ')}; widen --series or --since`
    }
  )
}

/** Runs `read` on the store at `path`, opened read-only, and closes it. */
export function withStore<T>(path: string, read: (db: SqliteDatabase) => T): T {
  const db = openStore(path)
  try {
    return read(db)
  } finally {
    db.close()
  }
}

/**
 * The store's history, oldest job first, read whole. Throws InputError when
 * the file is missing or nothing matches (naming what the store does hold),
 * StoreError when it is not a stackci store.
 */
export function readStoreHistory(
  path: string,
  filter: HistoryFilter = {}
): StoreHistory {
  return withStore(path, (db) => {
    const { jobs, index, clause, args } = selectJobs(db, filter)
    const measurements: StoredMeasurement[] = []
    const select = db
      .prepare(
        `SELECT m.job, s.metric, m.identifier, m.value, m.unit
       FROM measurements m JOIN series s ON s.id = m.series
       ${clause === '' ? '' : `WHERE m.job IN (SELECT id FROM jobs ${clause})`}
       ORDER BY m.created_at, m.job, s.metric, m.identifier`
      )
      .raw(true)
    for (const row of select.iterate(...args) as Iterable<
      [number, string, string, number | null, string]
    >) {
      const job = index.get(row[0])
      if (job === undefined) continue
      measurements.push({
        job,
        metric: row[1],
        identifier: row[2],
        value: row[3],
        unit: row[4]
      })
    }
    if (measurements.length === 0) throw noMeasurements(db, path, filter)
    return { path, jobs, measurements }
  })
}
