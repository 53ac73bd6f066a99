/**
 * A Slack Web API emulator, written from ../shared/research/protocols.md §10:
 * `chat.postMessage`, `chat.update`, `conversations.list|info|history|replies`,
 * `users.lookupByEmail`, `auth.test` and incoming webhooks. Bodies as the SDK
 * sends them (urlencoded with JSON-string fields) or as JSON with a Bearer
 * token; errors as HTTP 200 `{ok:false,error}`; a per-channel token bucket on
 * chat.postMessage (1/s, small bursts) answering 429 + Retry-After; OAuth
 * scopes checked per method (`missing_scope` with `needed` and `provided`);
 * Block Kit checked as Slack does where the bridge could get it wrong.
 * Point `@slack/web-api` at it with `slackApiUrl: \`${url}/api/\``.
 */

import {
  HttpEmulator,
  type LoggedRequest,
  type Reply,
  type Route
} from '../http-emulator.js'

export interface SlackMessage {
  channel: string
  ts: string
  text: string
  blocks?: unknown[]
  attachments?: unknown[]
  thread_ts?: string
  reply_broadcast?: boolean
  /** Message metadata (`{event_type, event_payload}`) given when posting. */
  metadata?: unknown
  /** Every text this message had, oldest first (updates append). */
  history: string[]
  bot_id: string
}

export interface SlackChannel {
  id: string
  name: string
  isMember: boolean
  isArchived: boolean
}

export interface RateLimit {
  /** Calls per second allowed on average. */
  ratePerSec: number
  /** Calls allowed at once before limiting starts. */
  burst: number
  /** One bucket per channel, or one for the workspace. */
  per: 'channel' | 'workspace'
}

export interface SlackEmulatorOptions {
  /** Valid bot tokens. */
  tokens?: string[]
  channels?: {
    name: string
    id?: string
    isMember?: boolean
    isArchived?: boolean
  }[]
  users?: { id: string; email: string; name?: string }[]
  /** Per-method rate limits; `false` disables limiting. */
  rateLimits?: Record<string, RateLimit> | false
  /** Incoming webhook paths (`/services/T/B/X`) that exist. */
  webhooks?: string[]
  /** The bot token's OAuth scopes (every scope a method needs, by default). */
  scopes?: string[]
}

/** The scope each method needs (public channels; Slack's method pages). */
const METHOD_SCOPES: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'conversations.list': 'channels:read',
  'conversations.info': 'channels:read',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'users.lookupByEmail': 'users:read.email'
}

const DEFAULT_LIMITS: Record<string, RateLimit> = {
  'chat.postMessage': { ratePerSec: 1, burst: 3, per: 'channel' },
  'chat.update': { ratePerSec: 50 / 60, burst: 10, per: 'workspace' }
}

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'context',
  'actions',
  'divider',
  'image',
  'rich_text',
  'input',
  'file',
  'video'
])

export class SlackEmulator extends HttpEmulator {
  readonly channels = new Map<string, SlackChannel>()
  readonly messages: SlackMessage[] = []
  readonly webhookPayloads: { path: string; payload: unknown }[] = []
  readonly #tokens: Set<string>
  readonly #users: { id: string; email: string; name?: string }[]
  readonly #limits: Record<string, RateLimit>
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  readonly #webhooks: Set<string>
  readonly #scopes: string[] | undefined
  #clock = Math.floor(Date.now() / 1000)
  #seq = 0

  constructor(options: SlackEmulatorOptions = {}) {
    super()
    this.#tokens = new Set(options.tokens ?? ['xoxb-test-token'])
    this.#users = options.users ?? []
    this.#limits =
      options.rateLimits === false
        ? {}
        : { ...DEFAULT_LIMITS, ...(options.rateLimits ?? {}) }
    this.#webhooks = new Set(options.webhooks ?? [])
    this.#scopes = options.scopes
    let n = 0
    for (const c of options.channels ?? [{ name: 'builds' }]) {
      const id = c.id ?? `C${String(++n).padStart(8, '0')}`
      this.channels.set(id, {
        id,
        name: c.name,
        isMember: c.isMember ?? true,
        isArchived: c.isArchived ?? false
      })
    }
  }

  /** Messages of a channel (id or name), top-level only, oldest first. */
  channelMessages(channel: string): SlackMessage[] {
    const id = this.#resolve(channel)?.id
    return this.messages.filter(
      (m) => m.channel === id && m.thread_ts === undefined
    )
  }

  /** Replies in the thread of `ts`. */
  thread(channel: string, ts: string): SlackMessage[] {
    const id = this.#resolve(channel)?.id
    return this.messages.filter((m) => m.channel === id && m.thread_ts === ts)
  }

