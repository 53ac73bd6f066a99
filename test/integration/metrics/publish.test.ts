import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RecordingReporter } from '../../../src/core/index.js'
import { makeOctokit, makeSlackClient } from '../../../src/core/clients.js'
import {
  dispatchMetricsInputsFromFlags,
  runDispatchMetrics,
  upsertComment,
  type DispatchMetricsResult
} from '../../../src/metrics/index.js'
import { commentMarker } from '../../../src/notify/index.js'
import { GitHubEmulator } from '../../emulators/github/server.js'
import { SlackEmulator } from '../../emulators/slack/server.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'

const examples = join(process.cwd(), 'examples', 'stack')

/** A job of the sample stack with the given astrometric RMS (marcsec). */
function writeJob(dir: string, name: string, astrom: number): string {
  const file = join(dir, `${name}.verify.json`)
  writeFileSync(
    file,
    JSON.stringify({
      measurements: [
        {
          metric: 'skyprobe.astrom_rms',
          identifier: `${name}-a`,
          value: astrom,
          unit: 'marcsec',
          blob_refs: []
        },
        {
          metric: 'skyprobe.phot_rms',
          identifier: `${name}-p`,
          value: 8.9,
          unit: 'mmag',
          blob_refs: []
        }
      ],
      blobs: [],
      meta: { dataset_name: 'field_a', instrument: 'SIM', packages: {} }
    })
  )
  return file
}

