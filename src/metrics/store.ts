/**
 * The one interface of the metric stores (sqlite, influxdb, squash, git). A
 * dispatch first asks every store to `prepare` all jobs (encode, validate:
 * nothing is sent), then writes job by job. Writes are idempotent per
 * (job id, metric, identifier), so a replay never duplicates a point.
 */

import type { DispatchJob, SeriesKey } from './record.js'

export type StoreType = 'sqlite' | 'influxdb' | 'squash' | 'sasquatch' | 'git'

export interface WriteOutcome {
  /** Measurements (sqlite), points (influxdb) or jobs (squash) stored. */
  written: number
  /** Already present (an idempotent re-send). */
  skipped: number
  /** What the store says about it, for the log (`SQuaSH job 42`). */
  detail?: string
}

export interface HistoryQuery extends SeriesKey {
  series: string
  /** Only points strictly before this epoch ms. */
  before?: number
  /** The newest `limit` points (all when omitted). */
  limit?: number
}

/** One point of a history series (chronological order in results). */
export interface HistoryPoint {
  jobId: string
  /** Epoch ms. */
  time: number
  value: number
}

/** An accepted step change: history before `since` no longer counts. */
export interface Acceptance extends SeriesKey {
  /** Empty: every series. */
  series: string
  /** Epoch ms: the first point of the accepted new level. */
  since: number
  reason: string
  by?: string
}

export interface MetricStore {
  readonly type: StoreType
  /** For logs and spool entries: `sqlite .stackci/metrics.sqlite`. */
  readonly label: string
  /** Throws (naming the job and the value) if a job cannot be written. */
  prepare(jobs: readonly DispatchJob[]): void
  write(job: DispatchJob): Promise<WriteOutcome>
  /** What `write` would send, for `--dry-run` (JSON-serialisable). */
  preview(job: DispatchJob): unknown
  /** Stores that can be read back (sqlite, influxdb) implement this. */
  history?(query: HistoryQuery): Promise<HistoryPoint[]>
  close(): Promise<void>
}

/** A store whose history can be read. */
export type HistoryStore = MetricStore & Required<Pick<MetricStore, 'history'>>

export function canReadHistory(store: MetricStore): store is HistoryStore {
  return typeof store.history === 'function'
}
