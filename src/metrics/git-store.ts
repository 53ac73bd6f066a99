/**
 * The git store: the metric history as append-only files on a data branch
 * (`stackci-metrics` by default) of a repository — on Actions, the
 * repository the workflow runs in, so the history needs no service, no
 * cache and no native module, and outlives every runner. Each job is one
 * new file (see git-layout.ts) committed on the branch's tip and pushed;
 * a writer that lost the race fetches and commits again on the new tip, so
 * concurrent dispatches never lose a point. Reads fetch the branch into a
 * bare cache (`.stackci/git`) and stream the files through one
 * `git cat-file --batch`.
 */

import { isAscii } from 'node:buffer'
import { nodeCrypto } from '../core/builtins.js'
import type { Reporter } from '../core/reporter.js'
import { redactUrl } from '../core/secrets.js'
import type { HistoryFilter, StoreHistory, StoredJob } from './store-reader.js'
import { GitRepo, type GitRemote } from './git-cli.js'
import {
  PACKED_PER_WRITE,
  PACK_AFTER,
  holdsJob,
  packMonths
} from './git-compact.js'
import {
  acceptancePath,
  decodeAcceptance,
  decodeJobFile,
  encodeJobFile,
  jobPath,
  monthMayHold,
  seriesDir,
  storedJobOf,
  type GitJobFile
} from './git-layout.js'
import {
  decodePack,
  isPackPath,
  packedMetrics,
  type DecodedPack
} from './git-pack.js'
import { GitHistoryBuilder } from './git-history.js'
import { HistoryIndex } from './history-index.js'
import type { DispatchJob } from './record.js'
import type {
  Acceptance,
  HistoryPoint,
  HistoryQuery,
  MetricStore,
  WriteOutcome
} from './store.js'

export const DEFAULT_GIT_BRANCH = 'stackci-metrics'
export const DEFAULT_GIT_CACHE = '.stackci/git'

export interface GitStoreOptions extends GitRemote {
  /** Where the bare cache lives (default .stackci/git). */
  cacheDir: string
  reporter: Reporter
  /** The first back-off after a lost push race (default 50 ms). */
  minDelayMs?: number
}

export class GitStore implements MetricStore {
  readonly type = 'git'
  readonly label: string
  readonly #o: GitStoreOptions
  #repo?: Promise<GitRepo>
  #snapshot?: Promise<string | undefined>
  readonly #encoded = new Map<string, string>()
  readonly #indexes = new Map<string, Promise<HistoryIndex>>()

  constructor(options: GitStoreOptions) {
    this.#o = options
    this.label = `git ${redactUrl(options.url)}#${options.branch}`
  }

