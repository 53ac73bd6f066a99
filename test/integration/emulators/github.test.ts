import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Octokit } from '@octokit/rest'
import { GitHubEmulator } from '../../emulators/github/server.js'
import { recordedDir } from '../../helpers/shared.js'
import { shapeDifferences } from '../../helpers/shape.js'
import { rejection } from '../../helpers/thrown.js'

const SHA = 'e1db7418a77db0f1e2d3c4b5a69788796a5b4c3d'
/** Octokit logs failed requests; the tests assert on them instead. */
const log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined
}
const recorded = recordedDir('github')

/** A VCR cassette's response bodies, decoded (placeholders substituted). */
function cassette(
  rel: string
): { method: string; status: number; body: unknown }[] {
  const c = JSON.parse(
    readFileSync(join(recorded, 'octokit-octokit.rb', rel), 'utf8')
  ) as {
    http_interactions: {
      request: { method: string }
      response: {
        status: { code: number }
        body: { base64_string?: string; string?: string }
      }
    }[]
  }
  return c.http_interactions.map((i) => {
    const raw =
      i.response.body.base64_string !== undefined
        ? Buffer.from(i.response.body.base64_string, 'base64').toString()
        : (i.response.body.string ?? '')
    const text = raw.replace(/<GITHUB_TEST_INTEGRATION>/g, '1')
    let body: unknown = null
    try {
      body = JSON.parse(text) as unknown
    } catch {
      body = null
    }
    return { method: i.request.method, status: i.response.status.code, body }
  })
}

