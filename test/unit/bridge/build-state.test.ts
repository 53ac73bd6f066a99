import {
  applyAuthoritative,
  buildUrlOf,
  mergeEvent,
  nextStreak,
  type BuildEvent,
  type JobStreakState
} from '../../../src/bridge/index.js'
import type {
  BuildResult,
  BuildSnapshot,
  StreakKind
} from '../../../src/notify/index.js'

function ev(
  phase: BuildEvent['phase'],
  extra: Partial<BuildEvent> = {}
): BuildEvent {
  return {
    source: 'notification',
    job: 'team/app',
    number: 42,
    phase,
    parameters: {},
    culprits: [],
    ...extra
  }
}

function fold(events: BuildEvent[], jenkinsUrl?: string): BuildSnapshot {
  let b: BuildSnapshot | undefined
  for (const e of events)
    b = mergeEvent(b, e, { sha: 'f'.repeat(40), repo: 'org/app' }, jenkinsUrl)
  if (b === undefined) throw new Error('no events')
  return b
}

describe('folding events into a build', () => {
  it('moves through the phases and keeps the final result', () => {
    const b = fold([
      ev('QUEUED', { timestamp: 1000 }),
      ev('STARTED', { timestamp: 2000, parameters: { SHA: 'x' } }),
      ev('STAGE', { stage: 'Build' }),
      ev('COMPLETED', {
        result: 'FAILURE',
        durationMs: 5000,
        timestamp: 7000,
        tests: {
          total: 2,
          failed: 1,
          passed: 1,
          skipped: 0,
          failedTests: ['t']
        }
      })
    ])
    expect(b).toEqual({
      job: 'team/app',
      number: 42,
      phase: 'COMPLETED',
      result: 'FAILURE',
      queuedAt: 1000,
      startedAt: 2000,
      completedAt: 7000,
      durationMs: 5000,
      sha: 'f'.repeat(40),
      repo: 'org/app',
      parameters: { SHA: 'x' },
      culprits: [],
      tests: { total: 2, failed: 1, passed: 1, skipped: 0, failedTests: ['t'] }
    })
  })

  it('does not go back when a STARTED or STAGE arrives after the end', () => {
    const b = fold([
      ev('COMPLETED', { result: 'SUCCESS' }),
      ev('STARTED'),
      ev('STAGE', { stage: 'late' })
    ])
    expect([b.phase, b.result, b.stage]).toEqual([
      'COMPLETED',
      'SUCCESS',
      undefined
    ])
  })

  it('shows the stage while running, and derives the start from a lone COMPLETED', () => {
    expect(fold([ev('STARTED'), ev('STAGE', { stage: 'Test' })]).stage).toBe(
      'Test'
    )
    const only = fold([
      ev('FINALIZED', {
        result: 'SUCCESS',
        durationMs: 3000,
        timestamp: 10_000
      })
    ])
    expect([only.startedAt, only.completedAt]).toEqual([7000, 10_000])
  })

  it('makes the plugin’s relative URL absolute with JENKINS_URL', () => {
    expect(
      fold(
        [ev('STARTED', { path: 'job/team/job/app/42/' })],
        'https://ci.example.org/jenkins/'
      ).url
    ).toBe('https://ci.example.org/jenkins/job/team/job/app/42/')
    expect(
      fold([ev('STARTED', { path: 'job/team/job/app/42/' })]).url
    ).toBeUndefined()
  })

  it('takes the API’s result only once the build is no longer building', () => {
    const b = fold([ev('COMPLETED', { result: 'SUCCESS', durationMs: 10 })])
    expect(
      applyAuthoritative(b, { building: true, result: 'FAILURE' }).result
    ).toBe('SUCCESS')
    const a = applyAuthoritative(b, {
      building: false,
      result: 'UNSTABLE',
      durationMs: 99,
      parameters: { X: '1' }
    })
    expect([a.result, a.durationMs, a.parameters]).toEqual([
      'UNSTABLE',
      99,
      { X: '1' }
    ])
  })
})

describe('job streaks', () => {
  function run(
    results: (BuildResult | undefined)[],
    numbers = results.map((_, i) => i + 1)
  ): StreakKind[] {
    let state: JobStreakState | undefined
    return results.map((r, i) => {
      const next = nextStreak(state, numbers[i] ?? 0, r)
      state = next.state
      return next.streak.kind
    })
  }

  it('follows the Jenkins Slack plugin’s words', () => {
    expect(
      run(['SUCCESS', 'FAILURE', 'FAILURE', 'UNSTABLE', 'SUCCESS', 'SUCCESS'])
    ).toEqual([
      'success',
      'first_failure',
      'still_failing',
      'still_failing',
      'back_to_normal',
      'success'
    ])
  })

  it('skips aborted and not-built builds', () => {
    expect(
      run(['FAILURE', 'ABORTED', 'NOT_BUILT', 'FAILURE', 'SUCCESS'])
    ).toEqual([
      'first_failure',
      'none',
      'none',
      'still_failing',
      'back_to_normal'
    ])
  })

  it('counts the failing builds since the first', () => {
    let state: JobStreakState | undefined
    for (const [n, r] of [
      [10, 'FAILURE'],
      [11, 'FAILURE'],
      [12, 'FAILURE']
    ] as const)
      state = nextStreak(state, n, r).state
    expect(nextStreak(state, 13, 'SUCCESS').streak).toEqual({
      kind: 'back_to_normal',
      since: 10,
      failedBuilds: 3
    })
  })

  it('ignores an older build that finishes after a newer one', () => {
    expect(run(['FAILURE', 'SUCCESS', 'FAILURE'], [5, 4, 6])).toEqual([
      'first_failure',
      'none',
      'still_failing'
    ])
  })
})

describe('the build URL', () => {
  const root = 'https://ci.example.org/jenkins/'
  const e = { job: 'team/feature%2Fx', number: 12 }

  it('is JENKINS_URL + the job path + the number', () => {
    expect(buildUrlOf(e, root)).toEqual({
      url: 'https://ci.example.org/jenkins/job/team/job/feature%252Fx/12/'
    })
    // The plugin's relative path and Jenkins' own encoding agree with it.
    expect(
      buildUrlOf(
        {
          ...e,
          url: 'https://ci.example.org/jenkins/job/team/job/feature%252Fx/12/',
          path: 'job/team/job/feature%252Fx/12/'
        },
        root
      ).refused
    ).toBeUndefined()
  })

  it('refuses an event URL that names another build, another host or path', () => {
    for (const url of [
      'https://ci.example.org/jenkins/job/secret-infra/7/',
      'https://evil.example.org/jenkins/job/team/job/feature%252Fx/12/',
      'https://ci.example.org/jenkins/job/team/job/feature%252Fx/12/../../../../secret-infra/7/'
    ])
      expect(buildUrlOf({ ...e, url }, root)).toEqual({
        url: 'https://ci.example.org/jenkins/job/team/job/feature%252Fx/12/',
        refused: expect.stringContaining(
          'is not https://ci.example.org/'
        ) as unknown
      })
  })

  it('is the event’s own link when no JENKINS_URL is known (nothing is read then)', () => {
    expect(
      buildUrlOf({ ...e, url: 'https://x.org/job/a/1/' }, undefined)
    ).toEqual({ url: 'https://x.org/job/a/1/' })
  })
})
