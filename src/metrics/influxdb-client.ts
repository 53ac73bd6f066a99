/**
 * A small InfluxDB 1.x HTTP client (`/write`, `/query`, `/ping`) as influxd
 * 1.6 behaves: line protocol in batches (5,000 lines by default, several in
 * flight), `db`/`rp`/`precision` parameters, HTTP Basic auth (masked), a
 * 400 partial write reported with what was dropped (the valid lines of the
 * batch are stored, so it is not retried), a 413 batch split in two, 5xx
 * and connection faults retried — except "retention policy not found",
 * which influxd answers with a 500 that no retry can fix.
 */

import { plural } from '../core/format.js'
import { HttpError, StoreError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { defaultShouldRetry } from '../core/retry.js'
import { type Clock } from '../core/clock.js'
import { basicAuthHeader, redactUrl } from '../core/secrets.js'
import { httpRequest, type HttpOptions } from './http.js'
import { encodePoint, type Point, type Precision } from './line-protocol.js'

export interface InfluxOptions {
  url: string
  database: string
  retentionPolicy?: string
  precision?: Precision
  username?: string
  password?: string
  /**
   * The variables the credentials come from (default INFLUXDB_USERNAME and
   * INFLUXDB_PASSWORD), so a 401 says which to set.
   */
  credentialVars?: { username: string; password: string }
  /** Lines per request (default 5,000, InfluxData's advice). */
  batchSize?: number
  /** Requests in flight at once (default 3). */
  concurrency?: number
  timeoutMs?: number
  retries?: number
  minDelayMs?: number
  clock?: Clock
  reporter: Reporter
}

export interface InfluxSeries {
  name: string
  columns: string[]
  values: unknown[][]
  tags?: Record<string, string>
}

/** A 400 from /write: some lines were refused; the others were stored. */
export class PartialWriteError extends StoreError {
  constructor(
    message: string,
    readonly dropped: number,
    options: ConstructorParameters<typeof StoreError>[1]
  ) {
    super(message, options)
  }
}

const RP_NOT_FOUND = /retention policy not found/i

/** 5xx and the usual transient faults are retried, rp-not-found is not. */
export function influxShouldRetry(
  error: unknown
): ReturnType<typeof defaultShouldRetry> {
  if (error instanceof HttpError && error.status !== undefined) {
    if (RP_NOT_FOUND.test(error.message)) return false
    if (error.status >= 500) return true
  }
  return defaultShouldRetry(error)
}

export class InfluxClient {
  readonly url: string
  readonly #o: InfluxOptions
  readonly #auth: Record<string, string>
  #created = false

  constructor(options: InfluxOptions) {
    this.#o = options
    this.url = redactUrl(options.url).replace(/\/+$/, '')
    const parsed = new URL(options.url)
    const user = options.username ?? decodeURIComponent(parsed.username)
    const pass = options.password ?? decodeURIComponent(parsed.password)
    options.reporter.mask(pass === '' ? undefined : pass)
    this.#auth = {}
    if (user !== '' || pass !== '') {
      const header = basicAuthHeader(user, pass)
      options.reporter.mask(header)
      options.reporter.mask(header.slice('Basic '.length))
      this.#auth.authorization = header
    }
  }

  get database(): string {
    return this.#o.database
  }

  #http(): HttpOptions {
    const o = this.#o
    return {
      service: 'InfluxDB',
      reporter: o.reporter,
      shouldRetry: influxShouldRetry,
      timeoutMs: o.timeoutMs ?? 30_000,
      ...(o.retries === undefined ? {} : { retries: o.retries }),
      ...(o.minDelayMs === undefined ? {} : { minDelayMs: o.minDelayMs }),
      ...(o.clock === undefined ? {} : { clock: o.clock })
    }
  }

  /** `POST /query` (CREATE, DROP, …) or `GET /query` (SELECT, SHOW). */
  async query(
    q: string,
    options: { post?: boolean } = {}
  ): Promise<InfluxSeries[]> {
    const params = new URLSearchParams({ db: this.#o.database, q, epoch: 'ms' })
    const post = options.post === true
    const response = await this.#unauthorizedExplained(
      httpRequest(this.#http(), {
        method: post ? 'POST' : 'GET',
        url: `${this.url}/query${post ? '' : `?${params.toString()}`}`,
        headers: {
          ...this.#auth,
          ...(post
            ? { 'content-type': 'application/x-www-form-urlencoded' }
            : {})
        },
        ...(post ? { body: params.toString() } : {}),
        what: `query ${q.length > 80 ? `${q.slice(0, 80)}…` : q}`
      })
    )
    const json = JSON.parse(response.text) as {
      results?: { error?: string; series?: InfluxSeries[] }[]
    }
    const out: InfluxSeries[] = []
    for (const r of json.results ?? []) {
      // Errors inside a statement come back as HTTP 200.
      if (r.error !== undefined) {
        throw new StoreError(`InfluxDB query failed: ${r.error}`, {
          where: { url: this.url },
          hint: `the query was: ${q}`
        })
      }
      out.push(...(r.series ?? []))
    }
    return out
  }

  /** Creates the database once per client (CREATE DATABASE is idempotent). */
  async ensureDatabase(): Promise<void> {
    if (this.#created) return
    try {
      await this.query(
        `CREATE DATABASE "${this.#o.database.replace(/"/g, '\\"')}"`,
        {
          post: true
        }
      )
    } catch (error) {
      // A writer without admin rights cannot create it; it may exist anyway.
      if (!(error instanceof HttpError && error.status === 403)) throw error
      this.#o.reporter.debug(
        `InfluxDB: cannot create the database (${errorMessage(error)}); assuming it exists`
      )
    }
    this.#created = true
  }

  /**
   * Encodes and writes points. Each batch is encoded when it is about to be
   * sent (while others are in flight), into one string: a million points
   * never sit in memory as a million small strings.
   */
  async writePoints(points: readonly Point[]): Promise<number> {
    return this.#send(points.length, (from, to) => {
      let body = ''
      for (let i = from; i < to; i++)
        body += `${i === from ? '' : '\n'}${encodePoint(points[i] as Point)}`
      return body
    })
  }

  /** Writes encoded lines (no line breaks inside) in batches. */
  async writeLines(lines: readonly string[]): Promise<number> {
    return this.#send(lines.length, (from, to) =>
      lines.slice(from, to).join('\n')
    )
  }

  /** Sends `count` lines in batches, `concurrency` requests at a time. */
  async #send(
    count: number,
    body: (from: number, to: number) => string
  ): Promise<number> {
    const size = Math.max(1, this.#o.batchSize ?? 5000)
    const batches = Math.ceil(count / size)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < batches) {
        const from = size * next++
        const to = Math.min(count, from + size)
        await this.#writeBatch(body(from, to), to - from)
      }
    }
    const n = Math.min(Math.max(1, this.#o.concurrency ?? 3), batches)
    await Promise.all(Array.from({ length: n }, worker))
    return count
  }

  async #writeBatch(body: string, count: number): Promise<void> {
    const params = new URLSearchParams({ db: this.#o.database })
    if (this.#o.retentionPolicy !== undefined)
      params.set('rp', this.#o.retentionPolicy)
    params.set('precision', this.#o.precision ?? 'ms')
    try {
      await httpRequest(this.#http(), {
        method: 'POST',
        url: `${this.url}/write?${params.toString()}`,
        headers: { ...this.#auth, 'content-type': 'text/plain; charset=utf-8' },
        body,
        ok: [204],
        what: `write of ${plural(count, 'point')} to ${this.#o.database}`
      })
    } catch (error) {
      if (!(error instanceof HttpError)) throw error
      if (error.status === 413 && count > 1) {
        // Too big for the server: halve it (lines hold no raw line breaks).
        const lines = body.split('\n')
        const half = Math.ceil(lines.length / 2)
        await this.#writeBatch(lines.slice(0, half).join('\n'), half)
        await this.#writeBatch(
          lines.slice(half).join('\n'),
          lines.length - half
        )
        return
      }
      throw this.#explain(error, count)
    }
  }

  /** A 401 becomes a StoreError that names the variables to set. */
  async #unauthorizedExplained<T>(request: Promise<T>): Promise<T> {
    try {
      return await request
    } catch (error) {
      if (error instanceof HttpError && error.status === 401)
        throw this.#unauthorized(error)
      throw error
    }
  }

  #unauthorized(error: HttpError): StoreError {
    const vars = this.#o.credentialVars ?? {
      username: 'INFLUXDB_USERNAME',
      password: 'INFLUXDB_PASSWORD'
    }
    const sent = this.#auth.authorization !== undefined
    return new StoreError(
      sent
        ? 'InfluxDB refused the credentials (401)'
        : 'InfluxDB asks for credentials (401) and none were given',
      {
        where: { url: this.url },
        hint: sent
          ? `check ${vars.username} and ${vars.password}: the user must exist on this server with the right to write to ${JSON.stringify(this.#o.database)}`
          : `set ${vars.username} and ${vars.password} (or name other variables with username-env/password-env)`,
        cause: error
      }
    )
  }

  #explain(error: HttpError, count: number): Error {
    const db = this.#o.database
    if (error.status === 401) return this.#unauthorized(error)
    if (error.status === 400) {
      const dropped = /dropped=(\d+)/.exec(error.message)
      const n = dropped === null ? count : Number(dropped[1])
      return new PartialWriteError(
        `InfluxDB refused ${n} of ${count} point(s) in ${db}: ${error.message}`,
        n,
        {
          where: { url: this.url },
          hint: 'the other points of the batch were stored; a field type conflict means the measurement already holds that field with another type',
          cause: error
        }
      )
    }
    if (error.status === 404) {
      return new StoreError(
        `InfluxDB database ${JSON.stringify(db)} does not exist`,
        {
          where: { url: this.url },
          hint: 'create it (CREATE DATABASE) or let stackci create it (create-database: true)',
          cause: error
        }
      )
    }
    if (RP_NOT_FOUND.test(error.message)) {
      return new StoreError(error.message, {
        where: { url: this.url },
        hint: `create the retention policy ${JSON.stringify(this.#o.retentionPolicy ?? '')} on ${db}, or leave retention-policy unset`,
        cause: error
      })
    }
    return error
  }
}
