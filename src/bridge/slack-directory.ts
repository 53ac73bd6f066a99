/**
 * Names the routing file uses, resolved to the IDs Slack needs, each once:
 * channel names to channel IDs (chat.update refuses names) by listing the
 * workspace's channels, and mention keys (emails, Jenkins user ids) to member
 * IDs through the routing file's map or `users.lookupByEmail`.
 */

import type { WebClient } from '@slack/web-api'
import { ConfigError, errorMessage } from '../core/errors.js'
import type { Log } from './log.js'

const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/
const MEMBER_ID = /^[UW][A-Z0-9]{2,}$/
/** A name missing from the list is looked up again at most this often. */
const RELIST_MS = 5 * 60_000

export class ChannelDirectory {
  readonly #client: WebClient
  readonly #ids = new Map<string, string>()
  #loading: Promise<void> | undefined
  #loadedAt = -Infinity
  readonly now: () => number

  constructor(client: WebClient, now: () => number = Date.now) {
    this.#client = client
    this.now = now
  }

  /** The channel ID for `#name`, `name` or an ID (returned as is). */
  async resolve(channel: string): Promise<string> {
    if (CHANNEL_ID.test(channel)) return channel
    const name = channel.replace(/^#/, '')
    let id = this.#ids.get(name)
    if (id === undefined && this.now() - this.#loadedAt > RELIST_MS) {
      await this.#load()
      id = this.#ids.get(name)
    }
    if (id === undefined) {
      throw new ConfigError(`Slack channel #${name} not found`, {
        hint: 'check the name in the routing file; for a private channel, invite the bot (/invite @bot) first'
      })
    }
    return id
  }

  async #load(): Promise<void> {
    // Lanes resolving at the same time share one listing.
    this.#loading ??= (async () => {
      try {
        let cursor: string | undefined
        do {
          const page = await this.#client.conversations.list({
            types: 'public_channel,private_channel',
            exclude_archived: true,
            limit: 1000,
            ...(cursor === undefined ? {} : { cursor })
          })
          for (const c of page.channels ?? []) {
            if (c.id !== undefined && c.name !== undefined)
              this.#ids.set(c.name, c.id)
          }
          cursor = page.response_metadata?.next_cursor ?? ''
        } while (cursor !== '')
        this.#loadedAt = this.now()
      } finally {
        this.#loading = undefined
      }
    })()
    return this.#loading
  }
}

export class MentionResolver {
  readonly #client: WebClient
  readonly #map: Record<string, string>
  readonly #log: Log
  readonly #looked = new Map<string, string | null>()

  constructor(client: WebClient, map: Record<string, string>, log: Log) {
    this.#client = client
    this.#map = map
    this.#log = log
  }

  /** Member IDs where they can be found, the key as plain text otherwise. */
  async resolve(keys: readonly string[]): Promise<string[]> {
    const out: string[] = []
    for (const key of keys) {
      const mapped = this.#map[key]
      if (mapped !== undefined) out.push(mapped)
      else if (MEMBER_ID.test(key)) out.push(key)
      else if (key.includes('@')) out.push((await this.#lookup(key)) ?? key)
      else out.push(key)
    }
    return [...new Set(out)]
  }

  async #lookup(email: string): Promise<string | undefined> {
    const known = this.#looked.get(email)
    if (known !== undefined) return known ?? undefined
    try {
      const r = await this.#client.users.lookupByEmail({ email })
      const id = r.user?.id ?? null
      this.#looked.set(email, id)
      return id ?? undefined
    } catch (error) {
      // A person Slack does not know is not worth a retry, nor a lost reply;
      // other failures are simply tried again next time.
      if (
        (error as { data?: { error?: string } }).data?.error ===
        'users_not_found'
      )
        this.#looked.set(email, null)
      this.#log.warn(
        `cannot find a Slack member for ${email}; add them under mentions: in the routing file`,
        {
          error: errorMessage(error)
        }
      )
      return undefined
    }
  }
}
