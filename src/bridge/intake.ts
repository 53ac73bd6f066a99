/**
 * `POST /jenkins`: the one door events come in by. The checks run in a fixed
 * order, cheapest and least trusting first — size (413), content type (415),
 * authentication on the raw bytes (401), JSON and shape (400) — and nothing
 * that fails one of them reaches the store. An accepted event is committed
 * to SQLite before Jenkins gets its 2xx; concurrent requests share one
 * transaction (group commit), so durability costs one fsync per batch, not
 * per event.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorMessage, formatProblem, InputError } from '../core/errors.js'
import { eventKey, parseEvent } from './event.js'
import type { Log } from './log.js'
import type { BridgeMetrics } from './metrics.js'
import { authenticate } from './signature.js'
import type { BridgeStore, InsertResult, NewEvent } from './store.js'

export interface IntakeOptions {
  store: BridgeStore
  auth: { secret?: string; urlToken?: string }
  maxBodyBytes: number
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

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}

/** `application/json` with no charset or UTF-8 (the plugin sends `;charset=UTF-8`). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false
  const [type = '', ...params] = value
    .split(';')
    .map((p) => p.trim().toLowerCase())
  if (type !== 'application/json') return false
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '')
  return charset === undefined || charset === 'utf-8' || charset === 'utf8'
}

export class EventIntake {
  readonly #o: IntakeOptions
  readonly #now: () => number
  #queue: Waiting[] = []
  #scheduled = false

  constructor(options: IntakeOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
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
      extra: Record<string, unknown> = {}
    ): number => {
      this.#o.log.warn('event rejected', {
        status,
        error,
        path: req.url?.split('?')[0]
      })
      sendJson(res, status, { error, ...extra })
      if (!req.readableEnded) discard(req, max)
      return status
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'use POST' }, { allow: 'POST' })
      return 405
    }
    if (Number(req.headers['content-length'] ?? 0) > max)
      return reject(413, `the body is larger than ${max} bytes`)
    if (!isJsonContentType(req.headers['content-type']))
      return reject(
        415,
        `send Content-Type: application/json (got ${req.headers['content-type'] ?? 'none'})`
      )
    const body = await readBody(req, max)
    if (body === undefined)
      return reject(413, `the body is larger than ${max} bytes`)
    const auth = authenticate(
      { headers: req.headers, url: req.url ?? '/', body },
      this.#o.auth
    )
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

/** The body, or undefined when it is larger than `max` bytes. */
async function readBody(
  req: IncomingMessage,
  max: number
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      // Past the limit the rest is read and dropped, so the client still
      // gets its 413 instead of a reset connection.
      if (size <= max) chunks.push(chunk)
      else if (size > DISCARD_FACTOR * max) {
        req.destroy()
        resolve(undefined)
      }
    })
    req.on('end', () => {
      resolve(size > max ? undefined : Buffer.concat(chunks, size))
    })
    req.on('error', reject)
    // A client that goes away mid-body: nothing to answer.
    req.on('close', () => {
      resolve(undefined)
    })
  })
}

/** Beyond this many times the limit, a body is cut off, not drained. */
const DISCARD_FACTOR = 8

/** Reads and drops the rest of a refused request's body (up to a cap). */
function discard(req: IncomingMessage, max: number): void {
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > DISCARD_FACTOR * max) req.destroy()
  })
  req.resume()
}
