import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import { RecordingReporter } from '../../../src/core/index.js'
import {
  openAlerts,
  runAlertsPass,
  type AlertsPassResult,
  type OpenAlerts
} from '../../../src/alerts/index.js'
import { SqliteStore } from '../../../src/metrics/index.js'
import { GitHubEmulator } from '../../emulators/github/server.js'
import { SlackEmulator } from '../../emulators/slack/server.js'
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

/** A stackci.yml watching `metrics.sqlite` in `dir` with these rules. */
function config(
  dir: string,
  alerts: string
): ReturnType<typeof loadStackciConfig> {
  const file = join(dir, 'stackci.yml')
  const text = `version: 1
slack: { channel: alerts }
verify: { definitions: ${JSON.stringify(definitions)} }
metrics:
  stores: { sqlite: { path: metrics.sqlite } }
alerts:
  github: { repository: lsst/stack }
${alerts}
`
  writeFileSync(file, text)
  return loadStackciConfig(text, file)
}

describe('standing alerts on the real SQLite store, Slack and GitHub emulators, a controlled clock', () => {
  let slack: SlackEmulator
  let github: GitHubEmulator
  let dir: string
  let store: SqliteStore
  let now: number
  const opened: OpenAlerts[] = []
  let env: Record<string, string>

  beforeEach(async () => {
    slack = new SlackEmulator({
      channels: [{ name: 'alerts', id: 'C0ALERTS' }],
      rateLimits: false
    })
    github = new GitHubEmulator()
    await slack.start()
    await github.start()
    dir = tempDir('stackci-alerts-')
    store = new SqliteStore(join(dir, 'metrics.sqlite'))
    now = T0
    env = {
      STACKCI_SLACK_API_URL: `${slack.url}/api/`,
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: 'ghs_app_token'
    }
  })
  afterEach(async () => {
    for (const a of opened.splice(0)) await a.close()
    await store.close()
    await slack.stop()
    await github.stop()
  })

  /** Writes one job of the sample stack: astrometric RMS at `day`. */
  async function point(
    day: number,
    astrom: number,
    dataset = 'field_a'
  ): Promise<void> {
    await store.write(
      dispatchJob(
        `d${day}-${dataset}-${astrom}`,
        { 'skyprobe.astrom_rms': astrom },
        {
          time: T0 + day * DAY,
          dataset,
          unit: 'marcsec'
        }
      )
    )
  }

  async function open(rules: string): Promise<OpenAlerts> {
    const a = await openAlerts(
      config(dir, rules),
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
  const minimum = MINIMUM_RULE
  const scenario: AlertsScenario = {
    point,
    open,
    pass: async (a, at) => {
      now = at
      return pass(a)
    },
    posts
  }

  it('alerts once on a failing minimum spec across 5 evaluations and resolves once in its thread', async () => {
    await expectMinimumAlertsOnce(scenario)
  })

  it('fires a dead-man alert when the clock passes the window and resolves when a point arrives', async () => {
    await expectDeadmanFiresAndResolves(scenario)
  })

  it('with for: 3 waits three evaluations before firing', async () => {
    await point(0, 80)
    const a = await open(`${minimum}
      for: 3`)
    const statuses: string[] = []
    for (let i = 0; i < 3; i++) {
      now += HOUR
      const r = await pass(a)
      statuses.push(
        `${r.firing.length > 0 ? 'firing' : `pending ${r.pending[0]?.count}`}, ${posts().length} sent`
      )
    }
    expect(statuses).toEqual([
      'pending 1, 0 sent',
      'pending 2, 0 sent',
      'firing, 1 sent'
    ])
    expect(posts()).toHaveLength(1)
  })

  it('a silence suppresses the firing message, and its expiry restores it', async () => {
    await point(0, 80)
    const until = new Date(T0 + 2 * DAY).toISOString().replace('.000', '')
    const a = await open(`${minimum}
  silences:
    - alert: astrom-*
      until: ${until}
      reason: known, fixed in the next weekly`)
    now = T0 + HOUR
    const silenced = await pass(a)
    expect(silenced.changes[0]?.silencedBy).toBe(
      'astrom-* (known, fixed in the next weekly)'
    )
    now = T0 + DAY
    await pass(a)
    expect(posts()).toHaveLength(0)
    now = T0 + 2 * DAY + HOUR
    const restored = await pass(a)
    expect(restored.changes.map((c) => c.announced)).toEqual(['firing'])
    await pass(a)
    expect(posts()).toHaveLength(1)
  })

  it('opens a GitHub issue once, closes it once, and reopens the same issue when it fires again', async () => {
    await point(0, 80)
    const a = await open(`${minimum}
      routes: { github-issue: true, labels: [stackci-alert, metrics] }`)
    for (let i = 0; i < 3; i++) {
      now += HOUR
      await pass(a)
    }
    expect(github.tracker.issues).toHaveLength(1)
    const issue = github.tracker.issues[0]
    expect(issue?.state).toBe('open')
    expect(issue?.labels).toEqual([
      'stackci-alert',
      'metrics',
      'severity:critical'
    ])
    await point(1, 40)
    now = T0 + 2 * DAY
    await pass(a)
    await pass(a)
    expect(issue?.state).toBe('closed')
    expect(issue?.state_reason).toBe('completed')
    expect(
      github.comments.filter((c) => c.issue === issue?.number)
    ).toHaveLength(1)
    await point(2, 90)
    now = T0 + 3 * DAY
    await pass(a)
    expect(github.tracker.issues).toHaveLength(1)
    expect(issue?.state).toBe('open')
    expect(issue?.state_reason).toBe('reopened')
    const calls = github.requests.filter(
      (r) => /\/issues(\/\d+)?$/.test(r.path) && r.method !== 'GET'
    )
    expect(calls.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH'])
  })

  it('two evaluators started at once on the same store send each notification once', async () => {
    await point(0, 80)
    await point(0, 90, 'field_b')
    const a = await open(minimum)
    const b = await open(minimum)
    now = T0 + HOUR
    const [ra, rb] = await Promise.all([pass(a), pass(b)])
    expect(posts()).toHaveLength(2)
    expect(ra.changes.length + rb.changes.length).toBe(2)
    expect(ra.lost + rb.lost).toBeGreaterThan(0)
    await point(1, 40)
    await point(1, 41, 'field_b')
    now = T0 + 2 * DAY
    await Promise.all([pass(a), pass(b), pass(a)])
    const all = posts()
    expect(all).toHaveLength(4)
    expect(all.filter((m) => m.thread_ts !== undefined)).toHaveLength(2)
  })
})
