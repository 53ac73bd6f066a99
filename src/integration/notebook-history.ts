/**
 * The metric history a notebook reads: one JSON line per stored measurement
 * with its provenance (run id, release tag, image digest, git sha, dataset,
 * time), as `stackci metrics export` prints it. Until that command lands the
 * export is made here from the SQLite store, through the report's read-only
 * reader; a history already exported (a `.jsonl` file) is used as it is.
 * The one place to swap for the shared exporter is {@link exportHistory}.
 */

import { copyFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import { readStoreHistory, type StoredJob } from '../report/store-reader.js'
import { STACKCI_META } from '../core/provenance.js'

/** Where the history comes from. */
export type HistorySource =
  { kind: 'sqlite'; path: string } | { kind: 'jsonl'; path: string }

/** One line of the exported history. */
export interface HistoryRecord {
  metric: string
  identifier?: string
  value: number | null
  unit: string
  dataset: string
  instrument: string
  filter: string
  series: string
  job_id: string
  /** ISO 8601, UTC: the job's date. */
  time: string
  run_id?: string
  release_tag?: string
  image_digest?: string
  git_sha?: string
}

/**
 * `sqlite:FILE`, `FILE.sqlite`/`.db` (the SQLite store) or `FILE.jsonl`
 * (an export); relative paths against `base`. Other stores wait for
 * `stackci metrics export`, which the hint names.
 */
export function parseHistorySource(
  text: string,
  base: string,
  what = '--history'
): HistorySource {
  const colon = /^([a-z]+):(?!\/\/)(.*)$/.exec(text)
  const kind = colon?.[1]
  const path = resolve(base, colon?.[2] ?? text)
  if (kind === 'sqlite' || kind === 'jsonl') return { kind, path }
  if (kind === undefined) {
    if (/\.jsonl?$/i.test(text)) return { kind: 'jsonl', path }
    if (/\.(sqlite3?|db)$/i.test(text)) return { kind: 'sqlite', path }
  }
  throw new InputError(
    `${what}: ${JSON.stringify(text)} is neither a SQLite store nor an exported history`,
    {
      hint: 'pass sqlite:FILE (or a .sqlite file), or export another store first (stackci metrics export … > history.jsonl) and pass that file'
    }
  )
}

function runIdOf(job: StoredJob): string | undefined {
  const own = job.meta[STACKCI_META.runId]
  if (typeof own === 'string') return own
  const env = job.meta.env as Record<string, unknown> | undefined
  return typeof env?.ci_id === 'string' ? env.ci_id : undefined
}

/** The SQLite store's measurements as export records, oldest first. */
export function sqliteHistoryRecords(path: string): HistoryRecord[] {
  const history = readStoreHistory(path)
  return history.measurements.map((m) => {
    const job = history.jobs[m.job] as StoredJob
    const runId = runIdOf(job)
    return {
      metric: m.metric,
      ...(m.identifier === '' ? {} : { identifier: m.identifier }),
      value: m.value,
      unit: m.unit,
      dataset: job.dataset,
      instrument: job.instrument,
      filter: job.filter,
      series: job.series,
      job_id: job.jobId,
      time: new Date(job.createdAt).toISOString(),
      ...(runId === undefined ? {} : { run_id: runId }),
      ...(job.releaseTag === undefined ? {} : { release_tag: job.releaseTag }),
      ...(job.imageDigest === undefined
        ? {}
        : { image_digest: job.imageDigest }),
      ...(job.gitSha === undefined ? {} : { git_sha: job.gitSha })
    }
  })
}

/** Writes the history to `dest` as JSON lines; returns how many lines. */
export async function exportHistory(
  source: HistorySource,
  dest: string
): Promise<number | undefined> {
  if (source.kind === 'jsonl') {
    await copyFile(source.path, dest).catch((error: unknown) => {
      throw new InputError(
        `cannot read the history ${source.path}: ${(error as Error).message}`,
        { where: { file: source.path } }
      )
    })
    return undefined
  }
  const records = sqliteHistoryRecords(source.path)
  await writeFile(dest, records.map((r) => `${JSON.stringify(r)}\n`).join(''))
  return records.length
}
