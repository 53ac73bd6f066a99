/**
 * Standing alerts over the git store, against a real git smart-HTTP server
 * (git http-backend on 127.0.0.1), the Slack emulator and a controlled
 * clock: the alert state lives as `alerts/` files on the metrics branch,
 * and its claims are pushes that race for real.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import { RecordingReporter } from '../../../src/core/index.js'
import {
  openAlerts,
  runAlertsPass,
  type AlertsPassResult,
  type OpenAlerts
} from '../../../src/alerts/index.js'
import { GitStore } from '../../../src/metrics/index.js'
import { SlackEmulator } from '../../emulators/slack/server.js'
import { runCli } from '../../helpers/cli.js'
import { GitHttpServer, gitFiles, gitLog } from '../../helpers/git-server.js'
import {
  HOUR,
  MINIMUM_RULE,
  expectDeadmanFiresAndResolves,
  expectMinimumAlertsOnce,
  slackPosts,
  type AlertsScenario,
  type Post
} from '../../helpers/alerts.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'

const definitions = join(process.cwd(), 'examples', 'stack')
const TOKEN = 'ghs_AlertsT0kenThatMustNeverBeLogged12345'

const minimum = MINIMUM_RULE

/** A barrier: resolves once `n` callers are waiting. */
function meet(n: number): () => Promise<void> {
  let waiting = 0
  let open: () => void = () => undefined
  const all = new Promise<void>((r) => (open = r))
  return async () => {
    if (++waiting === n) open()
    return all
  }
}