  /** Timestamps (ms) of the Web API calls that reached a channel, by method. */
  callTimes(channel: string, method?: string): number[] {
    const id = this.#resolve(channel)?.id
    return this.requests
      .filter((r) => r.status !== 0 && r.path.startsWith('/api/chat.'))
      .filter((r) => method === undefined || r.path === `/api/${method}`)
      .filter((r) => {
        const args = parseArgs(r)
        return (
          args !== undefined && this.#resolve(text(args.channel))?.id === id
        )
      })
      .map((r) => r.at)
  }

  protected routes(): Route[] {
    return [
      {
        name: 'webhook',
        method: 'POST',
        pattern: /^\/services\/(?<rest>[^?]+)$/,
        handle: (req) => this.#webhook(req)
      },
      {
        name: 'api',
        method: 'POST',
        pattern: /^\/api\/(?<method>[a-zA-Z.]+)$/,
        handle: (req, params) => this.#api(req, params.method ?? '')
      }
    ]
  }

  #resolve(channel: string): SlackChannel | undefined {
    const name = channel.replace(/^#/, '')
    return (
      this.channels.get(channel) ??
      [...this.channels.values()].find((c) => c.name === name)
    )
  }

  #nextTs(): string {
    const now = Math.floor(Date.now() / 1000)
    if (now > this.#clock) {
      this.#clock = now
      this.#seq = 0
    }
    return `${this.#clock}.${String(++this.#seq).padStart(6, '0')}`
  }

  #takeToken(method: string, channelKey: string): number | undefined {
    const limit = this.#limits[method]
    if (limit === undefined) return undefined
    const key = `${method}:${limit.per === 'channel' ? channelKey : '*'}`
    const now = Date.now()
    const bucket = this.#buckets.get(key) ?? { tokens: limit.burst, at: now }
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * limit.ratePerSec
    )
    bucket.at = now
    this.#buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return undefined
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSec))
  }

  #webhook(req: LoggedRequest): Reply {
    if (!this.#webhooks.has(req.path))
      return { status: 404, body: 'channel_not_found' }
    let payload: unknown
    try {
      payload = JSON.parse(req.body)
    } catch {
      return { status: 400, body: 'invalid_payload' }
    }
    const p = payload as {
      text?: unknown
      blocks?: unknown
      attachments?: unknown
    }
    if (
      p.text === undefined &&
      p.blocks === undefined &&
      p.attachments === undefined
    ) {
      return { status: 400, body: 'no_text' }
    }
    this.webhookPayloads.push({ path: req.path, payload })
    return { status: 200, body: 'ok' }
  }

  #api(req: LoggedRequest, method: string): Reply {
    const args = parseArgs(req)
    if (args === undefined) {
      return ok200({
        ok: false,
        error:
          req.headers['content-type']?.includes('json') === true
            ? 'invalid_json'
            : 'invalid_form_data'
      })
    }
    const token =
      /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ??
      (typeof args.token === 'string' ? args.token : undefined)
    if (token === undefined) return ok200({ ok: false, error: 'not_authed' })
    if (!this.#tokens.has(token))
      return ok200({ ok: false, error: 'invalid_auth' })
    const needed = METHOD_SCOPES[method]
    if (
      needed !== undefined &&
      this.#scopes !== undefined &&
      !this.#scopes.includes(needed)
    )
      return ok200({
        ok: false,
        error: 'missing_scope',
        needed,
        provided: this.#scopes.join(',')
      })
    switch (method) {
      case 'auth.test':
        return ok200({
          ok: true,
          url: 'https://emulated.slack.com/',
          team: 'emulated',
          user: 'stackci',
          team_id: 'T0001',
          user_id: 'U0BOT',
          bot_id: 'B0001'
        })
      case 'chat.postMessage':
        return this.#post(args)
      case 'chat.update':
        return this.#update(args)
      case 'conversations.list':
        return this.#list(args)
      case 'conversations.history':
      case 'conversations.replies':
        return this.#history(args, method === 'conversations.replies')
      case 'conversations.info': {
        const c = this.#resolve(text(args.channel))
        return ok200(
          c === undefined
            ? { ok: false, error: 'channel_not_found' }
            : { ok: true, channel: channelJson(c) }
        )
      }
      case 'users.lookupByEmail': {
        const u = this.#users.find((x) => x.email === args.email)
        return ok200(
          u === undefined
            ? { ok: false, error: 'users_not_found' }
            : {
                ok: true,
                user: {
                  id: u.id,
                  name: u.name ?? u.email,
                  profile: { email: u.email }
                }
              }
        )
      }
      default:
        return ok200({ ok: false, error: 'unknown_method' })
    }
  }

  #checkContent(
    args: Record<string, unknown>,
    required: boolean
  ): Reply | undefined {
    const text = typeof args.text === 'string' ? args.text : undefined
    const blocks = args.blocks
    const attachments = args.attachments
    if (
      required &&
      (text === undefined || text === '') &&
      blocks === undefined &&
      attachments === undefined
    ) {
      return ok200({ ok: false, error: 'no_text' })
    }
    if (text !== undefined && text.length > 40_000)
      return ok200({ ok: false, error: 'msg_too_long' })
    if (blocks !== undefined) {
      const errors = validateBlocks(blocks)
      if (errors.length > 0)
        return ok200({
          ok: false,
          error: 'invalid_blocks',
          errors,
          response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) }
        })
    }
    return undefined
  }

  #post(args: Record<string, unknown>): Reply {
    const channel = this.#resolve(text(args.channel))
    if (channel === undefined)
      return ok200({ ok: false, error: 'channel_not_found' })
    if (channel.isArchived) return ok200({ ok: false, error: 'is_archived' })
    if (!channel.isMember) return ok200({ ok: false, error: 'not_in_channel' })
    const limited = this.#takeToken('chat.postMessage', channel.id)
    if (limited !== undefined) return rateLimited(limited)
    const bad = this.#checkContent(args, true)
    if (bad !== undefined) return bad
    // Slack accepts any thread_ts here; a reply to no message is simply orphaned.
    const threadTs =
      typeof args.thread_ts === 'string' && args.thread_ts !== ''
        ? args.thread_ts
        : undefined
    const message: SlackMessage = {
      channel: channel.id,
      ts: this.#nextTs(),
      text: typeof args.text === 'string' ? args.text : '',
      history: [],
      bot_id: 'B0001',
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
      ...(Array.isArray(args.attachments)
        ? { attachments: args.attachments }
        : {}),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      ...(typeof args.metadata === 'object' && args.metadata !== null
        ? { metadata: args.metadata }
        : {}),
      ...(args.reply_broadcast === true || args.reply_broadcast === 'true'
        ? { reply_broadcast: true }
        : {})
    }
    message.history.push(message.text)
    this.messages.push(message)
    return ok200({
      ok: true,
      channel: channel.id,
      ts: message.ts,
      message: messageJson(message)
    })
  }

  #update(args: Record<string, unknown>): Reply {
    const id = text(args.channel)
    const channel = this.channels.get(id)
    // chat.update needs a channel ID; a name is channel_not_found.
    if (channel === undefined)
      return ok200({ ok: false, error: 'channel_not_found' })
    if (typeof args.ts !== 'string')
      return ok200({ ok: false, error: 'invalid_arguments' })
    const limited = this.#takeToken('chat.update', channel.id)
    if (limited !== undefined) return rateLimited(limited)
    const message = this.messages.find(
      (m) => m.channel === channel.id && m.ts === args.ts
    )
    if (message === undefined)
      return ok200({ ok: false, error: 'message_not_found' })
    const bad = this.#checkContent(args, false)
    if (bad !== undefined) return bad
    if (typeof args.text === 'string') message.text = args.text
    // Omitted blocks/attachments are kept; [] removes them.
    if (Array.isArray(args.blocks)) message.blocks = args.blocks
    if (Array.isArray(args.attachments)) message.attachments = args.attachments
    message.history.push(message.text)
    return ok200({
      ok: true,
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: messageJson(message)
    })
  }

  /**
   * conversations.history (top-level messages, newest first) and
   * conversations.replies (the parent, then its replies, oldest first), with
   * `oldest`, `limit`/`cursor` paging and `include_all_metadata`.
   */
  #history(args: Record<string, unknown>, replies: boolean): Reply {
    const channel = this.#resolve(text(args.channel))
    if (channel === undefined)
      return ok200({ ok: false, error: 'channel_not_found' })
    if (!channel.isMember) return ok200({ ok: false, error: 'not_in_channel' })
    const ts = text(args.ts)
    if (replies && ts === '')
      return ok200({ ok: false, error: 'invalid_arguments' })
    const oldest = Number(text(args.oldest) || '0')
    const metadata =
      args.include_all_metadata === true || args.include_all_metadata === 'true'
    const all = this.messages
      .filter((m) => m.channel === channel.id && Number(m.ts) >= oldest)
      .filter((m) =>
        replies ? m.ts === ts || m.thread_ts === ts : m.thread_ts === undefined
      )
    if (!replies) all.reverse()
    const limit = Math.min(Number(args.limit ?? 100) || 100, 1000)
    const start =
      typeof args.cursor === 'string' && args.cursor !== ''
        ? Number(Buffer.from(args.cursor, 'base64').toString())
        : 0
    const page = all.slice(start, start + limit)
    const more = start + limit < all.length
    return ok200({
      ok: true,
      messages: page.map((m) => ({
        ...messageJson(m),
        ...(metadata && m.metadata !== undefined
          ? { metadata: m.metadata }
          : {})
      })),
      has_more: more,
      response_metadata: {
        next_cursor: more
          ? Buffer.from(String(start + limit)).toString('base64')
          : ''
      }
    })
  }

  #list(args: Record<string, unknown>): Reply {
    const all = [...this.channels.values()]
    const limit = Math.min(Number(args.limit ?? 100) || 100, 1000)
    const start =
      typeof args.cursor === 'string' && args.cursor !== ''
        ? Number(Buffer.from(args.cursor, 'base64').toString())
        : 0
    const page = all.slice(start, start + limit)
    const next =
      start + limit < all.length
        ? Buffer.from(String(start + limit)).toString('base64')
        : ''
    return ok200({
      ok: true,
      channels: page.map(channelJson),
      response_metadata: { next_cursor: next }
    })
  }
}

