/**
 * The Slack relay: one parent message per build and channel, posted once
 * and then `chat.update`d to the build's current state, and thread replies
 * (failure details with the log tail, "back to normal" broadcast to the
 * channel). Composition is src/notify's; this file is the I/O.
 *
 * Exactly once across crashes: a post is preceded by a committed *intent*
 * and carries the delivery's tag in its message metadata. If the process
 * dies between Slack's answer and our commit, the next attempt finds the
 * message by its tag (conversations.history / .replies) instead of posting
 * a second one.
 */

import type { WebClient } from '@slack/web-api'
import { errorMessage } from '../core/errors.js'
import type { BuildSnapshot } from '../notify/build-model.js'
import {
  buildSlackBackToNormalReply,
  buildSlackFailureReply,
  buildSlackParent
} from '../notify/build-slack.js'
import type { DeliveryStore, Target } from './delivery-store.js'
import type {
  Classified,
  DeliveryHooks,
  DeliveryOutcome,
  RelayBackend
} from './dispatcher.js'
import type { Log } from './log.js'
import { ParentMissingError, classifySlackError } from './slack-errors.js'
import type { ChannelDirectory, MentionResolver } from './slack-directory.js'
import type { TokenBucket } from './token-bucket.js'

export const METADATA_EVENT_TYPE = 'stackci_build'

export interface SlackRelayOptions {
  client: WebClient
  deliveries: DeliveryStore
  channels: ChannelDirectory
  mentions: MentionResolver
  /** Workspace-wide chat.update budget (Slack's Tier 3). */
  updates: TokenBucket
  log: Log
  now?: () => number
}

/** The tag that finds a delivery's message again. */
export function deliveryTag(
  t: Pick<Target, 'buildKey' | 'dest' | 'kind'>
): string {
  return `${t.buildKey}|${t.dest}|${t.kind}`
}

/**
 * What every message the relay posts carries: no unfurling, and metadata
 * with the delivery's tag, by which {@link deliveryTag} finds it again after
 * a crash.
 */
function tagged(t: Pick<Target, 'buildKey' | 'dest' | 'kind'>): {
  unfurl_links: false
  unfurl_media: false
  metadata: { event_type: string; event_payload: { tag: string } }
} {
  return {
    unfurl_links: false,
    unfurl_media: false,
    metadata: {
      event_type: METADATA_EVENT_TYPE,
      event_payload: { tag: deliveryTag(t) }
    }
  }
}

export class SlackRelay implements RelayBackend {
  readonly name = 'slack'
  readonly #o: SlackRelayOptions
  readonly #now: () => number
  #historyWarned = false

  constructor(options: SlackRelayOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
  }

  async deliver(t: Target, hooks: DeliveryHooks): Promise<DeliveryOutcome> {
    const build = this.#o.deliveries.getBuild(t.buildKey)
    if (build === undefined)
      throw new Error(`build ${t.buildKey} is not in the store`)
    const channel = await this.#o.channels.resolve(t.dest)
    return t.kind === 'parent'
      ? this.#parent(t, channel, build.snapshot, build.version, hooks)
      : this.#reply(t, channel, build.snapshot, hooks)
  }

