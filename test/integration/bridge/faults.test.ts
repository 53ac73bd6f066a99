import Database from 'better-sqlite3'
import { join } from 'node:path'
import {
  notification,
  post,
  sha,
  startBridge,
  waitFor,
  type Harness
} from '../../helpers/bridge.js'

const ROUTES = `
version: 1
routes:
  - jobs: ['team/**']
    channel: '#builds'
    repos: lsst/stack
`

/** Sends a build's QUEUED, STARTED and COMPLETED events. */
async function build(
  h: Harness,
  job: string,
  n: number,
  result: string
): Promise<void> {
  for (const [phase, status] of [
    ['QUEUED'],
    ['STARTED'],
    ['COMPLETED', result]
  ] as const) {
    const r = await post(
      `${h.url}/jenkins`,
      notification(job, n, phase, status === undefined ? {} : { status })
    )
    expect(r.status).toBe(202)
  }
}

function finalMessage(h: Harness, n: number, word: string): boolean {
  const m = h.slack
    .channelMessages('builds')
    .filter((x) => x.text.includes(`#${n} `))
  return m.length === 1 && (m[0]?.text.includes(word) ?? false)
}

/**
 * Acceptance 2: Slack 429 with Retry-After is waited out, not lost; Slack 5xx
 * and GitHub 502 are retried; an unroutable job is logged and dropped.
 */
describe('the bridge under faults', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startBridge({
      routes: ROUTES,
      env: { JENKINS_URL: '', JENKINS_USER: '', JENKINS_TOKEN: '' }
    })
  })
  afterEach(async () => {
    await h.stop()
  })

  it('waits out a Slack 429 for its Retry-After, then posts once', async () => {
    h.slack.fault({
      match: (r) => r.path === '/api/chat.postMessage',
      kind: 'ratelimit',
      retryAfter: 2,
      body: { ok: false, error: 'ratelimited' },
      times: 1
    })
    await build(h, 'team/app', 1, 'SUCCESS')
    await waitFor('the message after the rate limit', () =>
      finalMessage(h, 1, 'Success')
    )
    const posts = h.slack
      .received('api')
      .filter((r) => r.path === '/api/chat.postMessage')
    expect(posts.map((r) => r.status)).toEqual([429, 200])
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(
      1950
    )
    expect(
      h.log
        .entries()
        .some(
          (e) =>
            e.level === 'warn' &&
            e.msg.startsWith('rate limited: Slack rate limit (Retry-After: 2s)')
        )
    ).toBe(true)
    expect(
      h.server.metrics.retries.get({ relay: 'slack', reason: 'rate_limited' })
    ).toBe(1)
  })

  it('retries Slack 5xx answers and a dropped connection', async () => {
    h.slack.fault({
      match: (r) => r.path === '/api/chat.postMessage',
      kind: 'status',
      status: 503,
      body: 'upstream unavailable',
      times: 1
    })
    h.slack.fault({
      match: (r) => r.path === '/api/chat.postMessage',
      kind: 'status',
      status: 500,
      times: 1
    })
    h.slack.fault({
      match: (r) => r.path === '/api/chat.postMessage',
      kind: 'drop',
      times: 1
    })
    await build(h, 'team/app', 2, 'FAILURE')
    await waitFor(
      'the message after three faults',
      () => finalMessage(h, 2, 'Failure'),
      90_000
    )
    const statuses = h.slack
      .received('api')
      .filter((r) => r.path === '/api/chat.postMessage')
      .map((r) => r.status)
    expect(statuses.slice(0, 4)).toEqual([503, 500, 0, 200])
    expect(
      h.server.metrics.retries.get({ relay: 'slack', reason: 'error' })
    ).toBe(3)
  })

  it('retries a GitHub 502 until the status is set', async () => {
    h.github.fault({
      match: 'create-status',
      kind: 'status',
      status: 502,
      body: { message: 'Server Error' },
      times: 2
    })
    await build(h, 'team/app', 3, 'FAILURE')
    const s = await waitFor('the failure status', () => {
      const st = h.github
        .latestStatuses('lsst/stack', sha('team/app#3'))
        .get('jenkins/team/app')
      return st?.state === 'failure' ? st : undefined
    })
    expect(s.target_url).toBe('http://jenkins.invalid/job/team/job/app/3/')
    expect(
      h.github
        .received('create-status')
        .map((r) => r.status)
        .slice(0, 3)
    ).toEqual([502, 502, 201])
  })

  it('gives up at once on a GitHub 422 and says why', async () => {
    h.github.fault({
      match: 'create-status',
      kind: 'status',
      status: 422,
      body: {
        message: 'No commit found for SHA: x',
        documentation_url: 'https://docs.github.com/rest'
      }
    })
    await build(h, 'team/app', 4, 'SUCCESS')
    const failure = await waitFor('the failure log', () =>
      h.log
        .entries()
        .find(
          (e) =>
            e.level === 'error' &&
            e.msg.startsWith('giving up: GitHub answered 422')
        )
    )
    expect(failure.msg).toContain('is the SHA pushed to this repository?')
    expect(h.github.received('create-status')).toHaveLength(1)
    expect(h.server.metrics.failed.get({ relay: 'github' })).toBe(1)
  })

  it('logs and drops an event no route matches, on purpose', async () => {
    const r = await post(
      `${h.url}/jenkins`,
      notification('other/tool', 7, 'STARTED')
    )
    expect(r.status).toBe(202) // accepted (and stored): dropping is a routing decision
    const warn = await waitFor('the drop warning', () =>
      h.log
        .entries()
        .find((e) =>
          e.msg.startsWith('dropped: no route matches job other/tool')
        )
    )
    expect(warn.level).toBe('warn')
    await build(h, 'team/app', 5, 'SUCCESS')
    await waitFor('the routed build', () => finalMessage(h, 5, 'Success'))
    expect(
      h.slack.messages.filter((m) => m.text.includes('other/tool'))
    ).toEqual([])
    expect(
      h.github.statuses.filter((s) => s.sha === sha('other/tool#7'))
    ).toEqual([])
    expect(h.server.metrics.dropped.get()).toBe(1)
    const db = new Database(join(h.dir, 'bridge.db'), { readonly: true })
    try {
      expect(
        db
          .prepare(
            `SELECT state, note FROM events WHERE key = 'other/tool#7:started'`
          )
          .get()
      ).toEqual({
        state: 'dropped',
        note: 'no route matches the job'
      })
    } finally {
      db.close()
    }
  })
})