/** A string argument, or '' for anything else. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function ok200(body: unknown): Reply {
  return { status: 200, body }
}

function rateLimited(seconds: number): Reply {
  return {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: { ok: false, error: 'ratelimited' }
  }
}

function channelJson(c: SlackChannel): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    is_channel: true,
    is_member: c.isMember,
    is_archived: c.isArchived
  }
}

function messageJson(m: SlackMessage): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    text: m.text,
    ts: m.ts,
    bot_id: m.bot_id,
    app_id: 'A0001',
    ...(m.blocks === undefined ? {} : { blocks: m.blocks }),
    ...(m.attachments === undefined ? {} : { attachments: m.attachments }),
    ...(m.thread_ts === undefined ? {} : { thread_ts: m.thread_ts })
  }
}

/** The arguments of a Web API call, from a urlencoded or JSON body. */
function parseArgs(req: LoggedRequest): Record<string, unknown> | undefined {
  const type = req.headers['content-type'] ?? ''
  if (type.includes('application/json')) {
    try {
      const parsed = JSON.parse(req.body === '' ? '{}' : req.body) as unknown
      return typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>)
        : undefined
    } catch {
      return undefined
    }
  }
  const args: Record<string, unknown> = {}
  for (const [k, v] of new URLSearchParams(req.body)) {
    if (
      (k === 'blocks' || k === 'attachments' || k === 'metadata') &&
      v !== ''
    ) {
      try {
        args[k] = JSON.parse(v) as unknown
      } catch {
        return undefined
      }
    } else args[k] = v
  }
  return args
}

