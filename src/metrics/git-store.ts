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

import { nodeCrypto } from '../core/builtins.js'
import type { Reporter } from '../core/reporter.js'
import { redactUrl } from '../core/secrets.js'
import type {
  HistoryFilter,
  StoreHistory,
  StoredJob,
  StoredMeasurement
} from '../report/store-reader.js'
import { GitRepo, type GitRemote } from './git-cli.js'
import {
  acceptancePath,
  decodeAcceptance,
  decodeJobFile,
  encodeJobFile,
  jobPath,
  monthMayHold,
  pushMeasurements,
  seriesDir,
  storedJobOf,
  type GitJobFile
} from './git-layout.js'
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

  async write(d: DispatchJob): Promise<WriteOutcome> {
    const repo = await this.#open()
    const path = jobPath(d)
    const text = this.#encoded.get(d.id) ?? encodeJobFile(d)
    const n = d.job.measurements.length
    const commit = await repo.commitFiles(
      async (tip) =>
        tip !== undefined && (await repo.hasFile(tip, path))
          ? undefined
          : {
              add: new Map([[path, text]]),
              message: `stackci: job ${d.id} (${d.series}, ${n} measurements)`
            },
      this.#o.minDelayMs === undefined ? {} : { minDelayMs: this.#o.minDelayMs }
    )
    this.#changed()
    return commit === undefined
      ? { written: 0, skipped: n, detail: `already on ${this.#o.branch}` }
      : { written: n, skipped: 0, detail: `commit ${commit.slice(0, 12)}` }
  }

  /** Every job (of some series, since a date), oldest first. */
  async readHistory(filter: HistoryFilter = {}): Promise<StoreHistory> {
    const repo = await this.#open()
    const files = await this.#readFiles(repo, filter)
    const jobs: StoredJob[] = []
    const measurements: StoredMeasurement[] = []
    files.sort((a, b) => a.createdAt - b.createdAt)
    for (const f of files) {
      if (filter.since !== undefined && f.createdAt < filter.since) continue
      pushMeasurements(f, jobs.length, measurements)
      jobs.push(storedJobOf(f))
    }
    return { path: this.label, jobs, measurements }
  }

  async #readFiles(
    repo: GitRepo,
    filter: HistoryFilter
  ): Promise<GitJobFile[]> {
    const snapshot = await this.#snap(repo)
    if (snapshot === undefined) return []
    const wanted =
      filter.series === undefined || filter.series.length === 0
        ? ['series/']
        : filter.series.map(seriesDir)
    const paths: string[] = []
    const oids: string[] = []
    for (const prefix of wanted) {
      for (const [path, oid] of await repo.listFiles(snapshot, prefix)) {
        if (!path.endsWith('.json')) continue
        if (filter.since !== undefined && !monthMayHold(path, filter.since))
          continue
        paths.push(path)
        oids.push(oid)
      }
    }
    const blobs = await repo.readBlobs(oids)
    return blobs.map((b, i) =>
      decodeJobFile(b.toString('utf8'), paths[i] ?? '')
    )
  }

  /** The series' history, indexed (read once per store). */
  async index(series?: string): Promise<HistoryIndex> {
    const key = series ?? ''
    let index = this.#indexes.get(key)
    if (index === undefined) {
      index = this.readHistory(
        series === undefined ? {} : { series: [series] }
      ).then((h) => new HistoryIndex(h))
      this.#indexes.set(key, index)
    }
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
