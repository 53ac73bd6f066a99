/**
 * Telling people: the sticky PR comment (found by its marker and edited in
 * place; duplicates left by a race are removed) through Octokit, and the
 * Slack alert through the Web API, into the build's thread when its `ts` is
 * known. Both clients are passed in; every GitHub call has a timeout and
 * bounded retries on transient faults (429/5xx), none on 4xx.
 */

import type { Octokit } from '@octokit/rest'
import type { WebClient } from '@slack/web-api'
import { HttpError, InputError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import {
  describeRetry,
  parseRetryAfter,
  retry,
  withTimeout
} from '../core/retry.js'
import { type Clock } from '../core/clock.js'
import type { SlackMessage } from '../notify/metrics-slack.js'

export interface CallOptions {
  reporter: Reporter
  timeoutMs?: number
  retries?: number
  clock?: Clock
}

/** Runs one GitHub call with a timeout and retries; errors as HttpError. */
async function github<T>(
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
  o: CallOptions
): Promise<T> {
  return retry(
    async () =>
      withTimeout(
        async (signal) => {
          try {
            return await call(signal)
          } catch (error) {
            throw asHttpError(error, what)
          }
        },
        o.timeoutMs ?? 30_000,
        `GitHub ${what}`
      ),
    {
      retries: o.retries ?? 3,
      ...(o.clock === undefined ? {} : { clock: o.clock }),
      onRetry: (info) => {
        o.reporter.warning(describeRetry(`GitHub ${what}`, info))
      }
    }
  )
}

function asHttpError(error: unknown, what: string): unknown {
  const e = error as {
    status?: unknown
    message?: unknown
    response?: { headers?: Record<string, string | undefined> }
  }
  if (typeof e.status !== 'number') return error
  const headers = e.response?.headers ?? {}
  const out = new HttpError(
    `GitHub ${what} failed (${e.status}): ${typeof e.message === 'string' ? e.message : ''}`,
    {
      status: e.status,
      cause: error,
      ...(e.status === 403 || e.status === 404
        ? {
            hint: 'the token needs pull-requests: write (or issues: write) on this repository'
          }
        : {})
    }
  )
  const after = parseRetryAfter(headers['retry-after'])
  if (after !== undefined)
    (out as HttpError & { retryAfterMs?: number }).retryAfterMs = after
  return out
}

export interface CommentTarget {
  /** `owner/name`. */
  repository: string
  issue: number
  marker: string
}

export interface CommentResult {
  id: number
  url: string
  action: 'created' | 'updated'
}

/** Creates the comment, or edits the one carrying `marker`. */
export async function upsertComment(
  octokit: Octokit,
  target: CommentTarget,
  body: string,
  o: CallOptions
): Promise<CommentResult> {
  const [owner = '', repo = ''] = target.repository.split('/')
  if (owner === '' || repo === '') {
    throw new InputError(
      `repository must be owner/name, got ${JSON.stringify(target.repository)}`
    )
  }
  const base = { owner, repo, issue_number: target.issue }
  const ours: { id: number; html_url: string }[] = []
  for (let page = 1; ; page++) {
    const r = await github(
      `list comments of #${target.issue} (page ${page})`,
      async (signal) =>
        octokit.rest.issues.listComments({
          ...base,
          per_page: 100,
          page,
          request: { signal }
        }),
      o
    )
    for (const c of r.data) {
      if (c.body?.includes(target.marker) === true) ours.push(c)
    }
    if (r.data.length < 100) break
  }
  const [first, ...extra] = ours
  for (const dup of extra) {
    await github(
      `delete duplicate comment ${dup.id}`,
      async (signal) =>
        octokit.rest.issues.deleteComment({
          owner,
          repo,
          comment_id: dup.id,
          request: { signal }
        }),
      o
    ).catch((error: unknown) => {
      o.reporter.warning(
        `cannot remove a duplicate comment: ${errorMessage(error)}`
      )
    })
  }
  if (first !== undefined) {
    const r = await github(
      `update comment ${first.id}`,
      async (signal) =>
        octokit.rest.issues.updateComment({
          owner,
          repo,
          comment_id: first.id,
          body,
          request: { signal }
        }),
      o
    )
    return { id: r.data.id, url: r.data.html_url, action: 'updated' }
  }
  const r = await github(
    `comment on #${target.issue}`,
    async (signal) =>
      octokit.rest.issues.createComment({ ...base, body, request: { signal } }),
    o
  )
  return { id: r.data.id, url: r.data.html_url, action: 'created' }
}

export interface SlackResult {
  channel: string
  ts: string
}

/** Posts the alert (as a reply in `threadTs`'s thread when given). */
export async function postSlackAlert(
  client: WebClient,
  channel: string,
  message: SlackMessage,
  threadTs?: string
): Promise<SlackResult> {
  try {
    const r = await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks as never,
      unfurl_links: false,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs })
    })
    return { channel: r.channel ?? channel, ts: r.ts ?? '' }
  } catch (error) {
    const data = (error as { data?: { error?: unknown } }).data
    const code = typeof data?.error === 'string' ? data.error : undefined
    throw new HttpError(
      `Slack refused the alert to ${channel}: ${code ?? errorMessage(error)}`,
      {
        cause: error,
        ...(code === 'not_in_channel' || code === 'channel_not_found'
          ? { hint: `invite the bot to ${channel} (or check the channel name)` }
          : code === 'invalid_auth' || code === 'not_authed'
            ? { hint: 'check the Slack bot token (SLACK_BOT_TOKEN)' }
            : {})
      }
    )
  }
}
