/**
 * The spool: never lose a measurement. Before a job is sent to a store, an
 * entry (the prepared job and the store it is for) is written to the spool
 * directory, claimed by this process; a success deletes it, a failure
 * releases it with the error, and `stackci metrics replay` sends it later.
 * Entries are named `<job id>.<store type>.json`, so spooling the same job
 * twice keeps one entry. Claims are renames, so two replays never send the
 * same entry; a claim left by a dead process is taken over.
 */

import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  writeFile
} from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { StoreError, errorMessage } from '../core/errors.js'
import { parseJob, serializeJob } from '../verify/index.js'
import type { DispatchJob } from './record.js'
import type { Provenance } from '../core/provenance.js'
import type { StoreType } from './store.js'
import { nodeCrypto } from '../core/builtins.js'

export interface SpoolEntry {
  version: 1
  store: { type: StoreType; label: string }
  jobId: string
  source: string
  createdAt: number
  series: string
  provenance: Provenance
  /** The prepared job as lsst.verify writes it (NaN as null). */
  job: string
  spooledAt: number
  attempts: number
  lastError?: string
}

/** A claimed entry: ours until released. */
export interface Claim {
  path: string
  /** The unclaimed name it returns to on failure. */
  home: string
  entry: SpoolEntry
}

const CLAIM = /\.claim-([^.]+)-(\d+)$/
/** A claim older than this is taken over even if its process may be alive. */
const STALE_CLAIM_MS = 6 * 3600_000

export class Spool {
  readonly #host = hostname().replace(/[^A-Za-z0-9_]/g, '_')

  constructor(readonly dir: string) {}

  #claimSuffix(): string {
    return `.claim-${this.#host}-${process.pid}`
  }

  /** Writes the entry, claimed by this process (write-ahead of a send). */
  async hold(
    d: DispatchJob,
    store: { type: StoreType; label: string }
  ): Promise<Claim> {
    const entry: SpoolEntry = {
      version: 1,
      store,
      jobId: d.id,
      source: d.source,
      createdAt: d.createdAt,
      series: d.series,
      provenance: d.provenance,
      job: serializeJob(d.job),
      spooledAt: Date.now(),
      attempts: 0
    }
    const home = join(this.dir, `${d.id}.${store.type}.json`)
    const path = home + this.#claimSuffix()
    await this.#writeAtomic(path, entry)
    return { path, home, entry }
  }

  /** Deletes a claimed entry after a successful send. */
  async done(claim: Claim): Promise<void> {
    await rm(claim.path, { force: true })
  }

  /** Returns a claimed entry to the spool, recording the failure. */
  async release(claim: Claim, error: unknown): Promise<void> {
    const rest = remainingOf(error)
    const entry: SpoolEntry = {
      ...claim.entry,
      // Part of the job was stored: only the rest is kept for replay.
      ...(rest === undefined ? {} : { job: serializeJob(rest.job) }),
      attempts: claim.entry.attempts + 1,
      lastError: errorMessage(error).split('\n')[0] ?? ''
    }
    await this.#writeAtomic(claim.path, entry)
    await rename(claim.path, claim.home)
  }

  /** Every entry file (claimed or not), sorted; [] when there is no spool. */
  async files(): Promise<string[]> {
    try {
      return (await readdir(this.dir))
        .filter((f) => f.endsWith('.json') || CLAIM.test(f))
        .sort()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  /** Reads every entry without claiming it (for listings). */
  async entries(): Promise<
    (SpoolEntry & { file: string; claimed: boolean })[]
  > {
    const out = []
    for (const file of await this.files()) {
      try {
        const entry = await this.#read(join(this.dir, file))
        out.push({ ...entry, file, claimed: CLAIM.test(file) })
      } catch {
        // a file vanishing between readdir and read was just replayed
      }
    }
    return out
  }

  /**
   * Claims every entry nobody is working on (oldest first): unclaimed ones,
   * and claims of processes on this host that are gone.
   */
  async claimAll(): Promise<Claim[]> {
    const claims: Claim[] = []
    for (const file of await this.files()) {
      const m = CLAIM.exec(file)
      if (m !== null && !(await this.#abandoned(file, m))) continue
      const from = join(this.dir, file)
      const home = join(this.dir, m === null ? file : file.slice(0, m.index))
      const path = home + this.#claimSuffix()
      try {
        await rename(from, path)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw error
      }
      claims.push({ path, home, entry: await this.#read(path) })
    }
    return claims.sort((a, b) => a.entry.spooledAt - b.entry.spooledAt)
  }

  async #abandoned(file: string, m: RegExpExecArray): Promise<boolean> {
    if (m[1] === this.#host && !alive(Number(m[2]))) return true
    try {
      const entry = await this.#read(join(this.dir, file))
      return Date.now() - entry.spooledAt > STALE_CLAIM_MS
    } catch {
      return false
    }
  }

  async #read(path: string): Promise<SpoolEntry> {
    const text = await readFile(path, 'utf8')
    let entry: Partial<SpoolEntry>
    try {
      entry = JSON.parse(text) as Partial<SpoolEntry>
    } catch (error) {
      throw new StoreError(`spool entry ${path} is not valid JSON`, {
        where: { file: path },
        hint: 'move the file out of the spool directory and inspect it',
        cause: error
      })
    }
    if (entry.version !== 1 || typeof entry.job !== 'string') {
      throw new StoreError(`spool entry ${path} has an unknown format`, {
        where: { file: path },
        hint: 'it was written by another stackci version; replay it with that version'
      })
    }
    return entry as SpoolEntry
  }

  async #writeAtomic(path: string, entry: SpoolEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const temp = `${path}.${nodeCrypto().randomBytes(4).toString('hex')}.tmp`
    await writeFile(temp, `${JSON.stringify(entry)}\n`)
    await rename(temp, path)
  }
}

/** The prepared job of an entry. */
export function entryJob(entry: SpoolEntry): DispatchJob {
  return {
    id: entry.jobId,
    source: entry.source,
    createdAt: entry.createdAt,
    series: entry.series,
    provenance: entry.provenance,
    job: parseJob(entry.job, entry.source)
  }
}

/**
 * The part of a job still to send, when a store stored the rest (an error
 * carrying `remaining`, like the Sasquatch store's).
 */
function remainingOf(error: unknown): DispatchJob | undefined {
  const rest = (error as { remaining?: Partial<DispatchJob> } | null)?.remaining
  return typeof rest === 'object' && Array.isArray(rest.job?.measurements)
    ? (rest as DispatchJob)
    : undefined
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
