import fc from 'fast-check'
import {
  buildCheckRun,
  buildCommitStatus,
  buildSlackBackToNormalReply,
  buildSlackFailureReply,
  buildSlackParent,
  escapeMrkdwn,
  formatDuration,
  replyKind,
  type BuildSnapshot,
  type SlackBlock
} from '../../../src/notify/index.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

function build(b: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return {
    job: 'team/app',
    number: 42,
    phase: 'COMPLETED',
    result: 'FAILURE',
    url: 'http://jenkins.local/job/team/job/app/42/',
    branch: 'main',
    sha: SHA,
    repo: 'org/app',
    culprits: [],
    parameters: {},
    durationMs: 61_234,
    tests: {
      total: 120,
      failed: 2,
      passed: 117,
      skipped: 1,
      failedTests: ['suite.a', 'suite.b']
    },
    ...b
  }
}

function texts(blocks: SlackBlock[]): string[] {
  return (
    JSON.stringify(blocks)
      .match(/"text":"((?:[^"\\]|\\.)*)"/g)
      ?.map((t) => JSON.parse(t.slice(7)) as string) ?? []
  )
}

describe('the Slack parent message', () => {
  it('reads like protocols.md §10’s example', () => {
    const m = buildSlackParent(build())
    expect(m.text).toBe('❌ team/app #42 — Failure on main (0123456)')
    expect(m.blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: '❌ team/app #42 — Failure' }
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Branch*\nmain' },
          {
            type: 'mrkdwn',
            text: `*Commit*\n<https://github.com/org/app/commit/${SHA}|0123456>`
          },
          { type: 'mrkdwn', text: '*Duration*\n1m 1s' },
          { type: 'mrkdwn', text: '*Tests*\n117 passed, 2 failed, 1 skipped' }
        ]
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: '<http://jenkins.local/job/team/job/app/42/|Jenkins #42>'
          }
        ]
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'open_build',
            text: { type: 'plain_text', text: 'Open build' },
            url: 'http://jenkins.local/job/team/job/app/42/'
          }
        ]
      }
    ])
  })

  it('says what a running build is doing, and how long for', () => {
    const m = buildSlackParent(
      build({
        phase: 'STARTED',
        result: undefined,
        stage: 'Build <docs>',
        startedAt: 1000,
        durationMs: undefined
      }),
      91_000
    )
    // The fallback text is mrkdwn too: escaped like the blocks, so a stage
    // name cannot ping a channel or forge a link in the notification.
    expect(m.text).toBe(
      '⏳ team/app #42 — Running (Build &lt;docs&gt;) on main (0123456)'
    )
    expect(texts(m.blocks)).toEqual(
      expect.arrayContaining([
        '*Running for*\n1m 30s',
        '*Stage*\nBuild &lt;docs&gt;'
      ])
    )
  })

  it('uses the streak words', () => {
    expect(
      buildSlackParent(build({ streak: { kind: 'still_failing', since: 40 } }))
        .text
    ).toMatch(/— Still failing/)
    expect(
      buildSlackParent(
        build({ result: 'SUCCESS', streak: { kind: 'back_to_normal' } })
      ).text
    ).toMatch(/^✅ .* — Back to normal/)
    expect(
      buildSlackParent(build({ phase: 'QUEUED', result: undefined })).text
    ).toMatch(/^🕐 .* — Queued/)
  })

  it('stays within Block Kit limits whatever the names', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.string({ maxLength: 3000 }),
        (job, stage) => {
          const m = buildSlackParent(
            build({ job, stage, phase: 'STARTED', notes: stage, cause: stage })
          )
          const header = m.blocks[0] as { text: { text: string } }
          expect(header.text.text.length).toBeLessThanOrEqual(150)
          for (const t of texts(m.blocks.slice(1)))
            expect(t.length).toBeLessThanOrEqual(2000)
        }
      )
    )
  })
})

