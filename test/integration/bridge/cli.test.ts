import Database from 'better-sqlite3'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SlackEmulator } from '../../emulators/slack/server.js'
import {
  SECRET,
  URL_TOKEN,
  notification,
  post,
  startBridge,
  waitFor
} from '../../helpers/bridge.js'
import {
  freePort,
  spawnBridge,
  waitHealthy
} from '../../helpers/bridge-process.js'
import { runCli } from '../../helpers/cli.js'

const ROUTES = `version: 1
routes:
  - jobs: 'team/*'
    channel: '#builds'
`

function routesFile(text = ROUTES): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bridge-cli-'))
  const file = join(dir, 'routes.yml')
  writeFileSync(file, text)
  return file
}

/** `stackci bridge serve|check`: configuration errors, signals, draining. */
describe('stackci bridge', () => {
  let slack: SlackEmulator
  beforeEach(async () => {
    slack = new SlackEmulator()
    await slack.start()
  })
  afterEach(async () => {
    await slack.stop()
  })

  it('reports every configuration problem at once, with the fix, and exits 2', async () => {
    const r = await runCli(['bridge', 'serve'], {
      env: {
        BRIDGE_PORT: 'eighty',
        BRIDGE_SYNC: 'sometimes',
        SLACK_BOT_TOKEN: '',
        GITHUB_TOKEN: ''
      }
    })
    expect(r.code).toBe(2)
    for (const line of [
      'jenkins-bridge configuration has 5 problems',
      'BRIDGE_ROUTES is not set (set BRIDGE_ROUTES to the path of your routes.yml',
      'BRIDGE_SECRET is not set (nor BRIDGE_URL_TOKEN)',
      'BRIDGE_PORT must be an integer from 0 to 65535, got "eighty" (set BRIDGE_PORT=8080)',
      'BRIDGE_SYNC must be one of full, normal, got "sometimes" (set BRIDGE_SYNC=full)',
      'SLACK_BOT_TOKEN is not set (nor GITHUB_TOKEN, nor a GitHub App): there is nothing to relay to'
    ])
      expect(r.stderr).toContain(line)
  })

  it('reports every routing problem with file:line', async () => {
    const file = routesFile(`version: 1
mentions:
  bob@example.org: bob
routes:
  - jobs: 'a/*'
    chanel: '#x'
  - jobs: 'b/*'
    results: [FAILED]
    quiet: { hours: '7pm-7am', timezone: Mars/Olympus }
`)
    const r = await runCli(['bridge', 'check', '--routes', file], {
      env: { BRIDGE_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-1' }
    })
    expect(r.code).toBe(2)
    for (const line of [
      `${file} has 5 problems`,
      `${file}:3:20 (mentions.bob@example.org): "bob" is not valid (a Slack member ID like U0123ABCD`,
      `${file}:6:5 (routes[0].chanel): unknown key "chanel" (did you mean "channel"?)`,
      `${file}:8:15 (routes[1].results[0]): must be one of "SUCCESS", "UNSTABLE", "FAILURE", "NOT_BUILT", "ABORTED", "BACK_TO_NORMAL", got string "FAILED"`,
      `${file}:9:21 (routes[1].quiet.hours): "7pm-7am" is not valid (write it like '19:00-07:00' (24-hour clock))`,
      `${file}:9:42 (routes[1].quiet.timezone): "Mars/Olympus" is not a time zone`
    ])
      expect(r.stderr).toContain(line)
  })

  it('check says what the bridge would do, without its secrets', async () => {
    const r = await runCli(['bridge', 'check', '--routes', routesFile()], {
      env: {
        BRIDGE_SECRET: SECRET,
        SLACK_BOT_TOKEN: 'xoxb-secret-token',
        GITHUB_TOKEN: 'ghp_secret_token',
        BRIDGE_GITHUB_MODE: 'both'
      }
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('auth: hmac')
    expect(r.stdout).toContain('github: both via https://api.github.com')
    expect(r.stdout).toContain('routes[0]: #builds + GitHub')
    expect(r.stdout + r.stderr).not.toMatch(
      /secret-token|secret_token|bridge-hmac/
    )
  })

  it('check does not promise GitHub when GitHub is off', async () => {
    const r = await runCli(['bridge', 'check', '--routes', routesFile()], {
      env: { BRIDGE_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-secret-token' }
    })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('github: off')
    expect(r.stdout).toContain('routes[0]: #builds (GitHub off)')
    expect(r.stdout).not.toContain('+ GitHub')
  })

  it('send posts a signed event built from the Jenkins build variables', async () => {
    const h = await startBridge({ routes: ROUTES })
    try {
      const env = {
        JOB_NAME: 'team/app',
        BUILD_NUMBER: '9',
        BUILD_URL: 'https://ci.example.org/job/team/job/app/9/',
        GIT_COMMIT: 'a'.repeat(40),
        BRANCH_NAME: 'main',
        BRIDGE_SECRET: SECRET
      }
      const ok = await runCli(
        [
          'bridge',
          'send',
          '--url',
          `${h.url}/jenkins`,
          '--phase',
          'completed',
          '--result',
          'failure'
        ],
        { env }
      )
      expect(ok.stderr).toBe('')
      expect(JSON.parse(ok.stdout)).toEqual({
        accepted: true,
        duplicate: false,
        key: 'team/app#9:final',
        id: 1
      })
      expect(
        h.server.store.pendingEvents(5).length +
          h.server.store.countEvents('applied')
      ).toBe(1)
      const bad = await runCli(
        ['bridge', 'send', '--url', `${h.url}/jenkins`, '--phase', 'STARTED'],
        {
          env: { ...env, BRIDGE_SECRET: 'not-the-secret-at-all' }
        }
      )
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain(
        'the bridge answered 401: the signature does not match the body'
      )
      expect(bad.stderr).toContain('check BRIDGE_SECRET')
      expect(bad.stderr).not.toContain('not-the-secret-at-all')
      const outside = await runCli(
        ['bridge', 'send', '--url', `${h.url}/jenkins`, '--phase', 'DONE'],
        // Not inside a Jenkins build (even if these tests run in one).
        { env: { BRIDGE_SECRET: SECRET, JOB_NAME: '', BUILD_NUMBER: '' } }
      )
      expect(outside.code).toBe(2)
      expect(outside.stderr).toContain(
        'bridge send: --job (or JOB_NAME) and --number (or BUILD_NUMBER) not given'
      )
    } finally {
      await h.stop()
    }
  })

  it('send takes a token from the URL’s user:password and never prints it', async () => {
    const h = await startBridge({ routes: ROUTES })
    try {
      const env = {
        JOB_NAME: 'team/app',
        BUILD_NUMBER: '10',
        BRIDGE_SECRET: ''
      }
      const at = (token: string): string =>
        `http://jenkins:${token}@${h.url.slice('http://'.length)}/jenkins`
      const ok = await runCli(
        ['bridge', 'send', '--url', at(URL_TOKEN), '--phase', 'STARTED'],
        { env }
      )
      expect(ok.code).toBe(0)
      expect(JSON.parse(ok.stdout)).toEqual(
        expect.objectContaining({ key: 'team/app#10:started' })
      )
      const wrong = 'wrong-url-token-0123456789'
      const bad = await runCli(
        ['bridge', 'send', '--url', at(wrong), '--phase', 'STARTED'],
        { env }
      )
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain(
        'the bridge answered 401: the token is wrong'
      )
      for (const r of [ok, bad]) {
        expect(`${r.stdout}${r.stderr}`).not.toContain(URL_TOKEN)
        expect(`${r.stdout}${r.stderr}`).not.toContain(wrong)
      }
    } finally {
      await h.stop()
    }
  })

  it('drains on SIGTERM: answers, relays, closes the store, exits 0', async () => {
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), 'stackci-bridge-term-'))
    const p = spawnBridge({
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_PORT: String(port),
      BRIDGE_DB: join(dir, 'bridge.db'),
      BRIDGE_ROUTES: routesFile(),
      BRIDGE_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: `${slack.url}/api/`
    })
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, p)
    expect(
      (
        await post(
          `http://127.0.0.1:${port}/jenkins`,
          notification('team/app', 1, 'STARTED')
        )
      ).status
    ).toBe(202)
    p.child.kill('SIGTERM')
    expect(await p.exited).toEqual({ code: 0, signal: null })
    // The accepted event was relayed before the process ended.
    expect(slack.channelMessages('builds')).toHaveLength(1)
    const lines = p
      .stderr()
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            level: string
            msg: string
            left_deliveries?: number
          }
      )
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'jenkins-bridge starting',
        'jenkins-bridge listening',
        'SIGTERM: draining for up to 10s; send it again to exit at once',
        'jenkins-bridge stopped'
      ])
    )
    expect(
      lines.find((l) => l.msg === 'jenkins-bridge stopped')?.left_deliveries
    ).toBe(0)
    expect(p.stderr()).not.toContain('xoxb-test-token')
  })

  it('exits at once on a second signal, leaving the work in the store', async () => {
    // Slack hangs: the drain would take its whole 60 s deadline.
    slack.fault({
      match: (r) => r.path === '/api/chat.postMessage',
      kind: 'delay',
      delayMs: 8_000
    })
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), 'stackci-bridge-int-'))
    const p = spawnBridge({
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_PORT: String(port),
      BRIDGE_DB: join(dir, 'bridge.db'),
      BRIDGE_ROUTES: routesFile(),
      BRIDGE_SECRET: SECRET,
      BRIDGE_DRAIN_TIMEOUT: '60s',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: `${slack.url}/api/`
    })
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, p)
    await post(
      `http://127.0.0.1:${port}/jenkins`,
      notification('team/app', 1, 'STARTED')
    )
    const inFlight = await waitFor('a post in flight', () =>
      slack.requests.find((r) => r.path === '/api/chat.postMessage')
    )
    p.child.kill('SIGINT')
    await waitFor('draining', () => p.stderr().includes('SIGINT: draining'))
    const t = Date.now()
    p.child.kill('SIGINT')
    expect((await p.exited).code).toBe(130)
    // Well before the hung post ends (8 s), let alone the 60 s deadline.
    expect(Date.now() - t).toBeLessThan(5_000)
    expect(p.stderr()).toContain(
      'SIGINT again: exiting now; unfinished work stays in the store for the next start'
    )
    const db = new Database(join(dir, 'bridge.db'), { readonly: true })
    try {
      // The post was under way: the message is owed, with its intent recorded.
      expect(
        db
          .prepare(
            `SELECT kind, intent_at IS NOT NULL AS intent FROM targets WHERE want > sent`
          )
          .all()
      ).toEqual([{ kind: 'parent', intent: 1 }])
    } finally {
      db.close()
    }
    // Let the emulator finish the hung answer (its timer would outlive the test).
    await new Promise((r) =>
      setTimeout(r, Math.max(0, inFlight.at + 8_200 - Date.now()))
    )
  })
})
