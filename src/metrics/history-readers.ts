/**
 * The whole history of any store that can be read back — SQLite, git or
 * InfluxDB — in the one shape the report and `metrics export` take
 * ({@link StoreHistory}: jobs oldest first with their provenance, and
 * their measurements). SQLite and git keep everything a job had; InfluxDB
 * keeps what SQuaSH's mapping keeps: no identifiers, no units (given back
 * from the metric definitions when known), and of the metadata only its
 * tags and provenance fields.
 */

import { ConfigError, InputError, StoreError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import type { Definitions } from '../verify/index.js'
import {
  readStoreHistory,
  type HistoryFilter,
  type StoreHistory,
  type StoredJob,
  type StoredMeasurement
} from './store-reader.js'
import { GitStore } from './git-store.js'
import type { InfluxSeries } from './influxdb-client.js'
import { InfluxStore, PROVENANCE_FIELDS } from './influxdb-store.js'
import { quoteIdentifier, quoteString } from './line-protocol.js'
import { SqliteStore } from './sqlite-store.js'
import type { HistoryChoice, StoreSettings } from './settings.js'
import type { MetricStore } from './store.js'
import { closeStores, openStores } from './stores.js'

export interface ReadHistoryOptions {
  /** A metric's unit, for stores that do not keep units (InfluxDB). */
  unitOf?: (metric: string) => string | undefined
}

/** Tags and string fields of the influxdb mapping: not metrics. */
const NOT_METRICS = new Set([
  'time',
  'dataset',
  'instrument',
  'filter',
  'series',
  'pipeline',
  ...PROVENANCE_FIELDS
])

/**
 * Every job and measurement `store` holds (narrowed by `filter`). Throws
 * InputError when nothing matches, naming the store, as the SQLite reader.
 */
export async function readHistory(
  store: MetricStore,
  filter: HistoryFilter = {},
  options: ReadHistoryOptions = {}
): Promise<StoreHistory> {
  if (store instanceof SqliteStore) return readStoreHistory(store.path, filter)
  let history: StoreHistory
  if (store instanceof GitStore) history = await store.readHistory(filter)
  else if (store instanceof InfluxStore)
    history = await readInfluxHistory(store, filter, options)
  else
    throw new StoreError(`${store.label} cannot be read back`, {
      hint: 'read history from a sqlite, git or influxdb store'
    })
  if (history.measurements.length === 0) {
    throw new InputError(
      `no measurements in ${store.label}${filter.series === undefined && filter.since === undefined ? '' : ' match the filter'}`,
      {
        hint: 'dispatch verify jobs into it first (stackci metrics dispatch), or widen --series/--since'
      }
    )
  }
  return history
}

async function readInfluxHistory(
  store: InfluxStore,
  filter: HistoryFilter,
  options: ReadHistoryOptions
): Promise<StoreHistory> {
  let packages: InfluxSeries[]
  try {
    packages = await store.client.query('SHOW MEASUREMENTS')
  } catch (error) {
    if (error instanceof StoreError && /database not found/.test(error.message))
      return { path: store.label, jobs: [], measurements: [] }
    throw error
  }
  const rp = store.retentionPolicy
  const where: string[] = []
  if (filter.series !== undefined && filter.series.length > 0)
    where.push(
      `(${filter.series.map((s) => `"series" = ${quoteString(s)}`).join(' OR ')})`
    )
  if (filter.since !== undefined)
    where.push(`time >= ${Math.round(filter.since)}ms`)
  const clause = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`
  const jobs = new Map<string, StoredJob>()
  const values: { jobId: string; metric: string; value: number }[] = []
  for (const row of packages.flatMap((s) => s.values)) {
    const pkg = String(row[0])
    const from = `${rp === undefined ? '' : `${quoteIdentifier(rp)}.`}${quoteIdentifier(pkg)}`
    for (const s of await store.client.query(
      `SELECT * FROM ${from}${clause}`
    )) {
      for (const point of s.values) {
        const get = (c: string): unknown => point[s.columns.indexOf(c)]
        const jobId = text(get('job_id')) ?? ''
        if (!jobs.has(jobId)) jobs.set(jobId, influxJob(s.columns, point))
        s.columns.forEach((c, i) => {
          const v = point[i]
          if (!NOT_METRICS.has(c) && typeof v === 'number')
            values.push({ jobId, metric: `${pkg}.${c}`, value: v })
        })
      }
    }
  }
  const ordered = [...jobs.values()].sort(
    (a, b) => a.createdAt - b.createdAt || (a.jobId < b.jobId ? -1 : 1)
  )
  const index = new Map(ordered.map((j, i) => [j.jobId, i]))
  const measurements: StoredMeasurement[] = values
    .map((v) => ({
      job: index.get(v.jobId) ?? 0,
      metric: v.metric,
      identifier: '',
      value: v.value,
      unit: options.unitOf?.(v.metric) ?? ''
    }))
    .sort((a, b) => a.job - b.job || (a.metric < b.metric ? -1 : 1))
  return { path: store.label, jobs: ordered, measurements }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** A job from one of its points: tags and provenance fields. */
function influxJob(columns: readonly string[], point: unknown[]): StoredJob {
  const get = (c: string): string | undefined => text(point[columns.indexOf(c)])
  const opt = (key: keyof StoredJob, v: string | undefined): object =>
    v === undefined ? {} : { [key]: v }
  const meta: Record<string, unknown> = {}
  const put = (key: string, v: string | undefined): void => {
    if (v !== undefined) meta[key] = v
  }
  // What prepare writes into meta, so specifications' queries still match.
  put('dataset_name', get('dataset'))
  put('dataset', get('dataset'))
  put('instrument', get('instrument'))
  put('filter_name', get('filter'))
  put('version_tag', get('version_tag'))
  put('git_sha', get('git_sha'))
  put('image_digest', get('image_digest'))
  const runId = get('run_id')
  if (runId !== undefined) meta.env = { ci_id: runId }
  return {
    jobId: get('job_id') ?? '',
    createdAt: Number(point[columns.indexOf('time')]),
    series: get('series') ?? '',
    dataset: get('dataset') ?? '',
    instrument: get('instrument') ?? '',
    filter: get('filter') ?? '',
    ...opt('gitSha', get('git_sha')),
    ...opt('releaseTag', get('version_tag')),
    ...opt('imageDigest', get('image_digest')),
    ...opt('jenkinsBuildUrl', get('jenkins_build_url')),
    ...opt('workflowRunUrl', get('workflow_run_url')),
    meta
  }
}

/**
 * Opens only the `choice` store of `stores`, reads its history, closes it.
 * Throws ConfigError when that store is not configured.
 */
export async function readStoreSettingsHistory(
  stores: StoreSettings,
  choice: HistoryChoice,
  filter: HistoryFilter,
  options: ReadHistoryOptions & { reporter: Reporter }
): Promise<StoreHistory> {
  if (stores[choice] === undefined)
    throw new ConfigError(`no ${choice} store is configured to read from`, {
      hint: `pass --${choice === 'sqlite' ? 'sqlite FILE' : `${choice} URL`} or configure metrics.stores.${choice}`
    })
  const only: StoreSettings = { [choice]: stores[choice] }
  const opened = openStores(only, { reporter: options.reporter, dryRun: true })
  try {
    const store = opened[0]
    if (store === undefined)
      // Only a missing SQLite file opens nothing: the reader names it.
      return readStoreHistory(stores.sqlite?.path ?? '', filter)
    options.reporter.info(`reading the history in ${store.label}`)
    return await readHistory(store, filter, options)
  } finally {
    await closeStores(opened)
  }
}

/** Units of the metric definitions, for stores that do not keep them. */
export function unitsOf(
  definitions: Definitions | undefined
): ReadHistoryOptions {
  if (definitions === undefined) return {}
  return { unitOf: (metric) => definitions.metrics.get(metric)?.unit.name }
}
