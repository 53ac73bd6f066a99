/**
 * The SQuaSH store, speaking dispatch_verify's protocol: `GET <api root>`
 * lists the endpoints (cached), `POST <auth>` `{username, password}` gives
 * an access token, `POST <job>` with `Authorization: JWT <token>` sends
 * `{measurements, blobs, meta}` (never metrics or specs; `meta.packages`
 * always present) and answers 202. Unlike dispatch_verify we retry
 * transient faults, including 500 (SQuaSH's answer to an overloaded
 * worker), and re-authenticate once when a token has expired.
 */

import { HttpError, StoreError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { defaultShouldRetry, type RetryDecision } from '../core/retry.js'
import { type Clock } from '../core/clock.js'
import { redactUrl } from '../core/secrets.js'
import { serializeJob } from '../verify/index.js'
import { httpRequest, storeHttpOptions, type HttpOptions } from './http.js'
import type { DispatchJob } from './record.js'
import type { MetricStore, WriteOutcome } from './store.js'

export interface SquashStoreOptions {
  /** The API root, e.g. `https://squash-restful-api.lsst.codes/`. */
  url: string
  user: string
  password: string
  timeoutMs?: number
  retries?: number
  minDelayMs?: number
  clock?: Clock
  reporter: Reporter
}

const ACCEPT = 'application/json; version=1.0'

export function squashShouldRetry(error: unknown): RetryDecision {
  if (error instanceof HttpError && (error.status ?? 0) >= 500) return true
  return defaultShouldRetry(error)
}

/** The body dispatch_verify posts: measurements, blobs and meta only. */
export function squashBody(d: DispatchJob): {
  measurements: unknown[]
  blobs: unknown[]
  meta: Record<string, unknown>
} {
  const full = JSON.parse(serializeJob(d.job)) as {
    measurements: unknown[]
    blobs: unknown[]
    meta: Record<string, unknown>
  }
  const meta = { ...full.meta }
  if (typeof meta.packages !== 'object' || meta.packages === null)
    meta.packages = {}
  return { measurements: full.measurements, blobs: full.blobs, meta }
}

export class SquashStore implements MetricStore {
  readonly type = 'squash'
  readonly label: string
  readonly #o: SquashStoreOptions
  readonly #root: string
  #endpoints: Record<string, string> | undefined
  #token: string | undefined

  constructor(options: SquashStoreOptions) {
    this.#o = options
    options.reporter.mask(options.password)
    this.#root = options.url
    this.label = `squash ${redactUrl(options.url)}`
  }

  #http(): HttpOptions {
    return storeHttpOptions('SQuaSH', this.#o, squashShouldRetry, 120_000)
  }

  prepare(jobs: readonly DispatchJob[]): void {
    for (const d of jobs) squashBody(d)
  }

  async #endpoint(name: string): Promise<string> {
    if (this.#endpoints === undefined) {
      const r = await httpRequest(this.#http(), {
        method: 'GET',
        url: this.#root,
        headers: { accept: ACCEPT },
        what: 'API root'
      })
      let map: unknown
      try {
        map = JSON.parse(r.text)
      } catch {
        map = undefined
      }
      if (typeof map !== 'object' || map === null) {
        throw new StoreError(
          `${redactUrl(this.#root)} is not a SQuaSH API root`,
          {
            where: { url: redactUrl(this.#root) },
            hint: 'use the API root that lists the endpoints, e.g. https://squash-restful-api.lsst.codes/'
          }
        )
      }
      this.#endpoints = map as Record<string, string>
    }
    const url = this.#endpoints[name]
    if (typeof url !== 'string') {
      throw new StoreError(`the SQuaSH API root lists no ${name} endpoint`, {
        where: { url: redactUrl(this.#root) },
        hint: 'check the SQuaSH URL (it must be the REST API root, not the dashboard)'
      })
    }
    return url
  }

  async #login(): Promise<string> {
    const url = await this.#endpoint('auth')
    const r = await httpRequest(this.#http(), {
      method: 'POST',
      url,
      headers: { accept: ACCEPT, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: this.#o.user,
        password: this.#o.password
      }),
      what: `login as ${this.#o.user}`
    }).catch((error: unknown) => {
      if (error instanceof HttpError && error.status === 401) {
        throw new StoreError(
          `SQuaSH refused the credentials of user ${JSON.stringify(this.#o.user)}`,
          {
            where: { url: redactUrl(url) },
            hint: 'check SQUASH_USER and SQUASH_PASSWORD',
            cause: error
          }
        )
      }
      throw error
    })
    const token = (JSON.parse(r.text) as { access_token?: unknown })
      .access_token
    if (typeof token !== 'string' || token === '') {
      throw new StoreError('SQuaSH /auth answered without an access_token', {
        where: { url: redactUrl(url) }
      })
    }
    this.#o.reporter.mask(token)
    this.#token = token
    return token
  }

  preview(d: DispatchJob): unknown {
    return { url: redactUrl(this.#root), body: squashBody(d) }
  }

  async write(d: DispatchJob): Promise<WriteOutcome> {
    const url = await this.#endpoint('job')
    const body = JSON.stringify(squashBody(d))
    const post = async (token: string): Promise<string> =>
      (
        await httpRequest(this.#http(), {
          method: 'POST',
          url,
          headers: {
            accept: ACCEPT,
            'content-type': 'application/json',
            authorization: `JWT ${token}`
          },
          body,
          ok: [200, 201, 202],
          what: `upload of job ${d.id} (${d.source})`
        })
      ).text
    let text: string
    try {
      try {
        text = await post(this.#token ?? (await this.#login()))
      } catch (error) {
        // An expired token: log in again, once.
        if (!(error instanceof HttpError && error.status === 401)) throw error
        text = await post(await this.#login())
      }
    } catch (error) {
      if (error instanceof HttpError && error.status === 500) {
        throw new HttpError(error.message, {
          status: 500,
          ...(error.where === undefined ? {} : { where: error.where }),
          hint: 'SQuaSH answers 500 when it is overloaded, and when a measurement is of an unknown metric: load the metric definitions first (POST /metrics), then replay',
          cause: error
        })
      }
      throw error
    }
    let message = ''
    try {
      const json = JSON.parse(text) as { message?: unknown }
      if (typeof json.message === 'string') message = json.message
    } catch {
      // a 2xx without JSON is still a success
    }
    return {
      written: 1,
      skipped: 0,
      ...(message === '' ? {} : { detail: message })
    }
  }

  async close(): Promise<void> {
    return Promise.resolve()
  }
}