  async #parent(
    t: Target,
    channel: string,
    b: BuildSnapshot,
    version: number,
    hooks: DeliveryHooks
  ): Promise<DeliveryOutcome> {
    const content = buildSlackParent(b, this.#now())
    if (t.ref === undefined) {
      const found =
        t.intentAt === undefined
          ? undefined
          : await this.#find(t, channel, undefined)
      // Found after a crash: adopt it; the next slot brings it up to date.
      if (found !== undefined) return { version: 0, ref: found }
      hooks.markIntent()
      hooks.calling()
      const r = await this.#o.client.chat.postMessage({
        channel,
        ...content,
        ...tagged(t)
      })
      if (r.ts === undefined)
        throw new Error('chat.postMessage answered without a ts')
      return { version, ref: r.ts }
    }
    if (!this.#o.updates.take())
      return { waitMs: this.#o.updates.waitMs(), lane: true }
    hooks.calling()
    await this.#o.client.chat.update({ channel, ts: t.ref, ...content })
    return { version }
  }

  async #reply(
    t: Target,
    channel: string,
    b: BuildSnapshot,
    hooks: DeliveryHooks
  ): Promise<DeliveryOutcome> {
    if (t.ref !== undefined) return { version: t.want }
    const parent = this.#o.deliveries.find(
      t.buildKey,
      'slack',
      t.dest,
      'parent'
    )
    if (parent?.state === 'failed' || parent === undefined)
      throw new ParentMissingError(
        `the build's message in ${t.dest} could not be posted: ${parent?.error ?? 'none'}`
      )
    if (parent.ref === undefined) return { waitMs: 1000 }
    if (t.intentAt !== undefined) {
      const found = await this.#find(t, channel, parent.ref)
      if (found !== undefined) return { version: t.want, ref: found }
    }
    const p = t.payload as { broadcast?: boolean; mentions?: string[] }
    const content =
      t.kind === 'reply:fixed'
        ? buildSlackBackToNormalReply(b)
        : buildSlackFailureReply(b, {
            // The payload's lines, or the tail the event worker read.
            ...(b.log === undefined ? {} : { logTail: b.log }),
            mentions: await this.#o.mentions.resolve(p.mentions ?? [])
          })
    hooks.markIntent()
    hooks.calling()
    const r = await this.#o.client.chat.postMessage({
      channel,
      thread_ts: parent.ref,
      reply_broadcast: p.broadcast === true,
      ...content,
      ...tagged(t)
    })
    return { version: t.want, ...(r.ts === undefined ? {} : { ref: r.ts }) }
  }

  /** The ts of a message this delivery already posted, if Slack has one. */
  async #find(
    t: Target,
    channel: string,
    threadTs: string | undefined
  ): Promise<string | undefined> {
    const tag = deliveryTag(t)
    const oldest = String(
      Math.floor(((t.intentAt ?? this.#now()) - 120_000) / 1000)
    )
    try {
      let cursor: string | undefined
      for (let page = 0; page < 10; page++) {
        const args = {
          channel,
          oldest,
          limit: 200,
          include_all_metadata: true,
          ...(cursor === undefined ? {} : { cursor })
        }
        const r =
          threadTs === undefined
            ? await this.#o.client.conversations.history(args)
            : await this.#o.client.conversations.replies({
                ...args,
                ts: threadTs
              })
        const hit = r.messages?.find(
          (m) =>
            m.metadata?.event_type === METADATA_EVENT_TYPE &&
            (m.metadata.event_payload as Record<string, unknown> | undefined)
              ?.tag === tag
        )
        if (hit?.ts !== undefined) {
          this.#o.log.info(
            'found the message of an interrupted post; not posting again',
            { tag, ts: hit.ts }
          )
          return hit.ts
        }
        cursor = r.response_metadata?.next_cursor
        if (cursor === undefined || cursor === '') return undefined
      }
    } catch (error) {
      // Only where looking is impossible does the post go ahead unchecked;
      // anything else (429, 5xx, a timeout) fails this attempt, and the
      // dispatcher looks again later: an interrupted post is never re-sent
      // blind.
      const code = (error as { data?: { error?: string } }).data?.error
      if (code !== 'missing_scope' && code !== 'not_in_channel') throw error
      if (!this.#historyWarned) {
        this.#historyWarned = true
        this.#o.log.warn(
          `cannot check for a message posted before a restart (${errorMessage(error)}); posting anyway — give the Slack app the channels:history and groups:history scopes`
        )
      }
    }
    return undefined
  }

  classify(error: unknown): Classified {
    return classifySlackError(error)
  }
}