describe('the GitHub emulator', () => {
  let github: GitHubEmulator
  let octokit: Octokit
  beforeEach(async () => {
    github = new GitHubEmulator({
      tokens: {
        ghs_app: { kind: 'app', login: 'stackci[bot]' },
        ghp_pat: { kind: 'pat', login: 'dev' }
      },
      repos: { 'lsst/stack': [SHA] }
    })
    const url = await github.start()
    octokit = new Octokit({
      auth: 'ghs_app',
      baseUrl: url,
      request: { retries: 0 },
      log
    })
  })
  afterEach(async () => {
    await github.stop()
  })

  it('creates commit statuses with the recorded shape, status and headers; the latest per context wins', async () => {
    const fixture = JSON.parse(
      readFileSync(
        join(
          recorded,
          'octokit-fixtures',
          'create-status',
          'normalized-fixture.json'
        ),
        'utf8'
      )
    ) as {
      status: number
      response: unknown
    }[]
    const r = await octokit.repos.createCommitStatus({
      owner: 'lsst',
      repo: 'stack',
      sha: SHA,
      state: 'failure',
      context: 'ci/jenkins',
      description: 'Build #41 failed',
      target_url: 'http://jenkins.local/job/x/41/'
    })
    expect(r.status).toBe(fixture[0]?.status)
    expect(shapeDifferences(fixture[0]?.response, r.data)).toEqual([])
    expect(r.headers.location).toBe(
      `${github.url}/repos/lsst/stack/statuses/${SHA}`
    )
    for (const h of [
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'x-ratelimit-used',
      'x-ratelimit-resource'
    ]) {
      expect(typeof r.headers[h]).toBe('string')
    }
    await octokit.repos.createCommitStatus({
      owner: 'lsst',
      repo: 'stack',
      sha: SHA,
      state: 'success',
      context: 'ci/jenkins'
    })
    await octokit.repos.createCommitStatus({
      owner: 'lsst',
      repo: 'stack',
      sha: SHA,
      state: 'pending',
      context: 'ci/lint'
    })
    const combined = await octokit.repos.getCombinedStatusForRef({
      owner: 'lsst',
      repo: 'stack',
      ref: SHA
    })
    expect(combined.data.state).toBe('pending')
    expect(combined.data.statuses.map((s) => [s.context, s.state])).toEqual([
      ['ci/jenkins', 'success'],
      ['ci/lint', 'pending']
    ])
  })

  it('refuses what GitHub refuses: long descriptions, bad states, unknown commits, unknown repos, bad tokens', async () => {
    const status = async (
      args: Partial<Parameters<Octokit['repos']['createCommitStatus']>[0]>
    ): Promise<{ status: number; message: string }> => {
      const e = (await rejection(
        octokit.repos.createCommitStatus({
          owner: 'lsst',
          repo: 'stack',
          sha: SHA,
          state: 'success',
          ...args
        })
      )) as {
        status: number
        response: { data: { message: string; errors?: { message?: string }[] } }
      }
      return {
        status: e.status,
        message: e.response.data.errors?.[0]?.message ?? e.response.data.message
      }
    }
    expect(await status({ description: 'x'.repeat(141) })).toEqual({
      status: 422,
      message: 'description is too long (maximum is 140 characters)'
    })
    expect(await status({ state: 'weird' as 'success' })).toEqual({
      status: 422,
      message: 'state is not included in the list'
    })
    expect(await status({ sha: '0'.repeat(40) })).toEqual({
      status: 422,
      message: `No commit found for SHA: ${'0'.repeat(40)}`
    })
    expect(await status({ repo: 'other' })).toEqual({
      status: 404,
      message: 'Not Found'
    })
    const anonymous = new Octokit({ baseUrl: github.url, log })
    await expect(
      anonymous.repos.createCommitStatus({
        owner: 'lsst',
        repo: 'stack',
        sha: SHA,
        state: 'success'
      })
    ).rejects.toMatchObject({ status: 401 })
  })

  it('runs check runs through their life with the recorded shapes; a PAT is refused', async () => {
    const [created] = cassette(
      'Octokit_Client_Checks/_create_check_run/creates_a_check_run.json'
    )
    const [updated] = cassette(
      'Octokit_Client_Checks/_update_check_run/updates_the_check_run.json'
    )
    const [listed] = cassette(
      'Octokit_Client_Checks/_check_runs_for_ref/returns_check_runs_for_a_commit.json'
    )
    const run = await octokit.checks.create({
      owner: 'lsst',
      repo: 'stack',
      name: 'jenkins/stack-os-matrix',
      head_sha: SHA,
      status: 'in_progress',
      details_url: 'http://jenkins.local/job/x/42/'
    })
    expect(run.status).toBe(created?.status)
    expect(shapeDifferences(created?.body, run.data)).toEqual([])
    const annotations = Array.from({ length: 50 }, (_, i) => ({
      path: 'a.py',
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: 'warning' as const,
      message: `w${i}`
    }))
    await octokit.checks.update({
      owner: 'lsst',
      repo: 'stack',
      check_run_id: run.data.id,
      output: { title: 't', summary: 's', annotations }
    })
    const done = await octokit.checks.update({
      owner: 'lsst',
      repo: 'stack',
      check_run_id: run.data.id,
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: annotations.slice(0, 3) }
    })
    expect(done.status).toBe(updated?.status)
    expect(shapeDifferences(updated?.body, done.data)).toEqual([])
    expect(done.data.status).toBe('completed')
    expect(done.data.output.annotations_count).toBe(53)
    const forRef = await octokit.checks.listForRef({
      owner: 'lsst',
      repo: 'stack',
      ref: SHA
    })
    expect(shapeDifferences(listed?.body, forRef.data)).toEqual([])
    const tooMany = (await rejection(
      octokit.checks.update({
        owner: 'lsst',
        repo: 'stack',
        check_run_id: run.data.id,
        output: {
          title: 't',
          summary: 's',
          annotations: [...annotations, ...annotations]
        }
      })
    )) as { status: number; message: string }
    expect(tooMany.status).toBe(422)
    expect(tooMany.message).toMatch(
      /No more than 50 items are allowed; 100 were supplied/
    )
    const noConclusion = (await rejection(
      octokit.checks.create({
        owner: 'lsst',
        repo: 'stack',
        name: 'x',
        head_sha: SHA,
        status: 'completed'
      })
    )) as { status: number }
    expect(noConclusion.status).toBe(422)
    const pat = new Octokit({
      auth: 'ghp_pat',
      baseUrl: github.url,
      request: { retries: 0 },
      log
    })
    const refused = (await rejection(
      pat.checks.create({
        owner: 'lsst',
        repo: 'stack',
        name: 'x',
        head_sha: SHA
      })
    )) as { status: number; message: string }
    expect(refused.status).toBe(403)
    expect(refused.message).toMatch(/You must authenticate via a GitHub App/)
  })

  it('keeps issue comments (create 201, update 200, list with Link pagination) with the recorded shapes', async () => {
    const listed = cassette(
      'Octokit_Client_Issues/_issue_comments/returns_comments_for_an_issue.json'
    )[0]
    const updatedFixture = cassette(
      'Octokit_Client_Issues/with_repository/with_issue/with_issue_comment/_update_comment/updates_an_existing_comment.json'
    ).find((i) => i.method === 'patch')
    const c = await octokit.issues.createComment({
      owner: 'lsst',
      repo: 'stack',
      issue_number: 7,
      body: 'first'
    })
    expect(c.status).toBe(201)
    const u = await octokit.issues.updateComment({
      owner: 'lsst',
      repo: 'stack',
      comment_id: c.data.id,
      body: 'edited'
    })
    expect(u.status).toBe(updatedFixture?.status)
    expect(shapeDifferences(updatedFixture?.body, u.data)).toEqual([])
    for (let i = 0; i < 4; i++)
      await octokit.issues.createComment({
        owner: 'lsst',
        repo: 'stack',
        issue_number: 7,
        body: `c${i}`
      })
    const page = await octokit.issues.listComments({
      owner: 'lsst',
      repo: 'stack',
      issue_number: 7,
      per_page: 2
    })
    expect(shapeDifferences(listed?.body, page.data)).toEqual([])
    expect(page.headers.link).toMatch(/rel="next"/)
    const all = await octokit.paginate(octokit.issues.listComments, {
      owner: 'lsst',
      repo: 'stack',
      issue_number: 7,
      per_page: 2
    })
    expect(all.map((x) => x.body)).toEqual(['edited', 'c0', 'c1', 'c2', 'c3'])
    const empty = (await rejection(
      octokit.issues.createComment({
        owner: 'lsst',
        repo: 'stack',
        issue_number: 7,
        body: ''
      })
    )) as { status: number }
    expect(empty.status).toBe(422)
  })

  it('reports and enforces rate limits with the headers clients read', async () => {
    const limit = await octokit.rateLimit.get()
    expect(limit.data.resources.core.limit).toBe(5000)
    github.fault({
      match: 'create-status',
      kind: 'ratelimit',
      retryAfter: 60,
      body: { message: 'You have exceeded a secondary rate limit.' },
      times: 1
    })
    const secondary = (await rejection(
      octokit.repos.createCommitStatus({
        owner: 'lsst',
        repo: 'stack',
        sha: SHA,
        state: 'success'
      })
    )) as {
      status: number
      message: string
      response: { headers: Record<string, string> }
    }
    expect(secondary.status).toBe(429)
    expect(secondary.response.headers['retry-after']).toBe('60')
    expect(secondary.message).toMatch(/secondary rate limit/)
    github.exhaustRateLimit(30)
    const primary = (await rejection(
      octokit.repos.createCommitStatus({
        owner: 'lsst',
        repo: 'stack',
        sha: SHA,
        state: 'success'
      })
    )) as { status: number; response: { headers: Record<string, string> } }
    expect(primary.status).toBe(403)
    expect(primary.response.headers['x-ratelimit-remaining']).toBe('0')
  })
})