/** Basic Block Kit validation with json-pointer error texts, as Slack gives. */
function validateBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['must be an array [json-pointer:/blocks]']
  const errors: string[] = []
  if (blocks.length > 50)
    errors.push('no more than 50 items allowed [json-pointer:/blocks]')
  blocks.forEach((b, i) => {
    const block = b as {
      type?: unknown
      text?: { text?: unknown }
      fields?: unknown
      elements?: unknown
    }
    const at = `[json-pointer:/blocks/${i}`
    if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
      errors.push(`unknown block type ${at}/type]`)
      return
    }
    const text = typeof block.text?.text === 'string' ? block.text.text : ''
    if (
      block.type === 'header' &&
      (block.text as { type?: unknown } | undefined)?.type !== 'plain_text'
    )
      errors.push(`must be plain_text ${at}/text/type]`)
    if (
      block.type === 'section' &&
      block.text === undefined &&
      !Array.isArray(block.fields)
    )
      errors.push(`must provide either text or fields ${at}]`)
    if (block.type === 'header' && text.length > 150)
      errors.push(`must be less than 151 characters ${at}/text/text]`)
    if (block.type === 'section' && text.length > 3000)
      errors.push(`must be less than 3001 characters ${at}/text/text]`)
    if (block.type === 'section' && Array.isArray(block.fields)) {
      if (block.fields.length > 10)
        errors.push(`no more than 10 items allowed ${at}/fields]`)
      block.fields.forEach((f: { text?: unknown }, j: number) => {
        if (typeof f.text === 'string' && f.text.length > 2000)
          errors.push(
            `must be less than 2001 characters ${at}/fields/${j}/text]`
          )
      })
    }
    if (
      block.type === 'context' &&
      Array.isArray(block.elements) &&
      block.elements.length > 10
    ) {
      errors.push(`no more than 10 items allowed ${at}/elements]`)
    }
  })
  return errors
}