describe('thread replies', () => {
  it('give the failure, the failed tests, the log tail and the owners', () => {
    const log = Array.from({ length: 2000 }, (_, i) => `line ${i} <${i}>`).join(
      '\n'
    )
    const m = buildSlackFailureReply(
      build({ streak: { kind: 'still_failing', since: 40, failedBuilds: 3 } }),
      {
        logTail: log,
        mentions: ['U0ALICE', 'bob@example.org']
      }
    )
    expect(m.text).toBe(
      '❌ Still failing: team/app #42 after 1m 1s — cc <@U0ALICE> bob@example.org'
    )
    const [head, logBlock, cc] = texts(m.blocks)
    expect(head).toBe(
      '*Still failing* — team/app <http://jenkins.local/job/team/job/app/42/console|#42> after 1m 1s, failing since #40 (3 builds)\n' +
        '2 of 120 tests failed:\n• `suite.a`\n• `suite.b`'
    )
    expect(logBlock?.length).toBeLessThanOrEqual(3000)
    expect(logBlock).toMatch(
      /^\*Log tail\*\n```line \d+ &lt;\d+&gt;\n[\s\S]*line 1999 &lt;1999&gt;```$/
    )
    expect(cc).toBe('cc <@U0ALICE> bob@example.org')
  })

  it('announce a recovery', () => {
    const m = buildSlackBackToNormalReply(
      build({
        number: 45,
        result: 'SUCCESS',
        streak: { kind: 'back_to_normal', since: 42, failedBuilds: 3 }
      })
    )
    expect(m.text).toBe(
      '✅ Back to normal: team/app #45 passed after 3 failing builds (since #42)'
    )
  })

  it('are due for failures and recoveries only', () => {
    expect(replyKind(build())).toBe('failure')
    expect(replyKind(build({ result: 'UNSTABLE' }))).toBe('failure')
    expect(
      replyKind(
        build({ result: 'SUCCESS', streak: { kind: 'back_to_normal' } })
      )
    ).toBe('fixed')
    expect(
      replyKind(build({ result: 'SUCCESS', streak: { kind: 'success' } }))
    ).toBeUndefined()
    expect(replyKind(build({ result: 'ABORTED' }))).toBeUndefined()
    expect(replyKind(build({ phase: 'STARTED' }))).toBeUndefined()
  })

  it('escape mrkdwn', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d')
  })
})

describe('GitHub', () => {
  it('maps results to commit states like GitHub Branch Source, within 140 characters', () => {
    const state = (b: Partial<BuildSnapshot>): [string, string] => {
      const s = buildCommitStatus(build(b), 'jenkins/team/app')
      return [s.state, s.description]
    }
    expect(state({ phase: 'QUEUED', result: undefined })).toEqual([
      'pending',
      'Build #42 is queued'
    ])
    expect(
      state({ phase: 'STARTED', result: undefined, stage: 'Test' })
    ).toEqual(['pending', 'Build #42 is running'])
    expect(state({ result: 'SUCCESS', tests: undefined })).toEqual([
      'success',
      'Build #42 passed in 1m 1s'
    ])
    expect(state({})).toEqual([
      'failure',
      'Build #42 failed after 1m 1s · 2 of 120 tests failed'
    ])
    expect(state({ result: 'UNSTABLE' })).toEqual([
      'failure',
      'Build #42 is unstable after 1m 1s · 2 of 120 tests failed'
    ])
    expect(state({ result: 'ABORTED' })).toEqual([
      'error',
      'Build #42 was aborted after 1m 1s'
    ])
    expect(state({ result: 'NOT_BUILT' })).toEqual([
      'error',
      'Build #42 was not built'
    ])
    expect(buildCommitStatus(build(), 'c').target_url).toBe(
      'http://jenkins.local/job/team/job/app/42/'
    )
    expect(
      buildCommitStatus(build({ url: undefined }), 'c')
    ).not.toHaveProperty('target_url')
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (stage) => {
        expect(
          buildCommitStatus(build({ phase: 'STARTED', stage }), 'c').description
            .length
        ).toBeLessThanOrEqual(140)
      })
    )
  })

  it('builds check runs with GitHub’s conclusions', () => {
    const c = buildCheckRun(
      build({
        startedAt: Date.UTC(2026, 0, 1, 10),
        completedAt: Date.UTC(2026, 0, 1, 10, 1)
      }),
      'jenkins/team/app',
      {
        logTail: 'boom'
      }
    )
    expect(c).toEqual({
      name: 'jenkins/team/app',
      head_sha: SHA,
      external_id: 'team/app#42',
      status: 'completed',
      conclusion: 'failure',
      details_url: 'http://jenkins.local/job/team/job/app/42/',
      started_at: '2026-01-01T10:00:00.000Z',
      completed_at: '2026-01-01T10:01:00.000Z',
      output: {
        title: 'team/app #42: Failure',
        summary: expect.stringContaining(
          'Tests: 117 passed, 2 failed, 1 skipped (120 in total)\n- `suite.a`'
        ) as unknown,
        text: '```\nboom\n```'
      }
    })
    const conclusion = (
      b: Partial<BuildSnapshot>,
      unstable?: 'neutral'
    ): string | undefined =>
      buildCheckRun(build(b), 'n', unstable === undefined ? {} : { unstable })
        .conclusion
    expect(conclusion({ result: 'UNSTABLE' }, 'neutral')).toBe('neutral')
    expect(conclusion({ result: 'ABORTED' })).toBe('cancelled')
    expect(conclusion({ result: 'NOT_BUILT' })).toBe('skipped')
    expect(buildCheckRun(build({ phase: 'QUEUED' }), 'n').status).toBe('queued')
    expect(buildCheckRun(build({ phase: 'STARTED' }), 'n')).not.toHaveProperty(
      'conclusion'
    )
  })

  it('formats durations', () => {
    expect([500, 61_234, 3_600_000, 7_384_000].map(formatDuration)).toEqual([
      '0.5s',
      '1m 1s',
      '1h',
      '2h 3m'
    ])
  })
})
