/**
 * Standing-alert scenarios shared by the tests of each store the alerts
 * watch (SQLite, git): the same story told against a different store, with
 * the same Slack emulator and a controlled clock.
 */
import type { AlertsPassResult, OpenAlerts } from '../../src/alerts/index.js'
import type { SlackEmulator } from '../emulators/slack/server.js'
import { DAY, T0 } from './metrics.js'

export const HOUR = 3_600_000

/** A threshold rule on the sample stack's minimum spec (<= 60 marcsec). */
export const MINIMUM_RULE = `  rules:
    - name: astrom-minimum
      kind: threshold
      metrics: [skyprobe.astrom_rms]
      tags: [minimum]
      severity: critical`

export interface Post {
  thread_ts?: string
  ts: string
  text: string
}

/** What the Slack emulator received, in order. */
export function slackPosts(slack: SlackEmulator): Post[] {
  return slack.messages.map((m) => ({
    ts: m.ts,
    text: m.text,
    ...(m.thread_ts === undefined ? {} : { thread_ts: m.thread_ts })
  }))
}

/** A store under test, as the scenarios drive it. */
export interface AlertsScenario {
  /** Stores one job: astrometric RMS `astrom` on day `day` after T0. */
  point(day: number, astrom: number, dataset?: string): Promise<void>
  open(rules: string): Promise<OpenAlerts>
  /** One pass at epoch ms `now`. */
  pass(a: OpenAlerts, now: number): Promise<AlertsPassResult>
  posts(): Post[]
}

/**
 * A failing minimum spec alerts once across 5 evaluations and resolves
 * once, in its thread, when a passing point arrives; `fired` looks at the
 * store between the two.
 */
export async function expectMinimumAlertsOnce(
  s: AlertsScenario,
  fired: (first: Post) => void = () => undefined
): Promise<void> {
  await s.point(0, 80)
  const a = await s.open(MINIMUM_RULE)
  for (let i = 1; i <= 5; i++) await s.pass(a, T0 + i * HOUR)
  expect(s.posts()).toHaveLength(1)
  const first = s.posts()[0] as Post
  expect(first.text).toContain(
    'skyprobe.astrom_rms [field_a] on main fails its specification'
  )
  fired(first)
  await s.point(1, 40)
  const r = await s.pass(a, T0 + DAY + 3 * HOUR)
  await s.pass(a, T0 + DAY + 3 * HOUR)
  expect(r.changes.map((c) => [c.from, c.to, c.announced])).toEqual([
    ['firing', 'resolved', 'resolved']
  ])
  const all = s.posts()
  expect(all).toHaveLength(2)
  expect(all[1]?.thread_ts).toBe(first.ts)
  expect(all[1]?.text).toBe(
    '✅ Resolved: skyprobe.astrom_rms [field_a] on main (astrom-minimum) after 26h: 40.00 marcsec passes minimum'
  )
}

/**
 * A dead-man alert fires when the clock passes its window and resolves, in
 * its thread, when a point arrives.
 */
export async function expectDeadmanFiresAndResolves(
  s: AlertsScenario
): Promise<void> {
  await s.point(0, 40)
  const a = await s.open(`  rules:
    - name: main-deadman
      kind: deadman
      after: 8d`)
  expect((await s.pass(a, T0 + 7 * DAY)).firing).toEqual([])
  const fired = await s.pass(a, T0 + 8 * DAY + HOUR)
  expect(fired.firing.map((f) => f.key)).toEqual(['main-deadman:@main'])
  expect(s.posts()[0]?.text).toBe('⚠️ series main has no new points')
  await s.point(9, 41)
  const resolved = await s.pass(a, T0 + 9 * DAY + HOUR)
  expect(resolved.firing).toEqual([])
  expect(s.posts()).toHaveLength(2)
  expect(s.posts()[1]?.thread_ts).toBe(s.posts()[0]?.ts)
}