describe('standing alerts on the git store (git http-backend, Slack emulator, a controlled clock)', () => {
  let server: GitHttpServer
  let slack: SlackEmulator
  let dir: string
  let bare: string
  let url: string
  let writer: GitStore
  let now: number
  const opened: OpenAlerts[] = []
  const env = {
    GITHUB_TOKEN: TOKEN,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    STACKCI_SLACK_API_URL: ''
  }

  beforeAll(async () => {
    server = await new GitHttpServer(TOKEN).start()
    slack = new SlackEmulator({
      channels: [{ name: 'alerts', id: 'C0ALERTS' }],
      rateLimits: false
    })
    await slack.start()
    env.STACKCI_SLACK_API_URL = `${slack.url}/api/`
  })
  afterAll(async () => {
    await slack.stop()
    await server.stop()
  })
  let repos = 0
  beforeEach(() => {
    dir = tempDir('stackci-alerts-git-')
    const name = `history-${++repos}.git`
    bare = server.createBare(name)
    url = server.url(name)
    slack.messages.length = 0
    writer = new GitStore({
      url,
      branch: 'stackci-metrics',
      token: TOKEN,
      cacheDir: join(dir, 'writer-cache'),
      reporter: new RecordingReporter()
    })
    now = T0
  })
  afterEach(async () => {
    delete process.env.GIT_AUTHOR_DATE
    delete process.env.GIT_COMMITTER_DATE
    for (const a of opened.splice(0)) await a.close()
    await writer.close()
  })

  /** Dispatches one job of the sample stack: astrometric RMS at `day`. */
  async function point(
    day: number,
    astrom: number,
    dataset = 'field_a'
  ): Promise<void> {
    await writer.write(
      dispatchJob(
        `d${day}-${dataset}-${astrom}`,
        { 'skyprobe.astrom_rms': astrom },
        { time: T0 + day * DAY, dataset, unit: 'marcsec' }
      )
    )
  }

  /** An evaluator with a stackci.yml (and a git cache) of its own. */
  async function open(rules: string, name = 'a'): Promise<OpenAlerts> {
    const home = join(dir, name)
    mkdirSync(home, { recursive: true })
    const file = join(home, 'stackci.yml')
    const text = `version: 1
slack: { channel: alerts }
verify: { definitions: ${JSON.stringify(definitions)} }
metrics:
  stores: { git: { url: ${JSON.stringify(url)}, cache: cache } }
alerts:
${rules}
`
    writeFileSync(file, text)
    const a = await openAlerts(
      loadStackciConfig(text, file),
      {},
      env,
      new RecordingReporter()
    )
    opened.push(a)
    return a
  }

  async function pass(a: OpenAlerts): Promise<AlertsPassResult> {
    return runAlertsPass(a.inputs, { ...a.deps, clock: { now: () => now } })
  }

  const posts = (): Post[] => slackPosts(slack)
  const scenario: AlertsScenario = {
    point,
    open: async (rules) => open(rules),
    pass: async (a, at) => {
      now = at
      return pass(a)
    },
    posts
  }

  it('alerts once on a failing minimum spec across 5 evaluations, resolves once in its thread; the state is a file on the branch', async () => {
    await expectMinimumAlertsOnce(scenario, (first) => {
      const files = gitFiles(bare, 'stackci-metrics')
      const states = files.filter((f) => f.startsWith('alerts/'))
      expect(states).toHaveLength(1)
      const stored = JSON.parse(
        execFileSync(
          'git',
          ['-C', bare, 'show', `stackci-metrics:${states[0]}`],
          { encoding: 'utf8' }
        )
      ) as Record<string, unknown>
      expect(stored).toMatchObject({
        format: 'stackci-alert/1',
        key: 'astrom-minimum:skyprobe.astrom_rms|field_a||@main',
        status: 'firing',
        announced: true,
        slack: { channel: 'C0ALERTS', ts: first.ts },
        version: 1
      })
      expect(files.filter((f) => f.startsWith('series/main/'))).toHaveLength(1)
    })
    // Dispatches and alert writes share the branch: both jobs, each claim
    // and each pass's deliveries are commits there, nothing rewritten.
    const log = gitLog(bare, 'stackci-metrics')
    expect(log.filter((m) => m.startsWith('stackci: job '))).toHaveLength(2)
    const claims = log.filter((m) => / \(claim [0-9a-f]{12}\)$/.test(m))
    expect(claims).toEqual([
      expect.stringMatching(/^stackci: alerts, 1 change\(s\) /),
      expect.stringMatching(/^stackci: alerts, 1 change\(s\) /)
    ])
    expect(
      log.filter((m) => m === 'stackci: alerts, 1 delivered')
    ).toHaveLength(2)
  })

  it('fires a dead-man alert when the clock passes the window and resolves when a point arrives', async () => {
    await expectDeadmanFiresAndResolves(scenario)
  })

  it('two evaluators started at once on the same branch send each notification once (their pushes race)', async () => {
    // Commits dated by a fixed clock: without a claim id of their own, two
    // evaluators' identical changes on one tip would be one commit, and a
    // push finding it already there would succeed too.
    process.env.GIT_AUTHOR_DATE = process.env.GIT_COMMITTER_DATE =
      '2026-12-01T00:00:00Z'
    await point(0, 80)
    await point(0, 90, 'field_b')
    const a = await open(minimum, 'a')
    const b = await open(minimum, 'b')
    // Every pass loads the state before any claims, and every claim starts
    // before any is pushed: each sees the same transitions on the same tip,
    // makes the same changes, and the branch decides.
    const race = async (
      ...evaluators: OpenAlerts[]
    ): Promise<AlertsPassResult[]> => {
      const loaded = meet(evaluators.length)
      const claiming = meet(evaluators.length)
      return Promise.all(
        evaluators.map(async (o) => {
          const s = o.deps.state
          const state: typeof s = {
            label: s.label,
            load: async () => {
              const states = await s.load()
              await loaded()
              return states
            },
            claim: async (p, n) => s.claim(p, n),
            claimAll: async (changes) => {
              await claiming()
              return (await s.claimAll?.(changes)) ?? []
            },
            recordDelivery: async (k, d) => s.recordDelivery(k, d),
            releaseAnnouncement: async (k) => s.releaseAnnouncement(k),
            flush: async () => s.flush?.(),
            close: async () => s.close()
          }
          return runAlertsPass(o.inputs, {
            ...o.deps,
            state,
            clock: { now: () => now }
          })
        })
      )
    }
    now = T0 + HOUR
    const [ra, rb] = await race(a, b)
    expect(posts()).toHaveLength(2)
    expect((ra?.changes.length ?? 0) + (rb?.changes.length ?? 0)).toBe(2)
    expect((ra?.lost ?? 0) + (rb?.lost ?? 0)).toBe(2)
    await point(1, 40)
    await point(1, 41, 'field_b')
    now = T0 + 2 * DAY
    const resolved = await race(a, b, a)
    expect(resolved.map((r) => r.lost).sort()).toEqual([0, 2, 2])
    const all = posts()
    expect(all).toHaveLength(4)
    expect(all.filter((m) => m.thread_ts !== undefined)).toHaveLength(2)
  })

  it('stackci alerts check --git: the state survives the process (the real binary); no token in any output', async () => {
    await point(0, 80)
    writeFileSync(
      join(dir, 'stackci.yml'),
      `version: 1
slack: { channel: alerts }
verify: { definitions: ${JSON.stringify(definitions)} }
alerts:
  - { name: astrom-minimum, kind: threshold, metrics: [skyprobe.astrom_rms] }
`
    )
    const first = await runCli(
      [
        'alerts',
        'check',
        '--config',
        'stackci.yml',
        '--git',
        `${url}#stackci-metrics`
      ],
      { cwd: dir, env }
    )
    expect([first.code, first.stderr]).toEqual([0, ''])
    expect(first.stdout).toMatch(
      /^firing {3}skyprobe\.astrom_rms \[field_a\] on main .*firing announced\)\n/
    )
    // A new process, the store from stackci.yml this time.
    writeFileSync(
      join(dir, 'stackci-git.yml'),
      `version: 1
slack: { channel: alerts }
verify: { definitions: ${JSON.stringify(definitions)} }
metrics: { stores: { git: { url: ${JSON.stringify(url)} } } }
alerts:
  - { name: astrom-minimum, kind: threshold, metrics: [skyprobe.astrom_rms] }
`
    )
    const second = await runCli(
      ['alerts', 'check', '--config', 'stackci-git.yml', '--fail-on-firing'],
      { cwd: dir, env }
    )
    expect([second.code, second.stderr]).toEqual([1, ''])
    expect(second.stdout).toContain('1 firing, 0 change(s)')
    expect(slack.messages).toHaveLength(1)
    for (const r of [first, second])
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN)
    expect(server.requests.every((q) => q.authorized)).toBe(true)
    expect(server.requests.some((q) => q.url.includes(TOKEN))).toBe(false)
  })
})
