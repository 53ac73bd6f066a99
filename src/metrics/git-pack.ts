/**
 * Month packs of the git store: the job files of one series and one past
 * month gathered into one file, `series/<series>/<YYYY>/<MM>.pack.json`.
 * A long history read as one file per job is mostly text to parse (every
 * job repeats its metric names, every value is written out in decimal):
 * ten years of 500 metrics are 86 MB of JSON. A pack keeps each distinct
 * list of metric names (and of units) once, and the values as one base64
 * block of little-endian doubles (NaN: no value), so the same history is
 * about a quarter of the bytes and its values are read without parsing a
 * number. Packing happens on the branch like any write (see git-store.ts):
 * a commit that adds the pack and removes the job files it holds, built
 * again on the new tip when another writer pushed first — a job that
 * arrives later for a packed month is a job file beside the pack.
 */

import { endianness } from 'node:os'
import { StoreError } from '../core/errors.js'
import type { Provenance } from '../core/provenance.js'
import { JOB_FORMAT, seriesDir, type GitJobFile } from './git-layout.js'

export const PACK_FORMAT = 'stackci-pack/1'

/** One job of a pack: its file without the measurement columns. */
export interface PackedJob {
  jobId: string
  createdAt: number
  series: string
  source: string
  provenance: Provenance
  meta: Record<string, unknown>
  /** Index into {@link GitPackFile.lists}: the job's metric names. */
  metrics: number
  /** Index into {@link GitPackFile.lists}: the job's units. */
  units: number
  /** The identifiers, joined by newlines (an array when one holds one). */
  ids: string | string[]
  /** Where the job's values start in the values block (in values). */
  at: number
}

export interface GitPackFile {
  format: typeof PACK_FORMAT
  series: string
  /** `YYYY-MM`. */
  month: string
  jobs: PackedJob[]
  /** The distinct lists of metric names and of units. */
  lists: string[][]
  /** Base64 of the jobs' values as little-endian float64, in job order. */
  values: string
}

/** A pack as read: its jobs and their values, decoded. */
export interface DecodedPack {
  file: GitPackFile
  values: Float64Array
}

const LITTLE_ENDIAN = endianness() === 'LE'

/** Where the pack of a series' month lives (`month`: `YYYY-MM`). */
export function packPath(series: string, month: string): string {
  return `${seriesDir(series)}${month.slice(0, 4)}/${month.slice(5, 7)}.pack.json`
}

/** Is `path` a month pack? */
export function isPackPath(path: string): boolean {
  return /\/\d{4}\/\d{2}\.pack\.json$/.test(path)
}

/** The pack file `(series, YYYY-MM)` of a job file's path. */
export function packOfJobPath(path: string): string | undefined {
  const m = /^(series\/[^/]+\/)(\d{4})\/(\d{2})\/[^/]+\.json$/.exec(path)
  return m === null
    ? undefined
    : `${m[1] ?? ''}${m[2] ?? ''}/${m[3] ?? ''}.pack.json`
}

/** The pack text of `files` (one series, one month), oldest job first. */
export function encodePack(
  series: string,
  month: string,
  files: readonly GitJobFile[]
): string {
  const lists: string[][] = []
  const listIds = new Map<string, number>()
  const listOf = (names: string[]): number => {
    const key = JSON.stringify(names)
    let id = listIds.get(key)
    if (id === undefined) {
      id = lists.push(names) - 1
      listIds.set(key, id)
    }
    return id
  }
  const sorted = [...files].sort(
    (a, b) => a.createdAt - b.createdAt || (a.jobId < b.jobId ? -1 : 1)
  )
  const total = sorted.reduce((n, f) => n + f.value.length, 0)
  const block = Buffer.alloc(total * 8)
  let at = 0
  const jobs = sorted.map((f): PackedJob => {
    const start = at
    for (const v of f.value) {
      block.writeDoubleLE(v ?? NaN, at * 8)
      at++
    }
    const ids = f.identifier.some((id) => id.includes('\n'))
      ? f.identifier
      : f.identifier.join('\n')
    return {
      jobId: f.jobId,
      createdAt: f.createdAt,
      series: f.series,
      source: f.source,
      provenance: f.provenance,
      meta: f.meta,
      metrics: listOf(f.metric),
      units: listOf(f.unit),
      ids,
      at: start
    }
  })
  const pack: GitPackFile = {
    format: PACK_FORMAT,
    series,
    month,
    jobs,
    lists,
    values: block.toString('base64')
  }
  return `${JSON.stringify(pack)}\n`
}

/** Parses a pack; a file of another format is an error naming it. */
export function decodePack(text: string, path: string): DecodedPack {
  let file: Partial<GitPackFile>
  try {
    file = JSON.parse(text) as Partial<GitPackFile>
  } catch (error) {
    throw new StoreError(`${path} on the metrics branch is not JSON`, {
      where: { file: path },
      hint: 'remove the file from the branch (it was not written by stackci)',
      cause: error
    })
  }
  if (
    file.format !== PACK_FORMAT ||
    !Array.isArray(file.jobs) ||
    typeof file.values !== 'string'
  ) {
    throw new StoreError(`${path} has an unknown format (${file.format})`, {
      where: { file: path },
      hint: 'upgrade stackci (a newer version wrote it)'
    })
  }
  const bytes = Buffer.from(file.values, 'base64')
  const values = new Float64Array(bytes.length / 8)
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes)
  else
    for (let i = 0; i < values.length; i++)
      values[i] = bytes.readDoubleLE(i * 8)
  return { file: file as GitPackFile, values }
}

/** The metric names of a packed job. */
export function packedMetrics(pack: DecodedPack, job: PackedJob): string[] {
  return pack.file.lists[job.metrics] ?? []
}

/** The job files a pack holds, as they were written. */
export function unpackJobFiles(pack: DecodedPack): GitJobFile[] {
  const { file, values } = pack
  return file.jobs.map((j) => {
    const metric = packedMetrics(pack, j)
    const value = new Array<number | null>(metric.length)
    for (let i = 0; i < metric.length; i++) {
      const v = values[j.at + i] as number
      value[i] = Number.isNaN(v) ? null : v
    }
    return {
      format: JOB_FORMAT,
      jobId: j.jobId,
      createdAt: j.createdAt,
      series: j.series,
      source: j.source,
      provenance: j.provenance,
      meta: j.meta,
      metric,
      identifier:
        typeof j.ids === 'string'
          ? metric.length === 0
            ? []
            : j.ids.split('\n')
          : j.ids,
      value,
      unit: file.lists[j.units] ?? []
    }
  })
}
