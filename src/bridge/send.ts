/**
 * Sending an event to the bridge from a pipeline (`stackci bridge send`):
 * the compact JSON, filled from the variables Jenkins sets in every build
 * (JOB_NAME, BUILD_NUMBER, BUILD_URL, GIT_COMMIT, BRANCH_NAME), signed with
 * BRIDGE_SECRET so no Groovy has to compute an HMAC. Connection failures and
 * 5xx are retried; a 4xx is the sender's problem and says so.
 */

import { HttpError, InputError } from '../core/errors.js'
import {
  defaultShouldRetry,
  parseRetryAfter,
  retry,
  withTimeout
} from '../core/retry.js'
import { basicAuthHeader, redactUrl } from '../core/secrets.js'
import type { Env } from '../core/env.js'
import { EVENT_PHASES } from './event.js'
import { signatureHeaders } from './signature.js'

export interface SendFlags {
  phase: string
  result?: string
  stage?: string
  job?: string
  number?: string
  buildUrl?: string
  sha?: string
  repo?: string
  branch?: string
}

/** The compact event for these flags, defaulting from Jenkins' variables. */
export function eventFromEnv(
  flags: SendFlags,
  env: Env
): Record<string, unknown> {
  const pick = (
    flag: string | undefined,
    ...names: string[]
  ): string | undefined =>
    flag ?? names.map((n) => env[n]).find((v) => v !== undefined && v !== '')
  const job = pick(flags.job, 'JOB_NAME')
  const number = pick(flags.number, 'BUILD_NUMBER')
  const missing = [
    ...(job === undefined ? ['--job (or JOB_NAME)'] : []),
    ...(number === undefined ? ['--number (or BUILD_NUMBER)'] : [])
  ]
  if (missing.length > 0)
    throw new InputError(`bridge send: ${missing.join(' and ')} not given`, {
      hint: 'run it inside a Jenkins build, or pass the flags'
    })
  const phase = flags.phase.toUpperCase()
  if (!(EVENT_PHASES as readonly string[]).includes(phase))
    throw new InputError(
      `bridge send: --phase must be one of ${EVENT_PHASES.join(', ')}, got ${JSON.stringify(flags.phase)}`
    )
  const event: Record<string, unknown> = { job, number, phase }
  const optional: [string, string | undefined][] = [
    ['result', flags.result?.toUpperCase()],
    ['stage', pick(flags.stage, 'STAGE_NAME')],
    ['url', pick(flags.buildUrl, 'BUILD_URL')],
    ['sha', pick(flags.sha, 'GIT_COMMIT')],
    ['repo', flags.repo],
    ['branch', pick(flags.branch, 'BRANCH_NAME', 'GIT_BRANCH')]
  ]
  for (const [k, v] of optional) if (v !== undefined && v !== '') event[k] = v
  return event
}

export interface SendOptions {
  url: string
  event: Record<string, unknown>
  /** BRIDGE_SECRET: signs the body. */
  secret?: string
  timeoutMs?: number
  retries?: number
}

/**
 * The URL without its userinfo, and the userinfo as a Basic header: fetch
 * refuses URLs with credentials, and would print the URL in its error.
 */
function splitUserinfo(url: string): { url: string; authorization?: string } {
  const u = new URL(url)
  if (u.username === '' && u.password === '') return { url }
  const authorization = basicAuthHeader(
    decodeURIComponent(u.username),
    decodeURIComponent(u.password)
  )
  u.username = ''
  u.password = ''
  return { url: u.toString(), authorization }
}

/** POSTs the event; resolves with the bridge's JSON answer on a 2xx. */
export async function sendEvent(o: SendOptions): Promise<unknown> {
  const body = JSON.stringify(o.event)
  const target = splitUserinfo(o.url)
  const where = { url: redactUrl(target.url.split('?')[0] ?? target.url) }
  return retry(
    async () =>
      withTimeout(
        async (signal) => {
          const r = await fetch(target.url, {
            method: 'POST',
            signal,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              ...(target.authorization === undefined
                ? {}
                : { authorization: target.authorization }),
              // Signed at each attempt: a retry carries a fresh timestamp.
              ...(o.secret === undefined
                ? {}
                : signatureHeaders(o.secret, body))
            },
            body
          })
          const text = await r.text()
          let answer: unknown = text
          try {
            answer = JSON.parse(text)
          } catch {
            // not JSON: keep the text
          }
          if (r.ok) return answer
          const reason =
            (answer as { error?: string } | undefined)?.error ??
            text.slice(0, 200)
          const error = new HttpError(
            `the bridge answered ${r.status}: ${reason}`,
            {
              status: r.status,
              where,
              ...(r.status === 401
                ? { hint: 'check BRIDGE_SECRET (it must match the bridge’s)' }
                : {})
            }
          )
          const after = parseRetryAfter(r.headers.get('retry-after'))
          if (after !== undefined) Object.assign(error, { retryAfterMs: after })
          throw error
        },
        o.timeoutMs ?? 10_000,
        `sending to ${where.url}`
      ),
    {
      retries: o.retries ?? 3,
      minDelayMs: 500,
      maxDelayMs: 5000,
      // 503 from a bridge that cannot store right now, resets while it restarts.
      shouldRetry: (e) =>
        e instanceof HttpError && e.status === 500
          ? true
          : defaultShouldRetry(e)
    }
  )
}
