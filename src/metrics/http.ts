/**
 * The HTTP calls of the metric stores: one request with a timeout, inside
 * bounded retries with backoff, errors as {@link HttpError} carrying the
 * status, the (credential-free) URL, the server's own error text and any
 * Retry-After. Redirects are not followed on purpose (as dispatch_verify):
 * a POST silently turned into a GET would lose the measurements.
 */

import { HttpError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import {
  defaultShouldRetry,
  describeRetry,
  parseRetryAfter,
  retry,
  withTimeout,
  type RetryDecision
} from '../core/retry.js'
import { type Clock } from '../core/clock.js'
import { redactUrl } from '../core/secrets.js'
import { statusText } from '../core/builtins.js'
import { once as loadOnce } from '../core/once.js'

/**
 * undici, loaded on the first request (a run that only writes SQLite never
 * pays for it), and only then: not once per request of a large write.
 */
const undici = loadOnce(async () => import('undici'))

export interface HttpOptions {
  /** What is called, for messages: `InfluxDB`, `SQuaSH`. */
  service: string
  reporter: Reporter
  /** Per attempt (default 30 s). */
  timeoutMs?: number
  /** Extra attempts after the first (default 4). */
  retries?: number
  minDelayMs?: number
  clock?: Clock
  shouldRetry?: (error: unknown) => RetryDecision
  signal?: AbortSignal
}

/** What a store's options say about its calls (all optional). */
export interface CallSettings {
  timeoutMs?: number
  retries?: number
  minDelayMs?: number
  clock?: Clock
  reporter: Reporter
}

/** The {@link HttpOptions} of a store: its service, retry rule and default timeout. */
export function storeHttpOptions(
  service: string,
  o: CallSettings,
  shouldRetry: (error: unknown) => RetryDecision,
  defaultTimeoutMs: number
): HttpOptions {
  return {
    service,
    reporter: o.reporter,
    shouldRetry,
    timeoutMs: o.timeoutMs ?? defaultTimeoutMs,
    ...(o.retries === undefined ? {} : { retries: o.retries }),
    ...(o.minDelayMs === undefined ? {} : { minDelayMs: o.minDelayMs }),
    ...(o.clock === undefined ? {} : { clock: o.clock })
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'HEAD'
  url: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  /** Statuses that count as success (default: any 2xx). */
  ok?: readonly number[]
  /** A short description for logs: `write 5000 points`. */
  what?: string
}

export interface HttpResponse {
  status: number
  headers: ResponseHeaders
  text: string
}

/** The service's own error text, from JSON `{error}`/`{message}` or the body. */
export function serverMessage(text: string, headers?: ResponseHeaders): string {
  const header = headers?.get('x-influxdb-error')
  if (header !== null && header !== undefined && header !== '') return header
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown }
    const msg = json.error ?? json.message
    if (typeof msg === 'string') return msg
  } catch {
    // not JSON: the body itself
  }
  let trimmed = text.trim()
  if (trimmed.startsWith('<')) {
    // An HTML error page (Flask, a proxy): its title says it all.
    const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]
    trimmed = (title ?? trimmed.replace(/<[^>]*>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim()
  }
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed
}

/** Sends one request (with retries); throws HttpError on failure. */
export async function httpRequest(
  options: HttpOptions,
  request: HttpRequest
): Promise<HttpResponse> {
  const safeUrl = displayUrl(request.url)
  const what = `${options.service} ${request.what ?? `${request.method} ${safeUrl}`}`
  return retry(
    async () =>
      withTimeout(
        async (signal) => once(request, safeUrl, options.service, signal),
        options.timeoutMs ?? 30_000,
        what,
        options.signal
      ),
    {
      retries: options.retries ?? 4,
      ...(options.minDelayMs === undefined
        ? {}
        : { minDelayMs: options.minDelayMs }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      shouldRetry: options.shouldRetry ?? defaultShouldRetry,
      onRetry: (info) => {
        options.reporter.warning(describeRetry(what, info))
      }
    }
  )
}

async function once(
  req: HttpRequest,
  safeUrl: string,
  service: string,
  signal: AbortSignal
): Promise<HttpResponse> {
  let status: number
  let headers: ResponseHeaders
  let text: string
  try {
    // undici's request (not fetch): the same client, a fraction of the CPU
    // per call, which counts at a million points. It never follows redirects.
    const { request } = await undici()
    const response = await request(req.url, {
      method: req.method,
      signal,
      ...(req.headers === undefined ? {} : { headers: req.headers }),
      ...(req.body === undefined ? {} : { body: req.body })
    })
    status = response.statusCode
    headers = new ResponseHeaders(response.headers)
    text = await response.body.text()
  } catch (error) {
    if (signal.aborted) throw signal.reason
    throw new HttpError(
      `${service} is unreachable: ${errorMessage(causeOf(error))}`,
      {
        where: { url: safeUrl },
        hint: `check that ${service} is running and the URL is right`,
        cause: error
      }
    )
  }
  const ok = req.ok ?? []
  if (ok.length > 0 ? ok.includes(status) : status >= 200 && status < 300) {
    return { status, headers, text }
  }
  const message = serverMessage(text, headers)
  const reason = statusText(status)
  const error = new HttpError(
    `${service} answered ${status}${reason === undefined ? '' : ` ${reason}`}${message === '' ? '' : `: ${message}`}`,
    {
      status,
      where: { url: safeUrl },
      ...hintFor(status, headers, service)
    }
  )
  const after = parseRetryAfter(headers.get('retry-after'))
  if (after !== undefined) {
    ;(error as HttpError & { retryAfterMs?: number }).retryAfterMs = after
  }
  throw error
}

/** Response headers with a `get` like fetch's (case-insensitive, joined). */
export class ResponseHeaders {
  constructor(readonly raw: Record<string, string | string[] | undefined>) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()]
    if (value === undefined) return null
    return Array.isArray(value) ? value.join(', ') : value
  }
}

function hintFor(
  status: number,
  headers: ResponseHeaders,
  service: string
): { hint?: string } {
  if (status === 401) return { hint: `check the ${service} credentials` }
  if (status === 403)
    return { hint: `the ${service} user lacks the permission for this` }
  if (status >= 300 && status < 400) {
    return {
      hint: `the server redirects to ${redactUrl(headers.get('location') ?? '?')}: configure that URL instead`
    }
  }
  return {}
}

/**
 * A URL for messages: no credentials and no query string (it can hold
 * credentials, and an InfluxQL query makes it unreadable).
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(redactUrl(url))
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return redactUrl(url).split('?')[0] ?? ''
  }
}

function causeOf(error: unknown): unknown {
  const cause = (error as { cause?: unknown }).cause
  return cause ?? error
}