  async #open(): Promise<GitRepo> {
    this.#repo ??= GitRepo.open(this.#o.cacheDir, this.#o, this.#o.reporter)
    return this.#repo
  }

  /** The branch as this store reads it: fetched once, until it writes. */
  async #snap(repo: GitRepo): Promise<string | undefined> {
    this.#snapshot ??= repo.snapshot()
    return this.#snapshot
  }

  #changed(): void {
    this.#snapshot = undefined
    this.#indexes.clear()
  }

  prepare(jobs: readonly DispatchJob[]): void {
    for (const d of jobs) this.#encoded.set(d.id, encodeJobFile(d))
  }

  preview(d: DispatchJob): unknown {
    return {
      branch: this.#o.branch,
      path: jobPath(d),
      measurements: d.job.measurements.length
    }
  }

  /**
   * Adds the job's file (unless the branch has the job already), and packs
   * some past months' job files in the same commit (see git-compact.ts).
   */
  async write(d: DispatchJob): Promise<WriteOutcome> {
    const repo = await this.#open()
    const path = jobPath(d)
    const text = this.#encoded.get(d.id) ?? encodeJobFile(d)
    const n = d.job.measurements.length
    const commit = await repo.commitFiles(async (tip) => {
      const files =
        tip === undefined
          ? new Map<string, string>()
          : await repo.listFiles(tip, 'series/')
      if (await holdsJob(repo, files, path, d.id)) return undefined
      const packed = await packMonths(repo, files, {
        now: Date.now(),
        maxFiles: PACKED_PER_WRITE,
        minFiles: PACK_AFTER
      })
      packed.add.set(path, text)
      return {
        add: packed.add,
        remove: packed.remove,
        message: `stackci: job ${d.id} (${d.series}, ${n} measurements)${packed.months.length === 0 ? '' : `; packed ${packed.months.join(', ')}`}`
      }
    }, this.#retry())
    this.#changed()
    return commit === undefined
      ? { written: 0, skipped: n, detail: `already on ${this.#o.branch}` }
      : { written: n, skipped: 0, detail: `commit ${commit.slice(0, 12)}` }
  }

  #retry(): { minDelayMs?: number } {
    return this.#o.minDelayMs === undefined
      ? {}
      : { minDelayMs: this.#o.minDelayMs }
  }

  /**
   * Packs every past month's job files (a dispatch packs a few at a time);
   * what was packed. `now` decides which months are past.
   */
  async compact(now = Date.now()): Promise<{ months: number; jobs: number }> {
    const repo = await this.#open()
    let done = { months: 0, jobs: 0 }
    await repo.commitFiles(async (tip) => {
      if (tip === undefined) return undefined
      const packed = await packMonths(
        repo,
        await repo.listFiles(tip, 'series/'),
        { now }
      )
      done = { months: packed.months.length, jobs: packed.jobs }
      return packed.months.length === 0
        ? undefined
        : {
            add: packed.add,
            remove: packed.remove,
            message: `stackci: packed ${packed.jobs} job(s) of ${packed.months.length} month(s)`
          }
    }, this.#retry())
    this.#changed()
    return done
  }

  /** Every job (of some series, since a date), oldest first. */
  async readHistory(filter: HistoryFilter = {}): Promise<StoreHistory> {
    const history = new GitHistoryBuilder()
    await this.#read(filter, {
      file: (f) => {
        history.addFile(f)
      },
      pack: (p) => {
        history.addPack(p)
      }
    })
    return history.build(this.label, filter.since)
  }

  /**
   * Reads the job files and packs `filter` selects (by path: series and
   * month), each handed to `each` as it is decoded.
   */
  async #read(
    filter: HistoryFilter,
    each: { file: (f: GitJobFile) => void; pack: (p: DecodedPack) => void }
  ): Promise<void> {
    const repo = await this.#open()
    const snapshot = await this.#snap(repo)
    if (snapshot === undefined) return
    const wanted =
      filter.series === undefined || filter.series.length === 0
        ? ['series/']
        : filter.series.map(seriesDir)
    const paths: string[] = []
    const oids: string[] = []
    for (const prefix of wanted) {
      for (const [path, oid] of await repo.listFiles(snapshot, prefix)) {
        if (!path.endsWith('.json') && !isPackPath(path)) continue
        if (filter.since !== undefined && !monthMayHold(path, filter.since))
          continue
        paths.push(path)
        oids.push(oid)
      }
    }
    await repo.eachBlob(oids, (b, i) => {
      const path = paths[i] ?? ''
      if (isPackPath(path)) each.pack(decodePack(b, path))
      // A job file is mostly numbers and names: as one-byte text it
      // decodes and parses faster.
      else
        each.file(
          decodeJobFile(
            isAscii(b) ? b.toString('latin1') : b.toString('utf8'),
            path
          )
        )
    })
  }

  /**
   * The series' history, indexed (read once per store): values only, no
   * job or measurement objects (see HistoryIndex).
   */
  async index(series?: string): Promise<HistoryIndex> {
    const key = series ?? ''
    let index = this.#indexes.get(key)
    if (index === undefined) {
      index = this.#readIndex(series === undefined ? {} : { series: [series] })
      this.#indexes.set(key, index)
    }
    return index
  }

  async #readIndex(filter: HistoryFilter): Promise<HistoryIndex> {
    const loose: GitJobFile[] = []
    const packs: DecodedPack[] = []
    await this.#read(filter, {
      file: (f) => loose.push(f),
      pack: (p) => packs.push(p)
    })
    // A job in a pack and as a file (written late) is read once.
    const seen = new Set<string>()
    const jobs: {
      job: StoredJob
      names: readonly string[]
      values: ArrayLike<number | null>
      offset: number
    }[] = []
    const take = (
      j: Parameters<typeof storedJobOf>[0],
      names: readonly string[],
      values: ArrayLike<number | null>,
      offset = 0
    ): void => {
      if (seen.has(j.jobId)) return
      seen.add(j.jobId)
      jobs.push({ job: storedJobOf(j), names, values, offset })
    }
    for (const p of packs)
      for (const j of p.file.jobs) take(j, packedMetrics(p, j), p.values, j.at)
    for (const f of loose) take(f, f.metric, f.value)
    // Oldest first, so each series' points arrive in order.
    jobs.sort((a, b) => a.job.createdAt - b.job.createdAt)
    const index = new HistoryIndex()
    for (const j of jobs) index.addValues(j.job, j.names, j.values, j.offset)
    return index
  }

  async history(q: HistoryQuery): Promise<HistoryPoint[]> {
    return (await this.index(q.series)).history(q)
  }

  async accept(a: Acceptance): Promise<void> {
    const repo = await this.#open()
    const tag = nodeCrypto().randomBytes(4).toString('hex')
    await repo.commitFiles(async () =>
      Promise.resolve({
        add: new Map([
          [
            acceptancePath(a, tag),
            `${JSON.stringify({ ...a, acceptedAt: Date.now() })}\n`
          ]
        ]),
        message: `stackci: accept ${a.metric} from ${new Date(a.since).toISOString()}`
      })
    )
    this.#changed()
  }

  /** Every recorded acceptance, oldest `since` first. */
  async acceptances(): Promise<Acceptance[]> {
    const repo = await this.#open()
    const snapshot = await this.#snap(repo)
    if (snapshot === undefined) return []
    const files = [...(await repo.listFiles(snapshot, 'acceptances/'))]
    const blobs = await repo.readBlobs(files.map(([, oid]) => oid))
    return blobs
      .map((b, i) => {
        const { acceptedAt: _at, ...a } = decodeAcceptance(
          b.toString('utf8'),
          files[i]?.[0] ?? ''
        ) as Acceptance & { acceptedAt?: number }
        return a
      })
      .sort((x, y) => x.since - y.since)
  }

  async close(): Promise<void> {
    this.#encoded.clear()
    this.#indexes.clear()
    return Promise.resolve()
  }
}
