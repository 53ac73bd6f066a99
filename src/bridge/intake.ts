/**
 * `POST /jenkins`: the one door events come in by. The checks run in a fixed
 * order, cheapest and least trusting first — size (413), content type (415),
 * credentials in the headers (401) — and only then is the body read, within
 * a time limit and a budget of bytes buffered at once (503), verified when
 * signed (401), parsed (400). Nothing that fails a check reaches the store,
 * and a refused body is never read past the size limit. An accepted event is
 * committed to SQLite before Jenkins gets its 2xx; concurrent requests share
 * one transaction (group commit), so durability costs one fsync per batch,
 * not per event.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorMessage, formatProblem, InputError } from '../core/errors.js'
import { eventKey, parseEvent } from './event.js'
import { discard, isJsonContentType, readBody, sendJson } from './http-io.js'
import type { Log } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import { checkCredentials, type AuthOutcome } from './signature.js'
import type { BridgeStore, InsertResult, NewEvent } from './store.js'

export interface IntakeOptions {
  store: BridgeStore
  auth: { secret?: string; urlToken?: string }
  maxBodyBytes: number
  /** Time the client has to send the whole body once the headers are in. */
  bodyTimeoutMs?: number
  /**
   * Events older than this (by their own timestamp) are refused when they
   * come with a URL token: their dedupe keys may be pruned, so a replay
   * could not be told from a new event (BRIDGE_RETENTION).
   */
  maxEventAgeMs?: number
  metrics: BridgeMetrics
  log: Log
  now?: () => number
  /** Called after a batch of new events is committed. */
  onAccepted?: () => void
}

interface Waiting {
  row: NewEvent
  resolve: (r: InsertResult) => void
  reject: (e: unknown) => void
}

export class EventIntake {
  readonly #o: IntakeOptions
  readonly #now: () => number
  #queue: Waiting[] = []
  #scheduled = false
  /** Bytes of bodies being read right now, against {@link #budget}. */
  #buffered = 0
  readonly #budget: number

  constructor(options: IntakeOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
    // Events are a few KB: four bodies of the largest size at once is
    // plenty, and bounds what senders without a valid signature can pin.
    this.#budget = Math.max(4 * 1024 * 1024, 4 * options.maxBodyBytes)
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const status = await this.#handle(req, res)
    if (status >= 400) this.#o.metrics.rejected.inc({ status: String(status) })
    else
      this.#o.metrics.acceptLatency.observe(
        (performance.now() - started) / 1000
      )
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const max = this.#o.maxBodyBytes
    const reject = (
      status: number,
      error: string,
      extra: Record<string, unknown> = {},
      headers: Record<string, string> = {}
    ): number => {
      this.#o.log.warn('event rejected', {
        status,
        error,
        path: req.url?.split('?')[0]
      })
      sendJson(res, status, { error, ...extra }, headers)
      discard(req, max)
      return status
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'use POST' }, { allow: 'POST' })
      discard(req, max)
      return 405
    }
    const declared = Number(req.headers['content-length'] ?? Number.NaN)
    if (declared > max)
      return reject(413, `the body is larger than ${max} bytes`)
    if (!isJsonContentType(req.headers['content-type']))
      return reject(
        415,
        `send Content-Type: application/json (got ${req.headers['content-type'] ?? 'none'})`
      )
    // Credentials before a single byte of the body is read.
    const credentials = checkCredentials(
      { headers: req.headers, url: req.url ?? '/' },
      this.#o.auth,
      this.#now()
    )
    if (credentials.ok === false) return reject(401, credentials.reason)
    const reserve = Number.isFinite(declared) ? declared : max
    if (this.#buffered + reserve > this.#budget)
      return reject(
        503,
        'too many events are being received at once; retry',
        {},
        { 'retry-after': '1' }
      )
    this.#buffered += reserve
    let read: Buffer | 'too large' | 'timeout' | undefined
    try {
      read = await readBody(req, max, this.#o.bodyTimeoutMs ?? 30_000)
    } finally {
      this.#buffered -= reserve
    }
    if (read === undefined) return 400 // the client went away: nobody to answer
    if (read === 'too large')
      return reject(413, `the body is larger than ${max} bytes`)
    if (read === 'timeout') {
      reject(408, 'the body took too long to arrive')
      req.socket.destroy()
      return 408
    }
    const body = read
    const auth: AuthOutcome =
      credentials.ok === 'body' ? credentials.verify(body) : credentials
    if (!auth.ok) return reject(401, auth.reason)
    let json: unknown
    try {
      json = JSON.parse(body.toString('utf8'))
    } catch (error) {
      return reject(400, `malformed JSON: ${errorMessage(error)}`)
    }
    let event
    try {
      event = parseEvent(json)
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      return reject(400, error.message, {
        problems: error.problems.map(formatProblem)
      })
    }
    const maxAge = this.#o.maxEventAgeMs
    if (
      auth.method === 'token' &&
      maxAge !== undefined &&
      event.timestamp !== undefined &&
      event.timestamp < this.#now() - maxAge
    )
      return reject(
        400,
        `the event is from ${new Date(event.timestamp).toISOString()}, older than BRIDGE_RETENTION: it cannot be told from a replay`
      )
    const key = eventKey(event)
    let result: InsertResult
    try {
      result = await this.#persist({
        key,
        job: event.job,
        number: event.number,
        phase: event.phase,
        payload: JSON.stringify(event),
        receivedAt: this.#now()
      })
    } catch (error) {
      this.#o.log.error('cannot store the event', {
        key,
        error: errorMessage(error)
      })
      sendJson(
        res,
        503,
        { error: 'the bridge cannot store events right now; retry' },
        { 'retry-after': '5' }
      )
      return 503
    }
    if (result.duplicate) {
      this.#o.metrics.duplicates.inc()
      this.#o.log.debug('duplicate event', { key })
      sendJson(res, 200, { accepted: true, duplicate: true, key })
      return 200
    }
    this.#o.metrics.accepted.inc()
    this.#o.log.debug('event accepted', {
      key,
      id: result.id,
      auth: auth.method
    })
    sendJson(res, 202, { accepted: true, duplicate: false, key, id: result.id })
    return 202
  }

  /** Queues a row for the next group commit. */
  async #persist(row: NewEvent): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ row, resolve, reject })
      if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => {
          this.#flush()
        })
      }
    })
  }

  #flush(): void {
    const batch = this.#queue
    this.#queue = []
    this.#scheduled = false
    let results: InsertResult[]
    try {
      results = this.#o.store.insertEvents(batch.map((w) => w.row))
    } catch (error) {
      for (const w of batch) w.reject(error)
      return
    }
    if (results.some((r) => !r.duplicate)) this.#o.onAccepted?.()
    // The 2xx waits for the disk (one fsync shared by the whole burst).
    this.#o.store.durable().then(
      () => {
        batch.forEach((w, i) => {
          w.resolve(results[i] ?? { id: undefined, duplicate: true })
        })
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error)
      }
    )
  }
}