describe('reporting a metrics run to GitHub and Slack (real SDKs, emulated services)', () => {
  let github: GitHubEmulator
  let slack: SlackEmulator
  let dir: string
  let env: Record<string, string>
  beforeEach(async () => {
    github = new GitHubEmulator()
    slack = new SlackEmulator({
      channels: [{ name: 'metrics', id: 'C0METRICS' }]
    })
    await github.start()
    await slack.start()
    dir = tempDir()
    env = {
      GITHUB_API_URL: github.url,
      STACKCI_SLACK_API_URL: `${slack.url}/api/`,
      GITHUB_TOKEN: 'ghs_app_token',
      GITHUB_REPOSITORY: 'lsst/stack',
      GITHUB_REF: 'refs/pull/5/merge',
      SLACK_BOT_TOKEN: 'xoxb-test-token'
    }
  })
  afterEach(async () => {
    await github.stop()
    await slack.stop()
  })

  async function run(
    files: string[],
    reporter: RecordingReporter,
    day: number,
    threadTs?: string
  ): Promise<DispatchMetricsResult> {
    const inputs = dispatchMetricsInputsFromFlags({
      jobs: files,
      definitions: examples,
      sqlite: join(dir, 'metrics.sqlite'),
      spool: join(dir, 'spool'),
      slackChannel: 'metrics',
      slackThreadTs: threadTs,
      env: 'none',
      dateCreated: new Date(T0 + day * DAY).toISOString()
    })
    return runDispatchMetrics(inputs, {
      reporter,
      env,
      workspace: dir,
      octokit: async (token) => makeOctokit(token, env, reporter),
      slack: async (token) => makeSlackClient(token, env, reporter)
    })
  }

  it('keeps one PR comment, edited in place on every rerun', async () => {
    const reporter = new RecordingReporter()
    // Somebody else's comments come first (more than one page of them).
    for (let i = 0; i < 120; i++) {
      github.comments.push({
        id: 10 + i,
        repo: 'lsst/stack',
        issue: 5,
        body: `review ${i}`,
        login: 'dev',
        created_at: '',
        updated_at: ''
      })
    }
    const first = await run([writeJob(dir, 'a', 14.2)], reporter, 1)
    expect(first.json.comment).toMatchObject({ action: 'created' })
    const second = await run([writeJob(dir, 'b', 64.2)], reporter, 2)
    expect(second.json.comment).toMatchObject({
      action: 'updated',
      id: first.json.comment?.id
    })
    await run([writeJob(dir, 'c', 14.0)], reporter, 3)
    const ours = github.comments.filter((c) =>
      c.body.includes(commentMarker('dispatch-metrics'))
    )
    expect(ours).toHaveLength(1)
    expect(ours[0]?.body).toMatch(
      /^<!-- stackci:metrics:dispatch-metrics -->\n### ✅ Metrics gate passed/
    )
    expect(github.received('create-comment')).toHaveLength(1)
    expect(github.received('update-comment')).toHaveLength(2)
    expect(github.comments).toHaveLength(121)
    expect(reporter.text()).not.toContain('ghs_app_token')
    expect(reporter.text()).not.toContain('xoxb-test-token')
  })

  it('removes a duplicate comment left by a race, and keeps the first', async () => {
    const marker = commentMarker('k')
    github.comments.push(
      {
        id: 1,
        repo: 'lsst/stack',
        issue: 5,
        body: `${marker}\nold`,
        login: 'bot',
        created_at: '',
        updated_at: ''
      },
      {
        id: 2,
        repo: 'lsst/stack',
        issue: 5,
        body: `${marker}\nold too`,
        login: 'bot',
        created_at: '',
        updated_at: ''
      }
    )
    const reporter = new RecordingReporter()
    const r = await upsertComment(
      await makeOctokit('ghs_app_token', env, reporter),
      { repository: 'lsst/stack', issue: 5, marker },
      `${marker}\nnew`,
      { reporter }
    )
    expect(r).toMatchObject({ id: 1, action: 'updated' })
    expect(github.comments.map((c) => [c.id, c.body])).toEqual([
      [1, `${marker}\nnew`]
    ])
  })

  it('retries GitHub 502s and gives up on a 403 with the fix', async () => {
    const reporter = new RecordingReporter()
    const octokit = await makeOctokit('ghs_app_token', env, reporter)
    github.fault({
      match: 'list-comments',
      kind: 'status',
      status: 502,
      times: 2
    })
    const ok = await upsertComment(
      octokit,
      { repository: 'lsst/stack', issue: 9, marker: 'm' },
      'm body',
      { reporter, retries: 3 }
    )
    expect(ok.action).toBe('created')
    expect(reporter.text('warning').match(/retrying/g)).toHaveLength(2)
    github.fault({
      match: 'create-comment',
      kind: 'status',
      status: 403,
      body: { message: 'Resource not accessible by integration' }
    })
    const r = await runDispatchMetrics(
      dispatchMetricsInputsFromFlags({
        jobs: [writeJob(dir, 'x', 14)],
        definitions: examples,
        sqlite: false,
        spool: false,
        env: 'none'
      }),
      {
        reporter,
        env,
        workspace: dir,
        octokit: async (t) => makeOctokit(t, env, reporter)
      }
    )
    expect(r.errors).toEqual([
      expect.stringMatching(
        /the PR comment failed: GitHub comment on #5 failed \(403\)[\s\S]*pull-requests: write/
      )
    ])
    expect(r.outcome.passed).toBe(true)
    expect(
      github.received('create-comment').filter((q) => q.status === 403)
    ).toHaveLength(1)
  })

  it('alerts Slack on an excursion, in the build’s thread, and stays quiet when all is well', async () => {
    const reporter = new RecordingReporter()
    const parent = await (
      await makeSlackClient('xoxb-test-token', env, reporter)
    ).chat.postMessage({ channel: 'C0METRICS', text: 'build #42 running' })
    await run([writeJob(dir, 'fine', 14.2)], reporter, 1, parent.ts)
    expect(slack.messages).toHaveLength(1)
    const bad = await run([writeJob(dir, 'bad', 64.2)], reporter, 2, parent.ts)
    expect(bad.json.slack).toMatchObject({ channel: 'C0METRICS' })
    const replies = slack.thread('C0METRICS', parent.ts ?? '')
    expect(replies).toHaveLength(1)
    expect(replies[0]?.text).toBe('❌ Metrics: 1 failing, 2 warnings on pr/5')
    expect(JSON.stringify(replies[0]?.blocks)).toContain(
      'skyprobe.astrom_rms.minimum'
    )
  })

  it('waits out Slack’s rate limit (429 + Retry-After) instead of dropping the alert', async () => {
    const reporter = new RecordingReporter()
    slack.fault({
      match: 'api',
      kind: 'ratelimit',
      retryAfter: 1,
      body: { ok: false, error: 'ratelimited' },
      times: 1
    })
    const started = Date.now()
    const r = await run([writeJob(dir, 'bad', 64.2)], reporter, 1)
    expect(r.errors).toEqual([])
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(slack.channelMessages('metrics')).toHaveLength(1)
    expect(slack.received('api').map((q) => q.status)).toEqual([429, 200])
  })

  it('reports a Slack refusal with the fix, after the gate and the stores did their work', async () => {
    const reporter = new RecordingReporter()
    env.SLACK_BOT_TOKEN = 'xoxb-revoked'
    const r = await run([writeJob(dir, 'bad', 64.2)], reporter, 1)
    expect(r.errors).toEqual([
      expect.stringMatching(
        /the Slack alert failed: Slack refused the alert to metrics: invalid_auth[\s\S]*SLACK_BOT_TOKEN/
      )
    ])
    expect(r.outcome.dispatch?.stores[0]).toMatchObject({
      type: 'sqlite',
      written: 2
    })
    expect(reporter.text()).not.toContain('xoxb-revoked')
  })
})
