/**
 * What the git store keeps on its data branch: one file per job, never
 * rewritten, at `series/<series>/<YYYY>/<MM>/<time>-<job id>.json`, and one
 * file per acceptance under `acceptances/`. A job's path is fixed by the
 * job, so writing it twice finds it there (idempotent), and two writers of
 * different jobs never touch the same path (no conflicts). Measurements are
 * stored as columns (`metric`, `identifier`, `value`, `unit`): the whole of a
 * long history parses as a few large arrays per job rather than millions of
 * small objects. The series and the month in the path let a reader take one
 * series, or the months since a date, without opening the other files.
 */

import { StoreError } from '../core/errors.js'
import type { StoredJob, StoredMeasurement } from './store-reader.js'
import type { DispatchJob } from './record.js'
import type { Provenance } from '../core/provenance.js'
import type { Acceptance } from './store.js'

export const JOB_FORMAT = 'stackci-job/1'

/** One job file. */
export interface GitJobFile {
  format: typeof JOB_FORMAT
  jobId: string
  createdAt: number
  series: string
  source: string
  provenance: Provenance
  meta: Record<string, unknown>
  metric: string[]
  identifier: string[]
  /** null: no value (NaN in the job). */
  value: (number | null)[]
  unit: string[]
}

/** A path component for any series name (`pr/12` → `pr%2F12`). */
export function seriesDir(series: string): string {
  return `series/${encodeURIComponent(series).replace(/\./g, '%2E')}/`
}

/** The series a path belongs to. */
export function seriesOfPath(path: string): string | undefined {
  const m = /^series\/([^/]+)\//.exec(path)
  return m === null ? undefined : decodeURIComponent(m[1] ?? '')
}

/** Where a job's file lives. */
export function jobPath(d: DispatchJob): string {
  const iso = new Date(d.createdAt).toISOString()
  const stamp = iso.replace(/[-:]/g, '').replace('.', '')
  return `${seriesDir(d.series)}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${stamp}-${d.id}.json`
}

/**
 * Is this job path (or month pack) in a month that may hold jobs at or
 * after `since`?
 */
export function monthMayHold(path: string, since: number): boolean {
  const m = /\/(\d{4})\/(\d{2})(?:\/[^/]+|\.pack)$/.exec(path)
  if (m === null) return true
  const end = Date.UTC(Number(m[1]), Number(m[2]), 1)
  return end > since
}

/** A job's file text. */
export function encodeJobFile(d: DispatchJob): string {
  const ms = d.job.measurements
  const file: GitJobFile = {
    format: JOB_FORMAT,
    jobId: d.id,
    createdAt: d.createdAt,
    series: d.series,
    source: d.source,
    provenance: d.provenance,
    meta: d.job.meta,
    metric: ms.map((m) => m.metric),
    identifier: ms.map((m) => m.identifier),
    value: ms.map((m) => (Number.isFinite(m.value) ? m.value : null)),
    unit: ms.map((m) => m.unit)
  }
  return `${JSON.stringify(file)}\n`
}

/** Parses a job file; a file of another format is an error naming it. */
export function decodeJobFile(text: string, path: string): GitJobFile {
  let file: Partial<GitJobFile>
  try {
    file = JSON.parse(text) as Partial<GitJobFile>
  } catch (error) {
    throw new StoreError(`${path} on the metrics branch is not JSON`, {
      where: { file: path },
      hint: 'remove the file from the branch (it was not written by stackci)',
      cause: error
    })
  }
  if (file.format !== JOB_FORMAT || !Array.isArray(file.value)) {
    throw new StoreError(`${path} has an unknown format (${file.format})`, {
      where: { file: path },
      hint: 'upgrade stackci (a newer version wrote it)'
    })
  }
  return file as GitJobFile
}

/** A job file as the report and export read it. */
export function storedJobOf(
  f: Pick<GitJobFile, 'jobId' | 'createdAt' | 'series' | 'provenance' | 'meta'>
): StoredJob {
  const p = f.provenance
  const opt = (key: keyof StoredJob, v: string | undefined): object =>
    v === undefined || v === '' ? {} : { [key]: v }
  return {
    jobId: f.jobId,
    createdAt: f.createdAt,
    series: f.series,
    dataset: p.dataset ?? '',
    instrument: p.instrument ?? '',
    filter: p.filter ?? '',
    ...opt('gitSha', p.gitSha),
    ...opt('releaseTag', p.releaseTag),
    ...opt('imageDigest', p.imageDigest),
    ...opt('jenkinsBuildUrl', p.jenkinsBuildUrl),
    ...opt('workflowRunUrl', p.workflowRunUrl),
    meta: f.meta
  }
}

/** Appends the measurements of job number `job` to `out`. */
export function pushMeasurements(
  f: GitJobFile,
  job: number,
  out: StoredMeasurement[]
): void {
  for (let i = 0; i < f.value.length; i++) {
    out.push({
      job,
      metric: f.metric[i] ?? '',
      identifier: f.identifier[i] ?? '',
      value: f.value[i] ?? null,
      unit: f.unit[i] ?? ''
    })
  }
}

/** Where an acceptance lives (its own file: accepting never conflicts). */
export function acceptancePath(a: Acceptance, tag: string): string {
  const stamp = new Date(a.since).toISOString().replace(/[-:.]/g, '')
  return `acceptances/${stamp}-${tag}.json`
}

export function decodeAcceptance(text: string, path: string): Acceptance {
  try {
    const a = JSON.parse(text) as Acceptance
    if (typeof a.metric === 'string' && typeof a.since === 'number') return a
  } catch {
    // reported below
  }
  throw new StoreError(`${path} on the metrics branch is not an acceptance`, {
    where: { file: path },
    hint: 'remove the file from the branch (it was not written by stackci)'
  })
}
