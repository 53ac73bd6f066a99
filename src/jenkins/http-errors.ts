/**
 * Jenkins' refusals turned into errors people can act on: who was refused,
 * which URL, why (401 credentials, 403 permission or crumb, 404), and the
 * server's Retry-After for the retry policy. Never a credential in a message.
 */

import { JenkinsError, TimeoutError } from '../core/errors.js'
import { parseRetryAfter, type RetryAfterCarrier } from '../core/retry.js'
import type { JenkinsResponse } from './http.js'

/** Jenkins' 403 text when a POST lacks a valid crumb. */
export const CRUMB_REJECTED = /No valid crumb/i

/** A Jenkins HTTP error; carries Retry-After for the retry policy. */
export class JenkinsHttpError
  extends JenkinsError
  implements RetryAfterCarrier
{
  retryAfterMs?: number
  /** The response text (HTML stripped), for callers that branch on it. */
  text = ''
}

/** The error for a status the caller did not accept: what happened, to whom, what to do. */
export function httpError(
  method: string,
  res: JenkinsResponse,
  user: string | undefined,
  now: number
): JenkinsHttpError {
  const text = htmlText(new TextDecoder().decode(res.body))
  const who = user === undefined ? 'anonymous' : `user '${user}'`
  let message = `${method} ${res.url} failed: ${res.status}`
  let hint: string | undefined
  switch (res.status) {
    case 401:
      message = `Jenkins rejected the credentials of ${who} (401 Unauthorized) for ${method} ${res.url}`
      hint =
        'check the user name and API token (Jenkins → your user → Security → API Token)'
      break
    case 403: {
      const permission = res.headers.get('x-required-permission')
      const as = res.headers.get('x-you-are-authenticated-as')
      message = CRUMB_REJECTED.test(text)
        ? `Jenkins refused ${method} ${res.url}: no valid crumb (403)`
        : `Jenkins refused ${method} ${res.url} (403 Forbidden)${permission === null ? '' : `: ${as ?? who} lacks ${permission}`}`
      hint =
        as === 'anonymous'
          ? 'no credentials reached Jenkins: give a user and API token'
          : 'ask a Jenkins admin for the permission, or use an API token rather than a password'
      break
    }
    case 404:
      message = `not found (404): ${method} ${res.url}`
      break
    default:
      if (text !== '') message += ` (${snippet(text)})`
  }
  const error = new JenkinsHttpError(message, {
    status: res.status,
    ...(hint === undefined ? {} : { hint })
  })
  error.text = text
  const after = parseRetryAfter(res.headers.get('retry-after'), now)
  if (after !== undefined) error.retryAfterMs = after
  return error
}

/** Wraps a network failure so the message names the call and the cause. */
export function networkError(
  method: string,
  url: string,
  error: unknown
): unknown {
  if (error instanceof JenkinsError || error instanceof TimeoutError)
    return error
  const failure = error as {
    code?: string
    cause?: { code?: string; message?: string }
  } | null
  const detail =
    failure?.code ??
    failure?.cause?.code ??
    failure?.cause?.message ??
    (error instanceof Error ? error.message : String(error))
  return new JenkinsError(`${method} ${url} failed: ${detail}`, {
    cause: error,
    hint: 'is Jenkins reachable from here (URL, VPN, proxy)?'
  })
}

export function htmlText(text: string): string {
  return text
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

export function snippet(text: string): string {
  const t = htmlText(text)
  return t.length > 200 ? `${t.slice(0, 200)}…` : t
}
