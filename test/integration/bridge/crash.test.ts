import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GitHubEmulator } from '../../emulators/github/server.js'
import { SlackEmulator } from '../../emulators/slack/server.js'
import {
  SECRET,
  notification,
  post,
  sha,
  waitFor
} from '../../helpers/bridge.js'
import {
  freePort,
  spawnBridge,
  waitHealthy,
  type BridgeProcess
} from '../../helpers/bridge-process.js'

const CHANNELS = ['ci-a', 'ci-b', 'ci-c', 'ci-d']
const JOBS = CHANNELS.flatMap((c) => [`crash/${c}-x`, `crash/${c}-y`])
/** Each job's results, build 1 first: every kind of streak appears. */
const RESULTS = [
  'SUCCESS',
  'FAILURE',
  'FAILURE',
  'SUCCESS',
  'UNSTABLE',
  'SUCCESS'
]

const ROUTES = `version: 1
routes:
${CHANNELS.map((c) => `  - jobs: 'crash/${c}-*'\n    channel: '#${c}'\n    repos: 'lsst/*'`).join('\n')}
`

/** The status word the final message must show (the streak, computed independently). */
function expectedWords(): Map<
  string,
  { word: string; reply?: 'failure' | 'fixed' }
> {
  const out = new Map<string, { word: string; reply?: 'failure' | 'fixed' }>()
  for (const job of JOBS) {
    let failing = false
    RESULTS.forEach((r, i) => {
      const key = `${job} #${i + 1}`
      if (r === 'SUCCESS') {
        out.set(
          key,
          failing
            ? { word: 'Back to normal', reply: 'fixed' }
            : { word: 'Success' }
        )
        failing = false
      } else {
        const base = r === 'FAILURE' ? 'Failure' : 'Unstable'
        out.set(key, {
          word: failing
            ? `Still ${r === 'FAILURE' ? 'failing' : 'unstable'}`
            : base,
          reply: 'failure'
        })
        failing = true
      }
    })
  }
  return out
}

