/**
 * Sending prepared jobs to every configured store, and replaying the spool.
 * Every store checks every job first (a hostile tag value fails the whole
 * dispatch before anything is sent). Each send is spooled ahead and the
 * entry deleted on success, so a failure — or a crash — loses nothing. A
 * store that failed after its retries is not tried again in the same run:
 * the remaining jobs go straight to the spool.
 */

import {
  HttpError,
  StoreError,
  errorMessage,
  isUserError
} from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { PartialWriteError } from './influxdb-client.js'
import type { DispatchJob } from './record.js'
import { entryJob, type Claim, type Spool } from './spool.js'
import type { MetricStore } from './store.js'

export interface StoreTally {
  type: string
  label: string
  written: number
  skipped: number
  /** Jobs left in the spool for this store. */
  spooled: number
  errors: string[]
}

export interface DispatchResult {
  jobs: number
  stores: StoreTally[]
  /** Spool entries left behind (to replay). */
  spooled: number
}

export interface DispatchOptions {
  stores: readonly MetricStore[]
  /** Without a spool, a failed send is an error. */
  spool?: Spool
  reporter: Reporter
  /**
   * `<job id>.<store type>` pairs already sent in this run (by the replay
   * that preceded it): not sent twice, since SQuaSH would keep both.
   */
  alreadySent?: ReadonlySet<string>
}

function tally(store: MetricStore): StoreTally {
  return {
    type: store.type,
    label: store.label,
    written: 0,
    skipped: 0,
    spooled: 0,
    errors: []
  }
}

/** Sends `jobs` to every store; see the module comment. */
export async function dispatchJobs(
  jobs: readonly DispatchJob[],
  options: DispatchOptions
): Promise<DispatchResult> {
  const { stores, spool, reporter } = options
  for (const store of stores) store.prepare(jobs)
  const tallies = stores.map(tally)
  const down = new Set<number>()
  const progress =
    jobs.length > 20
      ? reporter.progress('sending jobs', jobs.length)
      : undefined
  for (const d of jobs) {
    await Promise.all(
      stores.map(async (store, i) => {
        const t = tallies[i] as StoreTally
        if (options.alreadySent?.has(`${d.id}.${store.type}`) === true) {
          t.skipped += d.job.measurements.length
          return
        }
        const claim =
          spool === undefined
            ? undefined
            : await spool.hold(d, { type: store.type, label: store.label })
        if (down.has(i)) {
          if (claim !== undefined && spool !== undefined)
            await spool.release(claim, t.errors[0] ?? 'store unavailable')
          t.spooled++
          return
        }
        try {
          const r = await store.write(d)
          t.written += r.written
          t.skipped += r.skipped
          reporter.debug(
            `${store.label}: job ${d.id} (${d.source}): ${r.written} written, ${r.skipped} already there${r.detail === undefined ? '' : ` — ${r.detail}`}`
          )
          if (claim !== undefined && spool !== undefined)
            await spool.done(claim)
        } catch (error) {
          await onFailure(error, d, store, t, claim, options)
          if (storeIsDown(error)) down.add(i)
        }
      })
    )
    progress?.tick()
  }
  progress?.done()
  const result = {
    jobs: jobs.length,
    stores: tallies,
    spooled: tallies.reduce((n, t) => n + t.spooled, 0)
  }
  if (spool === undefined) throwIfFailed(result)
  return result
}

async function onFailure(
  error: unknown,
  d: DispatchJob,
  store: MetricStore,
  t: StoreTally,
  claim: Claim | undefined,
  options: DispatchOptions
): Promise<void> {
  const message = errorMessage(error)
  t.errors.push(message)
  if (claim === undefined || options.spool === undefined) return
  await options.spool.release(claim, error)
  t.spooled++
  // The first line says what failed; the hint (e.g. which variable to set)
  // says what to do, so it is kept too.
  const hint = message.split('\n').find((line) => line.startsWith('hint: '))
  options.reporter.warning(
    `${store.label}: job ${d.id} (${d.source}) was not stored: ${message.split('\n')[0] ?? ''}\n` +
      (hint === undefined ? '' : `${hint}\n`) +
      `It is kept in ${claim.home}; send it again with: stackci metrics replay --spool ${options.spool.dir}`
  )
}

/**
 * After its retries, is the store unusable for the rest of the run? Not
 * when the fault is the job's (bad input, a 4xx about this job, a partial
 * write): the next job may well go through.
 */
export function storeIsDown(error: unknown): boolean {
  if (isUserError(error) || error instanceof PartialWriteError) return false
  if (error instanceof HttpError && error.status !== undefined) {
    const s = error.status
    if (s >= 400 && s < 500 && s !== 401 && s !== 403 && s !== 408 && s !== 429)
      return false
  }
  return true
}

function throwIfFailed(result: DispatchResult): void {
  const failed = result.stores.filter((t) => t.errors.length > 0)
  if (failed.length === 0) return
  throw new StoreError(
    `${failed.map((t) => t.label).join(', ')}: ${failed.reduce((n, t) => n + t.errors.length, 0)} job(s) not stored`,
    {
      problems: failed.flatMap((t) =>
        t.errors.slice(0, 5).map((e) => ({
          where: {},
          message: `${t.label}: ${e.split('\n')[0] ?? ''}`
        }))
      ),
      hint: 'configure a spool directory so failed sends are kept for stackci metrics replay'
    }
  )
}

export interface ReplayResult {
  /** Entries sent and removed from the spool. */
  sent: number
  /** `<job id>.<store type>` of each entry sent. */
  sentKeys: string[]
  /** Entries still in the spool (failed again, or no such store now). */
  left: number
  errors: string[]
}

/** Sends every spooled entry again; entries that fail stay in the spool. */
export async function replaySpool(
  spool: Spool,
  stores: readonly MetricStore[],
  reporter: Reporter
): Promise<ReplayResult> {
  const claims = await spool.claimAll()
  const result: ReplayResult = { sent: 0, sentKeys: [], left: 0, errors: [] }
  if (claims.length === 0) return result
  const progress = reporter.progress('replaying the spool', claims.length)
  const down = new Set<string>()
  for (const claim of claims) {
    const entry = claim.entry
    const store = stores.find((s) => s.type === entry.store.type)
    const fail = async (error: unknown): Promise<void> => {
      result.left++
      result.errors.push(`${entry.store.label}: ${errorMessage(error)}`)
      await spool.release(claim, error)
    }
    if (store === undefined) {
      await fail(
        new StoreError(
          `spooled for ${entry.store.label}, but no ${entry.store.type} store is configured`
        )
      )
    } else if (down.has(store.type)) {
      await spool.release(claim, entry.lastError ?? 'store unavailable')
      result.left++
    } else {
      try {
        const d = entryJob(entry)
        store.prepare([d])
        await store.write(d)
        await spool.done(claim)
        result.sent++
        result.sentKeys.push(`${d.id}.${store.type}`)
      } catch (error) {
        await fail(error)
        if (storeIsDown(error)) down.add(store.type)
      }
    }
    progress.tick()
  }
  progress.done(`${result.sent} sent, ${result.left} left in ${spool.dir}`)
  return result
}
