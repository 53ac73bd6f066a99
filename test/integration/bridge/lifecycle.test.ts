import {
  JENKINS_TOKEN,
  notification,
  post,
  sha,
  startBridge,
  waitFor,
  type Harness
} from '../../helpers/bridge.js'

const ROUTES = `
version: 1
mentions:
  alice@example.org: U0ALICE
routes:
  - name: team
    jobs: 'team/*'
    channel: '#builds'
    mention: [alice@example.org]
    repos: lsst/stack
`

/**
 * Acceptance 1: QUEUED → STARTED → COMPLETED(FAILURE) gives one parent
 * message with the final state, a thread reply with the failure details
 * (log tail fetched from Jenkins), and a failure status on the SHA; the next
 * SUCCESS of that job posts "back to normal".
 */
describe('the bridge relays a build lifecycle to Slack and GitHub', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startBridge({ routes: ROUTES })
  })
  afterAll(async () => {
    await h.stop()
  })

  it('keeps one message per build up to date, threads the failure, and sets the commit status', async () => {
    const jenkinsUrl = `${h.jenkins.url}/`
    const buildUrl = h.jenkins.addBuild({
      job: 'team/app',
      number: 42,
      result: 'FAILURE',
      duration: 61_234,
      log: `${Array.from({ length: 100 }, (_, i) => `step ${i}`).join('\n')}\nerror: compiler exploded\n`
    })
    const ev = (phase: string, status?: string): Record<string, unknown> =>
      notification('team/app', 42, phase, {
        jenkinsUrl,
        ...(status === undefined ? {} : { status }),
        tests: {
          total: 120,
          failed: 2,
          passed: 117,
          skipped: 1,
          failed_tests: ['suite.case_a', 'suite.case_b']
        }
      })
    const url = `${h.url}/jenkins`
    // The plugin sends QUEUED and STARTED back to back, then COMPLETED and FINALIZED.
    expect((await post(url, ev('QUEUED'))).status).toBe(202)
    expect((await post(url, ev('STARTED'))).status).toBe(202)
    await waitFor(
      'the parent message',
      () => h.slack.channelMessages('builds')[0]
    )
    expect((await post(url, ev('COMPLETED', 'FAILURE'))).status).toBe(202)
    const finalized = await post(url, ev('FINALIZED', 'FAILURE'))
    expect(finalized).toEqual({
      status: 200,
      json: expect.objectContaining({
        duplicate: true,
        key: 'team/app#42:final'
      }) as unknown
    })

    const parent = await waitFor('the final state on the parent', () => {
      const m = h.slack.channelMessages('builds')
      return m.length === 1 && m[0]?.text.includes('Failure') ? m[0] : undefined
    })
    expect(parent.text).toMatch(/^❌ team\/app #42 — Failure/)
    const reply = await waitFor(
      'the failure reply',
      () => h.slack.thread('builds', parent.ts)[0]
    )
    expect(reply.text).toContain('Failure: team/app #42 after 1m 1s')
    expect(reply.text).toContain('<@U0ALICE>')
    expect(reply.reply_broadcast).toBe(true) // a first failure is broadcast
    const replyText = JSON.stringify(reply.blocks)
    expect(replyText).toContain('error: compiler exploded')
    expect(replyText).toContain('suite.case_a')
    expect(replyText).not.toContain('step 10\\n') // a tail, not the whole log
    // The log tail came from Jenkins, with the configured credentials.
    const logCall = h.jenkins.received('progressive-text')[0]
    expect(logCall?.headers.authorization).toBe(
      `Basic ${Buffer.from(`ci-bot:${JENKINS_TOKEN}`).toString('base64')}`
    )

    const status = await waitFor('the failure status', () => {
      const s = h.github
        .latestStatuses('lsst/stack', sha('team/app#42'))
        .get('jenkins/team/app')
      return s?.state === 'failure' ? s : undefined
    })
    expect(status.target_url).toBe(buildUrl)
    expect(status.description).toBe(
      'Build #42 failed after 1m 1s · 2 of 120 tests failed'
    )
    expect((status.description ?? '').length).toBeLessThanOrEqual(140)
    // One message, one thread reply, however many events came in.
    expect(h.slack.channelMessages('builds')).toHaveLength(1)
    expect(h.slack.thread('builds', parent.ts)).toHaveLength(1)
  })

  it('posts "back to normal" when the job passes again', async () => {
    const url = `${h.url}/jenkins`
    const jenkinsUrl = `${h.jenkins.url}/`
    h.jenkins.addBuild({
      job: 'team/app',
      number: 43,
      result: 'SUCCESS',
      duration: 30_000
    })
    for (const [phase, status] of [
      ['QUEUED'],
      ['STARTED'],
      ['COMPLETED', 'SUCCESS'],
      ['FINALIZED', 'SUCCESS']
    ]) {
      await post(
        url,
        notification('team/app', 43, phase ?? '', {
          jenkinsUrl,
          ...(status === undefined ? {} : { status }),
          duration: 30_000
        })
      )
    }
    const parent = await waitFor('the second parent message', () => {
      const m = h.slack.channelMessages('builds')
      return m.length === 2 && m[1]?.text.includes('Back to normal')
        ? m[1]
        : undefined
    })
    expect(parent.text).toMatch(/^✅ team\/app #43 — Back to normal/)
    const reply = await waitFor(
      'the back-to-normal reply',
      () => h.slack.thread('builds', parent.ts)[0]
    )
    expect(reply.text).toBe(
      '✅ Back to normal: team/app #43 passed after 1 failing build (since #42)'
    )
    expect(reply.reply_broadcast).toBe(true)
    await waitFor(
      'the success status',
      () =>
        h.github
          .latestStatuses('lsst/stack', sha('team/app#43'))
          .get('jenkins/team/app')?.state === 'success'
    )
  })

  it('never makes more than one Slack call per second in a channel', () => {
    const times = h.slack.callTimes('builds')
    expect(times.length).toBeGreaterThanOrEqual(5)
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
    // The bridge spaces the calls' starts by 1 s; measured where they arrive
    // (after the SDK's queue and a shared, busy event loop), allow 200 ms of
    // jitter. An unpaced relay shows gaps of a few milliseconds.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(800)
  })

  it('logs no warning or error on the way (checkpoints, fetches, relays)', () => {
    expect(
      h.log.entries().filter((e) => e.level === 'warn' || e.level === 'error')
    ).toEqual([])
  })

  it('keeps secrets out of its logs', () => {
    const text = h.log.lines.join('\n')
    expect(text).not.toContain(JENKINS_TOKEN)
    expect(text).not.toContain('xoxb-test-token')
    expect(text).not.toContain(
      Buffer.from(`ci-bot:${JENKINS_TOKEN}`).toString('base64')
    )
  })
})
