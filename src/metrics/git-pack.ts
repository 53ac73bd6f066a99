/**
 * Month packs of the git store: the job files of one series and one past
 * month gathered into one file, `series/<series>/<YYYY>/<MM>.pack`.
 * A long history read as one file per job is mostly text to parse (every
 * job repeats its metric names, every value is written out in decimal):
 * ten years of 500 metrics are 86 MB of JSON. A pack is one line of JSON
 * (the jobs with their provenance, each distinct list of metric names and
 * of units once) and then binary: the values as little-endian doubles (NaN:
 * no value), then the identifiers as UTF-8 text. Reading the values of a
 * pack parses the one line and copies the doubles; the identifiers are
 * decoded only when whole jobs are asked for. Packing happens on the branch like any write (see git-store.ts):
 * a commit that adds the pack and removes the job files it holds, built
 * again on the new tip when another writer pushed first — a job that
 * arrives later for a packed month is a job file beside the pack.
 */

import { endianness } from 'node:os'
import { StoreError } from '../core/errors.js'
import { JOB_FORMAT, type GitJobFile } from './git-layout.js'
import type { StoredMeasurement } from './store-reader.js'

export const PACK_FORMAT = 'stackci-pack/1'

/** One job of a pack: its file without the measurement columns. */
export interface PackedJob extends Pick<
  GitJobFile,
  'jobId' | 'createdAt' | 'series' | 'source' | 'provenance' | 'meta'
> {
  /** Index into {@link GitPackFile.lists}: the job's metric names. */
  metrics: number
  /** Index into {@link GitPackFile.lists}: the job's units. */
  units: number
  /**
   * The identifiers, when one holds a newline or NUL; else they are the
   * job's part of the text after the values (see module comment).
   */
  ids?: string[]
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
  /** How many values follow the line (float64 LE, in job order). */
  values: number
  /** Bytes of identifier text after them: per job, NUL-separated. */
  ids: number
}

/** A pack as read: its jobs and their values, decoded. */
export interface DecodedPack {
  file: GitPackFile
  values: Float64Array
  /** Each job's identifiers, decoded on first use. */
  ids: () => string[][]
  /**
   * Job `k`'s identifiers; undefined when every one is empty (told from
   * the bytes, nothing decoded).
   */
  idsOf: (k: number) => string[] | undefined
}

const LITTLE_ENDIAN = endianness() === 'LE'

/** Is `path` a month pack? */
export function isPackPath(path: string): boolean {
  return /\/\d{4}\/\d{2}\.pack$/.test(path)
}

/** The pack file `(series, YYYY-MM)` of a job file's path. */
export function packOfJobPath(path: string): string | undefined {
  const m = /^(series\/[^/]+\/)(\d{4})\/(\d{2})\/[^/]+\.json$/.exec(path)
  return m === null
    ? undefined
    : `${m[1] ?? ''}${m[2] ?? ''}/${m[3] ?? ''}.pack`
}