/** Posts until the bridge answers 2xx, as the plugin does with retries on. */
async function deliver(url: string, body: unknown): Promise<void> {
  for (;;) {
    try {
      const r = await post(url, body)
      if (r.status === 200 || r.status === 202) return
    } catch {
      // the bridge is down (killed): try again
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * Acceptance 3: under steady load the bridge process is SIGKILLed three
 * times — each time while a chat.postMessage is in flight, the moment a
 * naive bridge would post twice — and restarted on the same store.
 * Afterwards every build has exactly one parent message showing its final
 * state, one thread reply where one is due, and its final commit status and
 * exactly one check run.
 */
describe.each([
  ['', false],
  [' while Slack rate-limits conversations.history/replies', true]
])('the bridge survives SIGKILL%s', (_, lookupsLimited) => {
  let slack: SlackEmulator
  let github: GitHubEmulator
  let bridge: BridgeProcess | undefined
  const logs: string[] = []
  afterAll(async () => {
    bridge?.child.kill('SIGKILL')
    await Promise.all([slack.stop(), github.stop()])
  })

  it('relays every accepted event exactly once across three kills', async () => {
    slack = new SlackEmulator({
      channels: CHANNELS.map((name) => ({ name })),
      rateLimits: {
        'chat.postMessage': { ratePerSec: 5, burst: 5, per: 'channel' },
        'chat.update': { ratePerSec: 5, burst: 5, per: 'channel' }
      }
    })
    github = new GitHubEmulator()
    await Promise.all([slack.start(), github.start()])
    // Every post takes 150 ms: a window to kill the bridge in.
    slack.fault({
      match: (r) => r.path === '/api/chat.postMessage',
      kind: 'delay',
      delayMs: 150
    })
    // Finding 3: the look-up for an interrupted post answered 429, and the
    // old bridge posted anyway (12 duplicates, 4 parents stuck at Running).
    const unlimit = lookupsLimited
      ? slack.fault({
          match: (r) =>
            r.path === '/api/conversations.history' ||
            r.path === '/api/conversations.replies',
          kind: 'ratelimit',
          retryAfter: 1
        })
      : () => undefined
    const dir = mkdtempSync(join(tmpdir(), 'stackci-crash-'))
    writeFileSync(join(dir, 'routes.yml'), ROUTES)
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const env = {
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_PORT: String(port),
      BRIDGE_DB: join(dir, 'bridge.db'),
      BRIDGE_ROUTES: join(dir, 'routes.yml'),
      BRIDGE_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_API_URL: `${slack.url}/api/`,
      BRIDGE_SLACK_INTERVAL: '200ms',
      BRIDGE_SLACK_UPDATES_PER_MINUTE: '6000',
      GITHUB_TOKEN: 'ghs_app_token',
      GITHUB_API_URL: github.url,
      BRIDGE_GITHUB_MODE: 'both',
      BRIDGE_GITHUB_PER_MINUTE: '6000'
    }
    const start = async (): Promise<void> => {
      bridge = spawnBridge(env)
      await waitHealthy(`${base}/healthz`, bridge)
    }
    await start()

    // Steady load: one event every 40 ms; a job's builds run one after another.
    const events: unknown[] = []
    RESULTS.forEach((result, i) => {
      for (const job of JOBS) {
        for (const [phase, status] of [
          ['QUEUED'],
          ['STARTED'],
          ['COMPLETED', result],
          ['FINALIZED', result]
        ]) {
          events.push(
            notification(
              job,
              i + 1,
              phase ?? '',
              status === undefined ? {} : { status }
            )
          )
        }
      }
    })
    let sent = 0
    const load = (async () => {
      for (const e of events) {
        await deliver(`${base}/jenkins`, e)
        sent++
        await new Promise((r) => setTimeout(r, 40))
      }
    })()

    for (let kill = 1; kill <= 3; kill++) {
      await waitFor(
        'load to progress',
        () => sent >= (kill * events.length) / 5,
        120_000
      )
      const seen = slack.requests.length
      // Kill while a post is inside Slack: received, not yet answered.
      await waitFor('a chat.postMessage in flight', () =>
        slack.requests
          .slice(seen)
          .some((r) => r.path === '/api/chat.postMessage' && r.status === 0)
      )
      const b = bridge as BridgeProcess
      b.child.kill('SIGKILL')
      expect((await b.exited).signal).toBe('SIGKILL')
      logs.push(b.stderr())
      await start()
    }
    await load
    unlimit()
    await waitFor(
      'the queues to empty',
      () => {
        void fetch(`${base}/readyz`)
          .then(
            async (r) =>
              (await r.json()) as {
                queue: { events: number; deliveries: number }
              }
          )
          .then(
            (j) => (empty = j.queue.events === 0 && j.queue.deliveries === 0)
          )
          .catch(() => undefined)
        return empty
      },
      180_000
    )
    const b = bridge as BridgeProcess
    b.child.kill('SIGTERM')
    expect((await b.exited).code).toBe(0)
    logs.push(b.stderr())

    const expected = expectedWords()
    const problems: string[] = []
    for (const [key, want] of expected) {
      const channel = key.slice('crash/'.length, 'crash/'.length + 4)
      const parents = slack
        .channelMessages(channel)
        .filter((m) => m.text.includes(`${key} `))
      if (parents.length !== 1) {
        problems.push(`${key}: ${parents.length} parent messages`)
        continue
      }
      const parent = parents[0]
      if (parent === undefined) continue
      if (!parent.text.includes(`— ${want.word}`))
        problems.push(
          `${key}: final text is "${parent.text}", want ${want.word}`
        )
      const replies = slack.thread(channel, parent.ts)
      if (replies.length !== (want.reply === undefined ? 0 : 1))
        problems.push(`${key}: ${replies.length} thread replies`)
      const [job = '', n = ''] = key.split(' #')
      const status = github
        .latestStatuses('lsst/stack', sha(`${job}#${n}`))
        .get(`jenkins/${job}`)
      const state =
        want.word === 'Success' || want.word === 'Back to normal'
          ? 'success'
          : 'failure'
      if (status?.state !== state)
        problems.push(
          `${key}: status ${status?.state ?? 'none'}, want ${state}`
        )
      const checks = github.checkRuns.filter(
        (c) => c.external_id === `${job}#${n}`
      )
      if (checks.length !== 1 || checks[0]?.status !== 'completed')
        problems.push(
          `${key}: ${checks.length} check runs (${checks.map((c) => c.status).join(', ')})`
        )
    }
    expect(problems).toEqual([])
    // No parent left behind at a running state.
    const orphans = CHANNELS.flatMap((c) => slack.channelMessages(c)).filter(
      (m) => / — (Running|Queued)/.test(m.text)
    )
    expect(orphans).toEqual([])
    // 48 builds in 4 channels, and nothing else.
    expect(CHANNELS.flatMap((c) => slack.channelMessages(c))).toHaveLength(
      expected.size
    )
    // At least one kill hit the window, and the restart adopted the message.
    expect(logs.join('\n')).toContain(
      'found the message of an interrupted post'
    )
  })
})

let empty = false
