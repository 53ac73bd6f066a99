/**
 * One HTTP exchange with Jenkins: preemptive Basic auth, a per-call timeout,
 * classified bounded retries, a crumb and its session cookie fetched only
 * when Jenkins asks for one, and errors that name the URL (never the token).
 */

import { JenkinsError } from '../core/errors.js'
import {
  CRUMB_REJECTED,
  JenkinsHttpError,
  httpError,
  networkError,
  snippet
} from './http-errors.js'
import type { Reporter } from '../core/reporter.js'
import { describeRetry, retry, withTimeout } from '../core/retry.js'
import { systemClock, type Clock } from '../core/clock.js'
import { basicAuthHeader } from '../core/secrets.js'
import { HttpAgents, fetchHeaders, httpRequest } from '../core/http-request.js'

/** How crumbs are handled: `auto` fetches one only after a crumb 403. */
export type CrumbMode = 'auto' | 'always' | 'never'

export interface JenkinsHttpOptions {
  /** Base URL without credentials or trailing slash. */
  base: string
  user?: string
  token?: string
  reporter: Reporter
  clock?: Clock
  /** Per request, including reading the body. Default 30 s. */
  requestTimeoutMs?: number
  /** Extra attempts on transient faults. Default 4. */
  retries?: number
  crumb?: CrumbMode
  /** Connection pools; default: keep-alive, idle connections closed after 10 s. */
  agents?: HttpAgents
}

export interface RequestOptions {
  query?: Record<string, string | number>
  form?: URLSearchParams
  /** Statuses that are answers, not errors (default: 200–299). */
  accept?: readonly number[]
  signal?: AbortSignal
}

export interface JenkinsResponse {
  status: number
  headers: Headers
  body: Uint8Array
  /** The URL asked for (no credentials). */
  url: string
}

export class JenkinsHttp {
  readonly base: string
  readonly clock: Clock
  readonly #options: JenkinsHttpOptions
  readonly #auth: string | undefined
  readonly #agents: HttpAgents
  #crumb: { field: string; value: string } | undefined
  #cookies = new Map<string, string>()
  #crumbUnavailable = false