/** The pack of `files` (one series, one month), oldest job first. */
export function encodePack(
  series: string,
  month: string,
  files: readonly GitJobFile[]
): Buffer {
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
  const texts: string[] = []
  let at = 0
  const jobs = sorted.map((f): PackedJob => {
    const start = at
    for (const v of f.value) {
      block.writeDoubleLE(v ?? NaN, at * 8)
      at++
    }
    const plain = !f.identifier.some((id) => /[\n\0]/.test(id))
    texts.push(plain ? f.identifier.join('\n') : '')
    return {
      jobId: f.jobId,
      createdAt: f.createdAt,
      series: f.series,
      source: f.source,
      provenance: f.provenance,
      meta: f.meta,
      metrics: listOf(f.metric),
      units: listOf(f.unit),
      ...(plain ? {} : { ids: f.identifier }),
      at: start
    }
  })
  const ids = Buffer.from(texts.join('\0'), 'utf8')
  const head: GitPackFile = {
    format: PACK_FORMAT,
    series,
    month,
    jobs,
    lists,
    values: total,
    ids: ids.length
  }
  return Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`), block, ids])
}

/** Reads a pack; a file of another format is an error naming it. */
export function decodePack(bytes: Buffer, path: string): DecodedPack {
  const eol = bytes.indexOf(10)
  let file: Partial<GitPackFile>
  try {
    file = JSON.parse(bytes.toString('utf8', 0, eol)) as Partial<GitPackFile>
  } catch (error) {
    throw new StoreError(`${path} on the metrics branch is not a pack`, {
      where: { file: path },
      hint: 'remove the file from the branch (it was not written by stackci)',
      cause: error
    })
  }
  const n = file.values ?? -1
  if (
    file.format !== PACK_FORMAT ||
    !Array.isArray(file.jobs) ||
    eol + 1 + n * 8 + (file.ids ?? 0) !== bytes.length
  ) {
    throw new StoreError(`${path} has an unknown format (${file.format})`, {
      where: { file: path },
      hint: 'upgrade stackci (a newer version wrote it)'
    })
  }
  const pack = file as GitPackFile
  const start = eol + 1
  const values = new Float64Array(n)
  if (LITTLE_ENDIAN)
    new Uint8Array(values.buffer).set(bytes.subarray(start, start + n * 8))
  else for (let i = 0; i < n; i++) values[i] = bytes.readDoubleLE(start + i * 8)
  const idsOf = identifiers(pack, bytes.subarray(start + n * 8))
  return {
    file: pack,
    values,
    idsOf,
    ids: () =>
      pack.jobs.map((j, k) => {
        const ids = idsOf(k)
        if (ids !== undefined) return ids
        return new Array<string>(pack.lists[j.metrics]?.length ?? 0).fill('')
      })
  }
}

/** `n` newlines, to compare a job's identifier bytes with. */
let newlines = Buffer.alloc(0)

/**
 * Reads the identifiers of a pack's jobs from its text (per job, the
 * identifiers joined by newlines; jobs NUL-separated). Most jobs name no
 * identifier: their part is only the newlines, told by one comparison.
 */
function identifiers(
  pack: GitPackFile,
  text: Buffer
): (k: number) => string[] | undefined {
  let starts: number[] | undefined
  return (k) => {
    const j = pack.jobs[k]
    if (j === undefined) return undefined
    if (j.ids !== undefined) return j.ids
    const count = pack.lists[j.metrics]?.length ?? 0
    if (count === 0) return []
    if (starts === undefined) {
      starts = [0]
      for (let at = text.indexOf(0); at !== -1; at = text.indexOf(0, at + 1))
        starts.push(at + 1)
      starts.push(text.length + 1)
    }
    const from = starts[k]
    const part =
      from === undefined
        ? Buffer.alloc(0)
        : text.subarray(from, (starts[k + 1] ?? from + 1) - 1)
    if (part.length === count - 1) {
      if (newlines.length < part.length) newlines = Buffer.alloc(count, 10)
      if (part.equals(newlines.subarray(0, part.length))) return undefined
    }
    return part.toString('utf8').split('\n')
  }
}

/** How many measurements job `k` of a pack has. */
export function packedCount(pack: DecodedPack, k: number): number {
  const j = pack.file.jobs[k]
  return j === undefined ? 0 : (pack.file.lists[j.metrics]?.length ?? 0)
}

/**
 * Sets the measurements of job `k` of a pack, as job number `job`, in `out`
 * from index `at` (what {@link unpackJobFiles} and then pushMeasurements
 * make, without the job file between); where the next job's go.
 */
export function setPackedMeasurements(
  pack: DecodedPack,
  k: number,
  job: number,
  out: StoredMeasurement[],
  at: number
): number {
  const { file, values } = pack
  const j = file.jobs[k]
  if (j === undefined) return at
  const metric = file.lists[j.metrics] ?? []
  const unit = file.lists[j.units] ?? []
  const ids = pack.idsOf(k) ?? []
  for (let i = 0, v = j.at; i < metric.length; i++, v++) {
    const value = v < values.length ? (values[v] as number) : NaN
    out[at++] = {
      job,
      metric: metric[i] ?? '',
      identifier: ids[i] ?? '',
      value: Number.isNaN(value) ? null : value,
      unit: unit[i] ?? ''
    }
  }
  return at
}

/** The metric names of a packed job. */
export function packedMetrics(pack: DecodedPack, job: PackedJob): string[] {
  return pack.file.lists[job.metrics] ?? []
}

/** The job files a pack holds, as they were written. */
export function unpackJobFiles(pack: DecodedPack): GitJobFile[] {
  const { file, values } = pack
  return file.jobs.map((j, k) => {
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
      identifier: pack.idsOf(k) ?? new Array<string>(metric.length).fill(''),
      value,
      unit: file.lists[j.units] ?? []
    }
  })
}
