import {
  LogLevel,
  WebClient,
  type Logger,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError
} from '@slack/web-api'
import { rejection } from '../../helpers/thrown.js'
import { SlackEmulator } from '../../emulators/slack/server.js'

/** The SDK logs every failed call; the tests assert on them instead. */
const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined
}

/** The emulator, driven by the real @slack/web-api client. */
describe('the Slack emulator', () => {
  let slack: SlackEmulator
  let client: WebClient
  beforeEach(async () => {
    slack = new SlackEmulator({
      channels: [
        { name: 'builds' },
        { name: 'archive', isArchived: true },
        { name: 'private', isMember: false }
      ],
      users: [{ id: 'U0042', email: 'dev@example.org' }],
      webhooks: ['/services/T1/B1/secret']
    })
    const url = await slack.start()
    client = new WebClient('xoxb-test-token', {
      slackApiUrl: `${url}/api/`,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: quiet
    })
  })
  afterEach(async () => {
    await slack.stop()
  })

  it('posts a message as the SDK sends it (urlencoded, JSON fields) and answers like Slack', async () => {
    const blocks = [
      {
        type: 'header',
        text: { type: 'plain_text', text: '❌ stack-os-matrix #42' }
      }
    ]
    const r = await client.chat.postMessage({
      channel: 'builds',
      text: 'build 42 failed',
      blocks
    })
    expect(r.ok).toBe(true)
    expect(r.channel).toBe('C00000001')
    expect(r.ts).toMatch(/^\d{10}\.\d{6}$/)
    expect(r.message).toMatchObject({
      type: 'message',
      subtype: 'bot_message',
      text: 'build 42 failed',
      blocks
    })
    expect(slack.received('api')[0]?.headers['content-type']).toMatch(
      /application\/x-www-form-urlencoded/
    )
    expect(slack.channelMessages('builds').map((m) => m.text)).toEqual([
      'build 42 failed'
    ])
  })

  it('accepts a JSON body with a Bearer token, and refuses missing or wrong tokens', async () => {
    const post = async (headers: Record<string, string>): Promise<unknown> =>
      (
        await fetch(`${slack.url}/api/chat.postMessage`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            ...headers
          },
          body: JSON.stringify({ channel: 'C00000001', text: 'hi' })
        })
      ).json()
    expect(
      await post({ authorization: 'Bearer xoxb-test-token' })
    ).toMatchObject({ ok: true })
    expect(await post({})).toEqual({ ok: false, error: 'not_authed' })
    expect(await post({ authorization: 'Bearer xoxb-wrong' })).toEqual({
      ok: false,
      error: 'invalid_auth'
    })
  })

  it('updates in place: needs the channel ID, keeps omitted blocks, [] removes them', async () => {
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: 'running' } }
    ]
    const { ts, channel } = await client.chat.postMessage({
      channel: 'builds',
      text: 'queued',
      blocks
    })
    const byName = (await rejection(
      client.chat.update({ channel: 'builds', ts: ts ?? '', text: 'x' })
    )) as WebAPIPlatformError
    expect(byName.data.error).toBe('channel_not_found')
    await client.chat.update({
      channel: channel ?? '',
      ts: ts ?? '',
      text: 'running'
    })
    expect(slack.channelMessages('builds')[0]).toMatchObject({
      text: 'running',
      blocks
    })
    await client.chat.update({
      channel: channel ?? '',
      ts: ts ?? '',
      text: 'done',
      blocks: []
    })
    expect(slack.channelMessages('builds')[0]).toMatchObject({
      text: 'done',
      blocks: [],
      history: ['queued', 'running', 'done']
    })
    const missing = (await rejection(
      client.chat.update({ channel: channel ?? '', ts: '1.000001', text: 'x' })
    )) as WebAPIPlatformError
    expect(missing.data.error).toBe('message_not_found')
  })

  it('keeps threads', async () => {
    const parent = await client.chat.postMessage({
      channel: 'builds',
      text: 'parent'
    })
    await client.chat.postMessage({
      channel: 'builds',
      text: 'detail',
      thread_ts: parent.ts ?? '',
      reply_broadcast: true
    })
    expect(slack.thread('builds', parent.ts ?? '')).toMatchObject([
      { text: 'detail', reply_broadcast: true }
    ])
    expect(slack.channelMessages('builds')).toHaveLength(1)
  })

  it('answers Slack error codes: archived, not in channel, no text, invalid blocks', async () => {
    const code = async (
      args: Parameters<WebClient['chat']['postMessage']>[0]
    ): Promise<unknown> =>
      ((await rejection(client.chat.postMessage(args))) as WebAPIPlatformError)
        .data.error
    expect(await code({ channel: 'archive', text: 'x' })).toBe('is_archived')
    expect(await code({ channel: 'private', text: 'x' })).toBe('not_in_channel')
    expect(await code({ channel: 'nowhere', text: 'x' })).toBe(
      'channel_not_found'
    )
    expect(await code({ channel: 'builds', text: '' })).toBe('no_text')
    expect(
      await code({
        channel: 'builds',
        text: 'x',
        blocks: [
          {
            type: 'header',
            text: { type: 'plain_text', text: 'h'.repeat(151) }
          }
        ]
      })
    ).toBe('invalid_blocks')
  })

  it('rate-limits chat.postMessage per channel: a burst, then 429 with an integer Retry-After', async () => {
    for (let i = 0; i < 3; i++)
      await client.chat.postMessage({ channel: 'builds', text: `m${i}` })
    const limited = (await rejection(
      client.chat.postMessage({ channel: 'builds', text: 'one too many' })
    )) as WebAPIRateLimitedError
    expect(limited.code).toBe('slack_webapi_rate_limited_error')
    expect(limited.retryAfter).toBe(1)
    const raw = slack.requests.at(-1)
    expect(raw?.status).toBe(429)
    expect(slack.channelMessages('builds')).toHaveLength(3)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await expect(
      client.chat.postMessage({ channel: 'builds', text: 'after waiting' })
    ).resolves.toMatchObject({ ok: true })
  })

  it('lets the SDK wait out a 429 when not told to reject it', async () => {
    const patient = new WebClient('xoxb-test-token', {
      slackApiUrl: `${slack.url}/api/`,
      retryConfig: { retries: 2 },
      logger: quiet
    })
    slack.fault({
      match: 'api',
      kind: 'ratelimit',
      retryAfter: 1,
      body: { ok: false, error: 'ratelimited' },
      times: 1
    })
    const started = Date.now()
    await expect(
      patient.chat.postMessage({ channel: 'builds', text: 'eventually' })
    ).resolves.toMatchObject({ ok: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('injects server faults and dropped connections', async () => {
    slack.fault({
      match: 'api',
      kind: 'status',
      status: 503,
      body: 'upstream',
      times: 1
    })
    await expect(
      client.chat.postMessage({ channel: 'builds', text: 'x' })
    ).rejects.toMatchObject({ code: 'slack_webapi_http_error' })
    slack.fault({ match: 'api', kind: 'drop', times: 1 })
    await expect(
      client.chat.postMessage({ channel: 'builds', text: 'x' })
    ).rejects.toMatchObject({ code: 'slack_webapi_request_error' })
    await expect(
      client.chat.postMessage({ channel: 'builds', text: 'x' })
    ).resolves.toMatchObject({ ok: true })
  })

  it('lists channels with cursor pagination and looks users up by email', async () => {
    const first = await client.conversations.list({ limit: 2 })
    expect(first.channels?.map((c) => c.name)).toEqual(['builds', 'archive'])
    const second = await client.conversations.list({
      limit: 2,
      cursor: first.response_metadata?.next_cursor ?? ''
    })
    expect(second.channels?.map((c) => c.name)).toEqual(['private'])
    expect(second.response_metadata?.next_cursor).toBe('')
    expect(
      (await client.users.lookupByEmail({ email: 'dev@example.org' })).user?.id
    ).toBe('U0042')
  })

  it('serves incoming webhooks with plain-text answers', async () => {
    const send = async (
      path: string,
      body: string
    ): Promise<[number, string]> => {
      const r = await fetch(`${slack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body
      })
      return [r.status, await r.text()]
    }
    expect(await send('/services/T1/B1/secret', '{"text":"hi"}')).toEqual([
      200,
      'ok'
    ])
    expect(await send('/services/T1/B1/secret', 'not json')).toEqual([
      400,
      'invalid_payload'
    ])
    expect(await send('/services/T9/B9/gone', '{"text":"hi"}')).toEqual([
      404,
      'channel_not_found'
    ])
  })

  it('checks OAuth scopes per method (missing_scope with needed and provided)', async () => {
    const narrow = new SlackEmulator({
      channels: [{ name: 'builds' }],
      scopes: ['chat:write', 'channels:read']
    })
    const url = await narrow.start()
    try {
      const c = new WebClient('xoxb-test-token', {
        slackApiUrl: `${url}/api/`,
        retryConfig: { retries: 0 },
        logger: quiet
      })
      await expect(
        c.conversations.history({ channel: 'builds' })
      ).rejects.toMatchObject({
        data: {
          error: 'missing_scope',
          needed: 'channels:history',
          provided: 'chat:write,channels:read'
        }
      })
      expect(
        (await c.chat.postMessage({ channel: 'builds', text: 'hi' })).ok
      ).toBe(true)
    } finally {
      await narrow.stop()
    }
  })

  it('refuses a header that is not plain_text and a section with neither text nor fields', async () => {
    await expect(
      client.chat.postMessage({
        channel: 'builds',
        text: 'x',
        blocks: [
          { type: 'header', text: { type: 'mrkdwn', text: '*x*' } },
          { type: 'section' }
          // What the SDK's types would not let through, Slack refuses too.
        ] as never
      })
    ).rejects.toMatchObject({
      data: {
        error: 'invalid_blocks',
        errors: [
          'must be plain_text [json-pointer:/blocks/0/text/type]',
          'must provide either text or fields [json-pointer:/blocks/1]'
        ]
      }
    })
  })
})
