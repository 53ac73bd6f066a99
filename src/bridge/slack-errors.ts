/**
 * What a failed Slack call means for its delivery: a rate limit waits for
 * Retry-After (and costs no attempt), 5xx, timeouts and Slack's own
 * transient codes back off and retry, everything else — a missing channel,
 * a bad token, a missing scope — fails now with the fix in the message.
 */

import { ErrorCode } from '@slack/web-api'
import { errorMessage, isUserError } from '../core/errors.js'
import { networkErrorCode } from '../core/retry.js'
import type { Classified } from './dispatcher.js'

/** Slack `ok:false` codes worth another try. */
const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'rate_limited'
])

/** A reply whose parent message could not be posted. */
export class ParentMissingError extends Error {}

function hintFor(code: string): string {
  switch (code) {
    case 'not_in_channel':
      return ' (invite the bot to the channel, or give it chat:write.public)'
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
      return ' (check SLACK_BOT_TOKEN)'
    case 'missing_scope':
      return ' (the Slack app needs the chat:write scope)'
    case 'is_archived':
      return ' (the channel is archived: change the route)'
    default:
      return ''
  }
}

/** How to treat a failed Slack call. */
export function classifySlackError(error: unknown): Classified {
  const e = error as {
    code?: string
    retryAfter?: number
    statusCode?: number
    data?: { error?: string }
  }
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return {
        retry: true,
        rateLimited: true,
        afterMs: Math.max(1, e.retryAfter ?? 1) * 1000,
        message: `Slack rate limit (Retry-After: ${e.retryAfter ?? 1}s)`
      }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0
      return {
        retry: status >= 500 || status === 408,
        message: `Slack answered HTTP ${status}`
      }
    }
    case ErrorCode.RequestError:
      return {
        retry: true,
        message: `cannot reach Slack: ${errorMessage(error)}`
      }
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown'
      return {
        retry: TRANSIENT.has(code),
        message: `Slack refused: ${code}${hintFor(code)}`
      }
    }
  }
  if (error instanceof ParentMissingError || isUserError(error))
    return { retry: false, message: errorMessage(error) }
  return {
    retry: networkErrorCode(error) !== undefined || !(error instanceof Error),
    message: errorMessage(error)
  }
}
