/**
 * Packing the git store's past months (see git-pack.ts): which job files
 * go into which pack, read and written on one tip of the branch. Only
 * months over for a day are packed, so the month jobs are being written
 * into stays one file per job. A dispatch packs once the past months hold
 * {@link PACK_AFTER} job files (a short history reads quickly as it is),
 * and a bounded number of them, so that it stays quick on a long history
 * never packed before.
 */

import type { GitRepo } from './git-cli.js'
import { decodeJobFile, monthMayHold, type GitJobFile } from './git-layout.js'
import {
  decodePack,
  encodePack,
  isPackPath,
  packOfJobPath,
  unpackJobFiles
} from './git-pack.js'

const DAY_MS = 86_400_000

/** A dispatch packs when past months hold this many job files. */
export const PACK_AFTER = 100

/** Job files packed by one dispatch, at most (more when one month has more). */
export const PACKED_PER_WRITE = 400

export interface PackOptions {
  /** Epoch ms: months over a day before it are packed. */
  now: number
  /** At most about this many job files (default: no limit). */
  maxFiles?: number
  /** Nothing unless past months hold this many job files (default 1). */
  minFiles?: number
}

/** What packing adds to a commit. */
export interface PackChange {
  add: Map<string, string | Buffer>
  remove: string[]
  /** `series YYYY-MM` of each month packed. */
  months: string[]
  jobs: number
}

/**
 * Packs the past months' job files of `files` (a tip's `series/` tree:
 * path → object id), merging each into its month's pack when there is one.
 */
export async function packMonths(
  repo: GitRepo,
  files: ReadonlyMap<string, string>,
  options: PackOptions
): Promise<PackChange> {
  const groups = new Map<string, string[]>()
  for (const path of files.keys()) {
    const pack = packOfJobPath(path)
    // Months not over for a day yet stay one file per job.
    if (pack === undefined || monthMayHold(pack, options.now - DAY_MS)) continue
    const group = groups.get(pack)
    if (group === undefined) groups.set(pack, [path])
    else group.push(path)
  }
  const chosen: [string, string[]][] = []
  const eligible = [...groups.values()].reduce((n, g) => n + g.length, 0)
  if (eligible < (options.minFiles ?? 1)) groups.clear()
  let count = 0
  for (const [pack, paths] of [...groups].sort((a, b) =>
    a[0] < b[0] ? -1 : 1
  )) {
    if (
      chosen.length > 0 &&
      count + paths.length > (options.maxFiles ?? Infinity)
    )
      break
    chosen.push([pack, paths])
    count += paths.length
  }
  const change: PackChange = { add: new Map(), remove: [], months: [], jobs: 0 }
  if (chosen.length === 0) return change
  const wanted = chosen.flatMap(([pack, paths]) =>
    files.has(pack) ? [pack, ...paths] : paths
  )
  const blobs = await repo.readBlobs(wanted.map((p) => files.get(p) ?? ''))
  const bytes = new Map(wanted.map((p, i) => [p, blobs[i] ?? Buffer.alloc(0)]))
  for (const [pack, paths] of chosen) {
    const old = bytes.get(pack)
    const jobs: GitJobFile[] =
      old === undefined ? [] : unpackJobFiles(decodePack(old, pack))
    const held = new Set(jobs.map((j) => j.jobId))
    for (const path of paths) {
      const f = decodeJobFile(bytes.get(path)?.toString('utf8') ?? '', path)
      if (!held.has(f.jobId)) jobs.push(f)
      held.add(f.jobId)
    }
    const [, series = '', year = '', month = ''] =
      /^series\/([^/]+)\/(\d{4})\/(\d{2})\.pack$/.exec(pack) ?? []
    const name = decodeURIComponent(series)
    change.add.set(pack, encodePack(name, `${year}-${month}`, jobs))
    change.remove.push(...paths)
    change.months.push(`${name} ${year}-${month}`)
    change.jobs += paths.length
  }
  return change
}

/** Does the tip (its `series/` tree `files`) hold the job `jobId` at `path`? */
export async function holdsJob(
  repo: GitRepo,
  files: ReadonlyMap<string, string>,
  path: string,
  jobId: string
): Promise<boolean> {
  if (files.has(path)) return true
  const pack = packOfJobPath(path)
  const oid = pack === undefined ? undefined : files.get(pack)
  if (pack === undefined || oid === undefined || !isPackPath(pack)) return false
  const [blob] = await repo.readBlobs([oid])
  const { file } = decodePack(blob ?? Buffer.alloc(0), pack)
  return file.jobs.some((j) => j.jobId === jobId)
}
