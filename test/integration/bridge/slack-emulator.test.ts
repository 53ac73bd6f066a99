import { LogLevel, WebClient } from '@slack/web-api'
import { SlackEmulator } from '../../emulators/slack/server.js'

/**
 * The Slack emulator answers as Slack does where the relay could go wrong:
 * a method the token has no scope for is `missing_scope` with `needed` and
 * `provided`, and Block Kit it would refuse is refused (every relay test
 * runs against these checks).
 */
describe('the Slack emulator', () => {
  const slack = new SlackEmulator({
    channels: [{ name: 'builds' }],
    scopes: ['chat:write', 'channels:read']
  })
  let client: WebClient
  beforeAll(async () => {
    await slack.start()
    client = new WebClient('xoxb-test-token', {
      slackApiUrl: `${slack.url}/api/`,
      retryConfig: { retries: 0 },
      // The refusals are the point here, not log lines.
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
        setLevel: () => undefined,
        getLevel: () => LogLevel.ERROR,
        setName: () => undefined
      }
    })
  })
  afterAll(async () => {
    await slack.stop()
  })

  it('checks OAuth scopes per method', async () => {
    await expect(
      client.conversations.history({ channel: 'C00000001' })
    ).rejects.toMatchObject({
      data: {
        ok: false,
        error: 'missing_scope',
        needed: 'channels:history',
        provided: 'chat:write,channels:read'
      }
    })
    const ok = await client.chat.postMessage({
      channel: 'C00000001',
      text: 'hi'
    })
    expect(ok.ok).toBe(true)
  })

  it('refuses a header that is not plain_text and a section with neither text nor fields', async () => {
    await expect(
      client.chat.postMessage({
        channel: 'C00000001',
        text: 'x',
        blocks: [
          { type: 'header', text: { type: 'mrkdwn', text: '*x*' } },
          { type: 'section' }
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