  constructor(options: JenkinsHttpOptions) {
    this.#options = options
    this.base = options.base
    this.clock = options.clock ?? systemClock
    if (options.token !== undefined) {
      // Mask first: the token and the header derived from it.
      options.reporter.mask(options.token)
      this.#auth = basicAuthHeader(options.user ?? '', options.token)
      options.reporter.mask(this.#auth)
      options.reporter.mask(this.#auth.slice('Basic '.length))
    }
    this.#agents = options.agents ?? new HttpAgents(10_000)
  }

  /** The full URL of a path under the base, with a query. */
  url(path: string, query?: RequestOptions['query']): string {
    const url = new URL(`${this.base}${path}`)
    for (const [k, v] of Object.entries(query ?? {})) {
      url.searchParams.set(k, String(v))
    }
    // `tree=a[b,c]` reads better unescaped (in logs and errors); Jenkins
    // accepts both. Only the query: job names in the path stay encoded.
    const search = url.search
      .replace(/%5B/g, '[')
      .replace(/%5D/g, ']')
      .replace(/%2C/g, ',')
    return `${url.origin}${url.pathname}${search}`
  }

  async get(
    path: string,
    options: RequestOptions = {}
  ): Promise<JenkinsResponse> {
    return this.request('GET', path, options)
  }

  async post(
    path: string,
    options: RequestOptions = {}
  ): Promise<JenkinsResponse> {
    return this.request('POST', path, options)
  }

  /** GET a JSON document. */
  async json(
    path: string,
    options: RequestOptions = {}
  ): Promise<{ json: unknown; url: string }> {
    const res = await this.get(path, options)
    const text = new TextDecoder().decode(res.body)
    try {
      return { json: JSON.parse(text) as unknown, url: res.url }
    } catch {
      throw new JenkinsError(
        `GET ${res.url} did not return JSON (${snippet(text)})`,
        {
          hint: 'is the URL a Jenkins server? A proxy or SSO login page answers with HTML'
        }
      )
    }
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    options: RequestOptions = {}
  ): Promise<JenkinsResponse> {
    const url = this.url(path, options.query)
    const what = `${method} ${url}`
    const attempt = async (): Promise<JenkinsResponse> => {
      if (method === 'POST' && this.#options.crumb === 'always')
        await this.#fetchCrumb(options.signal)
      try {
        return await this.#exchange(method, url, options)
      } catch (error) {
        // Password logins need a crumb bound to a session; API tokens never do.
        // Fetch one only when Jenkins says so, and retry once.
        if (
          method === 'POST' &&
          this.#options.crumb !== 'never' &&
          error instanceof JenkinsHttpError &&
          error.status === 403 &&
          CRUMB_REJECTED.test(error.text) &&
          !this.#crumbUnavailable
        ) {
          this.#options.reporter.debug(
            `${what}: Jenkins asked for a crumb; fetching one`
          )
          // A crumb we already hold may belong to an expired session.
          this.#crumb = undefined
          await this.#fetchCrumb(options.signal)
          return this.#exchange(method, url, options)
        }
        throw error
      }
    }
    return retry(attempt, {
      retries: this.#options.retries ?? 4,
      clock: this.clock,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onRetry: (info) => {
        this.#options.reporter.info(describeRetry(what, info))
      }
    })
  }

  async #exchange(
    method: string,
    url: string,
    options: RequestOptions
  ): Promise<JenkinsResponse> {
    const headers: Record<string, string> = { 'User-Agent': 'stackci' }
    if (this.#auth !== undefined) headers.Authorization = this.#auth
    if (this.#crumb !== undefined && method === 'POST')
      headers[this.#crumb.field] = this.#crumb.value
    if (this.#cookies.size > 0) {
      headers.Cookie = [...this.#cookies]
        .map(([k, v]) => `${k}=${v}`)
        .join('; ')
    }
    if (options.form !== undefined) {
      headers['Content-Type'] =
        'application/x-www-form-urlencoded; charset=UTF-8'
    }
    const timeoutMs = this.#options.requestTimeoutMs ?? 30_000
    const response = await withTimeout(
      async (signal) => {
        const res = await httpRequest(url, {
          method,
          headers,
          signal,
          agents: this.#agents,
          connectTimeoutMs: 15_000,
          ...(options.form === undefined
            ? {}
            : { body: options.form.toString() })
        })
        return {
          status: res.status,
          headers: fetchHeaders(res.rawHeaders),
          body: new Uint8Array(res.body),
          url
        }
      },
      timeoutMs,
      `${method} ${url}`,
      options.signal
    ).catch((error: unknown) => {
      throw options.signal?.aborted === true
        ? error
        : networkError(method, url, error)
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const eq = pair?.indexOf('=') ?? -1
      if (pair !== undefined && eq > 0)
        this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
    const accept = options.accept
    const ok =
      accept === undefined
        ? response.status >= 200 && response.status < 300
        : accept.includes(response.status)
    if (!ok)
      throw httpError(method, response, this.#options.user, this.clock.now())
    return response
  }

  async #fetchCrumb(signal: AbortSignal | undefined): Promise<void> {
    if (this.#crumb !== undefined || this.#crumbUnavailable) return
    const res = await this.#exchange('GET', this.url('/crumbIssuer/api/json'), {
      accept: [200, 404],
      ...(signal === undefined ? {} : { signal })
    })
    if (res.status === 404) {
      // CSRF protection is off: no crumb exists, and none is needed.
      this.#crumbUnavailable = true
      return
    }
    const json = JSON.parse(new TextDecoder().decode(res.body)) as {
      crumb?: unknown
      crumbRequestField?: unknown
    }
    if (
      typeof json.crumb !== 'string' ||
      typeof json.crumbRequestField !== 'string'
    ) {
      throw new JenkinsError(`GET ${res.url} returned no crumb`)
    }
    this.#crumb = { field: json.crumbRequestField, value: json.crumb }
    this.#options.reporter.mask(json.crumb)
  }
}
