/**
 * Bounded retries with exponential backoff and jitter, per-attempt timeouts,
 * and the classification of transient faults shared by every client:
 * connection resets and refusals, 502/503/504, and 429 with Retry-After.
 * Everything else (400, 401, 403, 404, 409, 422, …) fails at once.
 */

import { systemClock, type Clock } from './clock.js'
import { HttpError, TimeoutError, errorMessage } from './errors.js'
import { formatMs } from './format.js'

export interface RetryPolicy {
  /** Extra attempts after the first (so `retries: 3` means up to 4 calls). */
  retries: number
  minDelayMs: number
  maxDelayMs: number
  factor: number
  /** 0 = exact exponential delays; 1 = anywhere in [0, delay]. */
  jitter: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  minDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5
}

/** `false`: give up; `true`: back off; `{afterMs}`: wait exactly that long. */
export type RetryDecision = boolean | { afterMs: number }

export interface RetryInfo {
  error: unknown
  /** The attempt that failed, 1-based. */
  attempt: number
  delayMs: number
}

export interface RetryOptions extends Partial<RetryPolicy> {
  shouldRetry?: (error: unknown, attempt: number) => RetryDecision
  onRetry?: (info: RetryInfo) => void
  signal?: AbortSignal
  clock?: Clock
  random?: () => number
}

/** The delay before retry number `attempt` (1-based), jittered. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random
): number {
  const exact = Math.min(
    policy.maxDelayMs,
    policy.minDelayMs * policy.factor ** (attempt - 1)
  )
  const spread = exact * policy.jitter
  return Math.round(exact - spread + random() * spread)
}

/**
 * Calls `fn` until it succeeds, the error is not transient, or the retries
 * are used up; the last error is rethrown unchanged.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {}
): Promise<T> {
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...definedOnly(options)
  }
  const shouldRetry = options.shouldRetry ?? defaultShouldRetry
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (error) {
      if (options.signal?.aborted === true || attempt > policy.retries) {
        throw error
      }
      const decision = shouldRetry(error, attempt)
      if (decision === false) throw error
      const delayMs =
        decision === true
          ? backoffDelay(attempt, policy, random)
          : Math.min(Math.max(decision.afterMs, 0), policy.maxDelayMs * 4)
      options.onRetry?.({ error, attempt, delayMs })
      await clock.sleep(delayMs, options.signal)
    }
  }
}

function definedOnly(options: RetryOptions): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {}
  for (const key of Object.keys(
    DEFAULT_RETRY_POLICY
  ) as (keyof RetryPolicy)[]) {
    const value = options[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

/** Network error codes worth another try (Node and undici spellings). */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED'
])

/** HTTP statuses worth another try. 500 is not one: it is usually a bug. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([
  429, 502, 503, 504
])

/** The network error code of an error or any of its causes. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined; depth++) {
    if (typeof current === 'object' && current !== null) {
      const code = (current as { code?: unknown }).code
      if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code
      current = (current as { cause?: unknown }).cause
    } else {
      return undefined
    }
  }
  return undefined
}

/** An error that says how long the server asked us to wait. */
export interface RetryAfterCarrier {
  retryAfterMs?: number
}

/** The default classification: see the module comment. */
export function defaultShouldRetry(error: unknown): RetryDecision {
  if (error instanceof TimeoutError) return true
  if (error instanceof HttpError && error.status !== undefined) {
    if (!TRANSIENT_STATUSES.has(error.status)) return false
    const after = (error as RetryAfterCarrier).retryAfterMs
    return after === undefined ? true : { afterMs: after }
  }
  return networkErrorCode(error) !== undefined
}

/**
 * Parses a `Retry-After` header (delta-seconds or an HTTP date) into
 * milliseconds from `now`; undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now()
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') {
    return undefined
  }
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Runs `fn` with an AbortSignal that fires after `ms`; rejects with a
 * {@link TimeoutError} naming `what`. An outer signal aborts it too.
 */
export async function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  ms: number,
  what: string,
  outer?: AbortSignal
): Promise<T> {
  const controller = new AbortController()
  const timeout = new TimeoutError(`${what} timed out after ${formatMs(ms)}`)
  const timer = setTimeout(() => {
    controller.abort(timeout)
  }, ms)
  const onOuterAbort = (): void => {
    controller.abort(outer?.reason)
  }
  outer?.addEventListener('abort', onOuterAbort, { once: true })
  try {
    return await fn(controller.signal)
  } catch (error) {
    if (controller.signal.reason === timeout) throw timeout
    throw error
  } finally {
    clearTimeout(timer)
    outer?.removeEventListener('abort', onOuterAbort)
  }
}

/** A one-line description of a retry for logs. */
export function describeRetry(what: string, info: RetryInfo): string {
  return `${what} failed (attempt ${info.attempt}): ${errorMessage(info.error)}; retrying in ${formatMs(info.delayMs)}`
}
