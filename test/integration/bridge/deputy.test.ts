import {
  URL_TOKEN,
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
  - jobs: 'public/*'
    channel: '#ci-public'
    repos: 'lsst/*'
  - jobs: 'secret-infra'
    channel: '#ci-secret'
`

/**
 * Finding 1 and 2: the bridge acts only within what its routes grant. The
 * URL token is in every job's configuration, so anyone who can configure a
 * job holds it: an event signed (or tokened) this way must not make the
 * bridge read another job's build with its Jenkins credentials, nor set a
 * status on a repository no route names.
 */
describe('the bridge under a confused-deputy attack', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startBridge({
      routes: ROUTES,
      slack: { channels: [{ name: 'ci-public' }, { name: 'ci-secret' }] },
      github: {
        repos: { 'lsst/app': undefined, 'victim-org/protected-repo': undefined }
      }
    })
  })
  afterAll(async () => {
    await h.stop()
  })

  it('reads only the build the event names, never the URL it claims', async () => {
    const jenkinsUrl = `${h.jenkins.url}/`
    h.jenkins.addBuild({
      job: 'public/app',
      number: 3,
      result: 'SUCCESS',
      duration: 1000
    })
    h.jenkins.addBuild({
      job: 'secret-infra',
      number: 7,
      result: 'FAILURE',
      log: 'deploying\nAWS_SECRET_ACCESS_KEY=hunter2-hunter2\n'
    })
    const event = notification('public/app', 3, 'COMPLETED', {
      jenkinsUrl,
      status: 'SUCCESS'
    })
    // The attacker's build URL: the restricted job's build.
    const build = event.build as Record<string, unknown>
    build.full_url = `${jenkinsUrl}job/secret-infra/7/`
    build.url = 'job/secret-infra/7/'
    const r = await post(`${h.url}/jenkins?token=${URL_TOKEN}`, event, {
      sign: false
    })
    expect(r.status).toBe(202)
    const parent = await waitFor(
      'the public message',
      () => h.slack.channelMessages('ci-public')[0]
    )
    await waitFor('the event applied', () =>
      h.log.entries().find((e) => e.msg.startsWith('ignoring the build URL'))
    )
    // The bridge's own build of public/app was read; secret-infra never was.
    expect(
      h.jenkins.requests.filter((q) => q.path.includes('secret-infra'))
    ).toEqual([])
    expect(h.jenkins.received('build-json').map((q) => q.path)).toEqual([
      '/job/public/job/app/3/api/json'
    ])
    expect(parent.text).toMatch(/^✅ public\/app #3 — Success/)
    expect(JSON.stringify(parent.blocks)).toContain(
      `${h.jenkins.url}/job/public/job/app/3/`
    )
    expect(JSON.stringify(h.slack.messages)).not.toContain('hunter2')
    expect(h.slack.channelMessages('ci-secret')).toEqual([])
    const warning = h.log
      .entries()
      .find((e) => e.msg.startsWith('ignoring the build URL'))
    expect(warning?.msg).toBe(
      `ignoring the build URL of public/app#3: its build URL ${jenkinsUrl}job/secret-infra/7/ is not ${jenkinsUrl}job/public/job/app/3/ (JENKINS_URL + job + number); nothing is read from it`
    )
  })

  it('sets no status on a repository outside the route’s repos', async () => {
    const victim = sha('victim')
    // No url (so nothing to re-fetch in the old bridge), a forged repo.
    const r = await post(
      `${h.url}/jenkins?token=${URL_TOKEN}`,
      {
        job: 'public/app',
        number: 4,
        phase: 'QUEUED',
        sha: victim,
        repo: 'victim-org/protected-repo'
      },
      { sign: false }
    )
    expect(r.status).toBe(202)
    await waitFor('the refusal', () =>
      h.log.entries().find((e) => e.msg.startsWith('ignoring a repository'))
    )
    // An allowed repository from the event is used as before.
    await post(
      `${h.url}/jenkins?token=${URL_TOKEN}`,
      {
        job: 'public/app',
        number: 5,
        phase: 'QUEUED',
        sha: sha('app'),
        repo: 'lsst/app'
      },
      { sign: false }
    )
    await waitFor(
      'the allowed status',
      () =>
        h.github
          .latestStatuses('lsst/app', sha('app'))
          .get('jenkins/public/app')?.state === 'pending'
    )
    expect(
      h.github.statuses.filter((s) => s.repo === 'victim-org/protected-repo')
    ).toEqual([])
    expect(
      h.log.entries().find((e) => e.msg.startsWith('ignoring a repository'))
        ?.msg
    ).toBe(
      "ignoring a repository named by public/app#4: repository victim-org/protected-repo is not in the repos of route routes[0]; add it to the route's repos: to allow it"
    )
  })

  it('escapes the fallback text like the blocks', async () => {
    await post(
      `${h.url}/jenkins?token=${URL_TOKEN}`,
      {
        job: 'public/app',
        number: 6,
        phase: 'STARTED',
        branch: '<!channel>',
        stage: '<!subteam^S0123|oncall>'
      },
      { sign: false }
    )
    const m = await waitFor('the message', () =>
      h.slack.channelMessages('ci-public').find((x) => x.text.includes('#6'))
    )
    expect(m.text).not.toContain('<!')
    expect(m.text).toContain('on &lt;!channel&gt;')
  })
})
