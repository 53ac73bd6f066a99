/**
 * `stackci metrics export`: every stored measurement with its provenance,
 * one record per measurement, as JSON lines or CSV (RFC 4180), from any
 * store that can be read back. The columns are the same for every store;
 * what a store does not keep is empty (InfluxDB: identifier, unit).
 */

import type { StoreHistory, StoredJob } from './store-reader.js'

export type ExportFormat = 'jsonl' | 'csv'

/** One exported measurement. */
export interface ExportRecord {
  /** The job's date, ISO 8601 UTC. */
  time: string
  jobId: string
  /** The CI run (Jenkins BUILD_ID, Actions run id): `meta.env.ci_id`. */
  runId: string | null
  series: string
  metric: string
  identifier: string
  /** null: no value. */
  value: number | null
  unit: string
  dataset: string
  instrument: string
  filter: string
  releaseTag: string | null
  imageDigest: string | null
  gitSha: string | null
  jenkinsBuildUrl: string | null
  workflowRunUrl: string | null
}

export const EXPORT_COLUMNS = [
  'time',
  'jobId',
  'runId',
  'series',
  'metric',
  'identifier',
  'value',
  'unit',
  'dataset',
  'instrument',
  'filter',
  'releaseTag',
  'imageDigest',
  'gitSha',
  'jenkinsBuildUrl',
  'workflowRunUrl'
] as const satisfies readonly (keyof ExportRecord)[]

function runIdOf(job: StoredJob): string | null {
  const env = job.meta.env
  if (typeof env !== 'object' || env === null) return null
  const id = (env as Record<string, unknown>).ci_id
  return typeof id === 'string' && id !== '' && id !== 'unknown'
    ? id
    : typeof id === 'number'
      ? String(id)
      : null
}

/** The records of a history, oldest job first. */
export function* exportRecords(history: StoreHistory): Generator<ExportRecord> {
  const times = history.jobs.map((j) => new Date(j.createdAt).toISOString())
  const runs = history.jobs.map(runIdOf)
  for (const m of history.measurements) {
    const job = history.jobs[m.job]
    if (job === undefined) continue
    yield {
      time: times[m.job] ?? '',
      jobId: job.jobId,
      runId: runs[m.job] ?? null,
      series: job.series,
      metric: m.metric,
      identifier: m.identifier,
      value: m.value,
      unit: m.unit,
      dataset: job.dataset,
      instrument: job.instrument,
      filter: job.filter,
      releaseTag: job.releaseTag ?? null,
      imageDigest: job.imageDigest ?? null,
      gitSha: job.gitSha ?? null,
      jenkinsBuildUrl: job.jenkinsBuildUrl ?? null,
      workflowRunUrl: job.workflowRunUrl ?? null
    }
  }
}

function csvField(v: string | number | null): string {
  if (v === null) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * The export as text chunks (a header first for CSV), about `chunk`
 * records each, so a long history is written without one huge string.
 */
export function* exportText(
  history: StoreHistory,
  format: ExportFormat,
  chunk = 2000
): Generator<string> {
  let lines: string[] = format === 'csv' ? [EXPORT_COLUMNS.join(',')] : []
  for (const r of exportRecords(history)) {
    lines.push(
      format === 'csv'
        ? EXPORT_COLUMNS.map((c) => csvField(r[c])).join(',')
        : JSON.stringify(r)
    )
    if (lines.length >= chunk) {
      yield `${lines.join('\n')}\n`
      lines = []
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`
}
