/**
 * What the bridge reads from Jenkins about a finished build before applying
 * its final event: the authoritative state (`api/json`, when BRIDGE_REFETCH)
 * and, for a failed build, the console log tail for the failure reply. The
 * reads run beside the event worker, a few at a time and each within a
 * deadline, so a Jenkins that accepts connections and never answers holds
 * back only the builds it was asked about — every other event is applied
 * meanwhile — and a stop aborts them at once (their events stay pending in
 * the store for the next start).
 */

import { errorMessage } from '../core/errors.js'
import { isFailing } from '../notify/build-model.js'
import type { AuthoritativeBuild } from './build-state.js'
import type { BuildEvent } from './event.js'
import type { JenkinsBuildSource } from './jenkins-source.js'
import type { Log } from './log.js'

/** What Jenkins said about one final event (nothing, when it could not). */
export interface Enrichment {
  build?: AuthoritativeBuild
  log?: string
}

export interface BuildFetcherOptions {
  source: JenkinsBuildSource
  /** Re-fetch the build's state (BRIDGE_REFETCH). */
  refetch: boolean
  /** Lines of log tail for a failed build (0: none). */
  logLines: number
  log: Log
  /** Called when a read has ended (its event can be applied). */
  onDone: () => void
  concurrency?: number
  /** Longest time for all of one event's reads, retries included. */
  deadlineMs?: number
}

export class BuildFetcher {
  readonly #o: BuildFetcherOptions
  readonly #queue: { id: number; e: BuildEvent }[] = []
  readonly #busy = new Set<number>()
  readonly #done = new Map<number, Enrichment>()
  readonly #abort = new AbortController()
  #active = 0

  constructor(options: BuildFetcherOptions) {
    this.#o = options
  }

  /** Whether a final event needs a read before it is applied. */
  wants(e: BuildEvent): boolean {
    if (e.phase !== 'COMPLETED' && e.phase !== 'FINALIZED') return false
    return this.#o.refetch || this.#wantsLog(e, undefined)
  }

  #wantsLog(e: BuildEvent, b: AuthoritativeBuild | undefined): boolean {
    const result = b?.building === false ? b.result : (b?.result ?? e.result)
    return (
      this.#o.logLines > 0 &&
      (e.log === undefined || e.log === '') &&
      isFailing(result ?? e.result)
    )
  }

  /** 'busy' while queued or reading, 'done' once {@link take} can have it. */
  state(id: number): 'busy' | 'done' | undefined {
    if (this.#done.has(id)) return 'done'
    return this.#busy.has(id) ? 'busy' : undefined
  }

  /** The result of a finished read (forgotten once taken). */
  take(id: number): Enrichment | undefined {
    const r = this.#done.get(id)
    this.#done.delete(id)
    return r
  }

  start(id: number, e: BuildEvent): void {
    if (this.#busy.has(id) || this.#done.has(id) || this.#abort.signal.aborted)
      return
    this.#busy.add(id)
    this.#queue.push({ id, e })
    this.#next()
  }

  /** Aborts every read; nothing more is started. */
  stop(): void {
    this.#queue.length = 0
    this.#abort.abort(new Error('the bridge is stopping'))
  }

  #next(): void {
    while (this.#active < (this.#o.concurrency ?? 4)) {
      const item = this.#queue.shift()
      if (item === undefined) return
      this.#active++
      void this.#read(item.e)
        .then((r) => {
          if (this.#abort.signal.aborted) return
          this.#done.set(item.id, r)
          this.#o.onDone()
        })
        .finally(() => {
          this.#busy.delete(item.id)
          this.#active--
          this.#next()
        })
    }
  }

  async #read(e: BuildEvent): Promise<Enrichment> {
    const signal = AbortSignal.any([
      this.#abort.signal,
      AbortSignal.timeout(this.#o.deadlineMs ?? 20_000)
    ])
    const out: Enrichment = {}
    const { source } = this.#o
    const what = `${e.job} #${e.number}`
    try {
      if (this.#o.refetch)
        out.build = await abortable(source.fetchBuild(e, signal), signal)
    } catch (error) {
      if (this.#abort.signal.aborted) return out
      this.#o.log.warn(`cannot re-fetch ${what}; using the payload's result`, {
        error: errorMessage(error)
      })
    }
    if (!this.#wantsLog(e, out.build)) return out
    try {
      out.log = await abortable(
        source.fetchLogTail(e, this.#o.logLines, signal),
        signal
      )
    } catch (error) {
      // Optional detail: the reply goes out without it.
      if (!this.#abort.signal.aborted)
        this.#o.log.warn(`no log tail for ${what}: ${errorMessage(error)}`)
    }
    return out
  }
}

/** `p`, or a rejection as soon as `signal` aborts (whatever `p` does). */
async function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw signal.reason
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort)
    })
  })
}
