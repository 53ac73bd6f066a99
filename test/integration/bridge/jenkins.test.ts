import {
  notification,
  post,
  startBridge,
  waitFor,
  type Harness
} from '../../helpers/bridge.js'

const ROUTES = `
version: 1
routes:
  - jobs: 'team/*'
    channel: '#builds'
    mention: [carol@example.org]
  - jobs: 'lost/*'
    channel: '#no-such-channel'
`

/**
 * The Jenkins side and the Slack directory: re-fetching the authoritative
 * result, never sending credentials outside JENKINS_URL, mentions looked up
 * by email, and a channel that does not exist.
 */
describe('the bridge with Jenkins credentials', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startBridge({
      routes: ROUTES,
      slack: {
        channels: [{ name: 'builds' }],
        users: [{ id: 'U0CAROL', email: 'carol@example.org' }]
      }
    })
  })
  afterEach(async () => {
    await h.stop()
  })

  it('takes the result from the Jenkins API over the payload’s', async () => {
    const jenkinsUrl = `${h.jenkins.url}/`
    h.jenkins.addBuild({
      job: 'team/app',
      number: 5,
      result: 'FAILURE',
      duration: 5000,
      log: 'oops\n'
    })
    // The payload claims UNSTABLE (set by a post-build step); the finished build failed.
    await post(
      `${h.url}/jenkins`,
      notification('team/app', 5, 'COMPLETED', {
        jenkinsUrl,
        status: 'UNSTABLE'
      })
    )
    const parent = await waitFor(
      'the parent',
      () => h.slack.channelMessages('builds')[0]
    )
    expect(parent.text).toMatch(/^❌ team\/app #5 — Failure/)
    expect(h.jenkins.received('build-json')).toHaveLength(1)
    const reply = await waitFor(
      'the reply',
      () => h.slack.thread('builds', parent.ts)[0]
    )
    // carol@ is not in the mentions map: looked up in Slack, by email.
    expect(reply.text).toContain('cc <@U0CAROL>')
    expect(
      h.slack
        .received('api')
        .filter((r) => r.path === '/api/users.lookupByEmail')
    ).toHaveLength(1)
  })

  it('reads the build from JENKINS_URL, not from a URL the event claims', async () => {
    h.jenkins.addBuild({ job: 'team/app', number: 6, result: 'FAILURE' })
    await post(
      `${h.url}/jenkins`,
      notification('team/app', 6, 'COMPLETED', {
        jenkinsUrl: 'http://evil.invalid/',
        status: 'FAILURE'
      })
    )
    const warn = await waitFor('the warning', () =>
      h.log
        .entries()
        .find((e) => e.msg.startsWith('ignoring the build URL of team/app#6'))
    )
    expect(warn.msg).toContain(
      'its build URL http://evil.invalid/job/team/job/app/6/ is not'
    )
    // The build is relayed, read from Jenkins where JENKINS_URL says it is.
    await waitFor('the parent', () =>
      h.slack.channelMessages('builds')[0]?.text.includes('Failure')
    )
    expect(h.jenkins.received('build-json').map((r) => r.path)).toEqual([
      '/job/team/job/app/6/api/json'
    ])
  })

  it('fails the deliveries of a channel that does not exist, saying how to fix it', async () => {
    await post(`${h.url}/jenkins`, notification('lost/job', 1, 'STARTED'))
    const error = await waitFor('the failure', () =>
      h.log.entries().find((e) => e.level === 'error' && e.relay === 'slack')
    )
    expect(error.msg).toBe(
      'giving up: Slack channel #no-such-channel not found\nhint: check the name in the routing file; for a private channel, invite the bot (/invite @bot) first'
    )
    expect(h.server.metrics.failed.get({ relay: 'slack' })).toBe(1)
  })
})
