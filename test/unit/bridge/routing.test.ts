import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  compileRouting,
  isQuiet,
  loadRoutingConfig,
  planDeliveries,
  repoFromUrl,
  resolveIdentity,
  type Routing
} from '../../../src/bridge/index.js'
import type { BuildSnapshot } from '../../../src/notify/index.js'

const SHA = 'c'.repeat(40)

function routing(yaml: string): Routing {
  return compileRouting(loadRoutingConfig(yaml, 'routes.yml'))
}

function build(b: Partial<BuildSnapshot> = {}): BuildSnapshot {
  return {
    job: 'team/app',
    number: 7,
    phase: 'STARTED',
    culprits: [],
    parameters: {},
    ...b
  }
}

const ROUTES = routing(`
version: 1
mentions:
  alice@example.org: U0ALICE
  bob: U0BOB
github:
  repos:
    'scipipe/**': lsst/lsst_distrib
routes:
  - name: all team jobs
    jobs: 'team/*'
    channel: '#builds'
    mention: [alice@example.org]
    mention_culprits: true
    repos: 'org/*'
  - name: failures of main, also to #alerts
    jobs: 'team/*'
    branches: [main]
    results: [FAILURE, BACK_TO_NORMAL]
    channel: ['#alerts', '#builds']
    github: false
  - name: nightly, quiet at night
    jobs: 'scipipe/**'
    channel: '#nightly'
    quiet: { hours: '19:00-07:00', timezone: America/Los_Angeles, post: changes }
`)

describe('routing', () => {
  it('follows a running build in the routes without a results filter', () => {
    expect(
      planDeliveries(
        ROUTES,
        build({ branch: 'main', sha: SHA, repo: 'org/app' }),
        0
      )
    ).toEqual({
      routed: true,
      slack: [
        { channel: '#builds', create: true, broadcast: false, mentions: [] },
        // Main matches the failures route: nothing new, kept up to date if posted.
        { channel: '#alerts', create: false, broadcast: false, mentions: [] }
      ],
      github: { repo: 'org/app', sha: SHA, context: 'jenkins/team/app' }
    })
  })

  it('adds the filtered route on a matching result, with mentions on the failure reply', () => {
    const b = build({
      phase: 'COMPLETED',
      result: 'FAILURE',
      branch: 'main',
      culprits: ['bob'],
      streak: { kind: 'first_failure', since: 7, failedBuilds: 1 }
    })
    expect(planDeliveries(ROUTES, b, 0).slack).toEqual([
      {
        channel: '#builds',
        create: true,
        reply: 'failure',
        broadcast: true,
        mentions: ['alice@example.org', 'bob']
      },
      {
        channel: '#alerts',
        create: true,
        reply: 'failure',
        broadcast: true,
        mentions: []
      }
    ])
  })

  it('keeps a filtered route out of successes and other branches', () => {
    const ok = build({
      phase: 'COMPLETED',
      result: 'SUCCESS',
      branch: 'main',
      streak: { kind: 'success' }
    })
    expect(
      planDeliveries(ROUTES, ok, 0).slack.map((s) => [s.channel, s.create])
    ).toEqual([
      ['#builds', true],
      ['#alerts', false]
    ])
    const other = build({
      phase: 'COMPLETED',
      result: 'FAILURE',
      branch: 'tickets/DM-1',
      streak: { kind: 'first_failure' }
    })
    expect(
      planDeliveries(ROUTES, other, 0).slack.map((s) => s.channel)
    ).toEqual(['#builds'])
    const fixed = build({
      phase: 'COMPLETED',
      result: 'SUCCESS',
      branch: 'main',
      streak: { kind: 'back_to_normal', since: 5, failedBuilds: 2 }
    })
    expect(planDeliveries(ROUTES, fixed, 0).slack).toEqual([
      {
        channel: '#builds',
        create: true,
        reply: 'fixed',
        broadcast: true,
        mentions: []
      },
      {
        channel: '#alerts',
        create: true,
        reply: 'fixed',
        broadcast: true,
        mentions: []
      }
    ])
  })

  it('drops a job no route matches, on purpose', () => {
    expect(planDeliveries(ROUTES, build({ job: 'other/tool' }), 0)).toEqual({
      routed: false,
      slack: []
    })
  })

  it('says why a build gets no commit status', () => {
    expect(
      planDeliveries(ROUTES, build({ repo: 'org/app' }), 0).githubSkipped
    ).toBe('no commit SHA (scm block or SHA parameter)')
    expect(
      planDeliveries(ROUTES, build({ sha: 'abc1234', repo: 'org/app' }), 0)
        .githubSkipped
    ).toBe('"abc1234" is not a full 40-hex SHA')
    expect(planDeliveries(ROUTES, build({ sha: SHA }), 0).githubSkipped).toBe(
      'no repository (scm url, repo parameter or github.repos)'
    )
  })

  it('sets statuses only on repositories the route allows', () => {
    // Finding 2: an event naming a repository no route names set a
    // success status on it (enough to satisfy a required check).
    const forged = planDeliveries(
      ROUTES,
      build({ sha: SHA, repo: 'victim-org/protected-repo' }),
      0
    )
    expect(forged.github).toBeUndefined()
    expect(forged.githubRefused).toBe(
      'repository victim-org/protected-repo is not in the repos of route all team jobs'
    )
    // Without repos:, only the repository the routing file names for the job.
    const nightly = planDeliveries(
      ROUTES,
      build({ job: 'scipipe/x', sha: SHA, repo: 'victim-org/other' }),
      Date.UTC(2026, 0, 15, 20, 0)
    )
    expect(nightly.github?.repo).toBe('lsst/lsst_distrib')
    expect(nightly.githubRefused).toBe(
      'repository victim-org/other is not in the repos of route nightly, quiet at night; using lsst/lsst_distrib'
    )
  })

  // 2026-01-15: 03:00 UTC is 19:00 the day before in Los Angeles.
  const night = Date.UTC(2026, 0, 15, 3, 30)
  const day = Date.UTC(2026, 0, 15, 20, 0)

  it('keeps nightly jobs quiet at night: no start message, only changes', () => {
    const running = build({ job: 'scipipe/lsst_distrib', sha: SHA })
    expect(planDeliveries(ROUTES, running, night).slack).toEqual([
      { channel: '#nightly', create: false, broadcast: false, mentions: [] }
    ])
    expect(planDeliveries(ROUTES, running, day).slack[0]?.create).toBe(true)
    const still = build({
      job: 'scipipe/lsst_distrib',
      phase: 'COMPLETED',
      result: 'FAILURE',
      streak: { kind: 'still_failing', since: 3, failedBuilds: 4 }
    })
    expect(planDeliveries(ROUTES, still, night).slack[0]?.create).toBe(false)
    const first = { ...still, streak: { kind: 'first_failure' as const } }
    expect(planDeliveries(ROUTES, first, night).slack[0]).toEqual({
      channel: '#nightly',
      create: true,
      reply: 'failure',
      broadcast: true,
      mentions: []
    })
    // GitHub is not quiet: the repo comes from github.repos.
    expect(planDeliveries(ROUTES, running, night).github).toEqual({
      repo: 'lsst/lsst_distrib',
      sha: SHA,
      context: 'jenkins/scipipe/lsst_distrib'
    })
  })

  it('reads quiet windows that wrap past midnight, in their time zone', () => {
    const q = {
      hours: '22:00-06:00',
      timezone: 'Europe/Paris',
      post: 'changes' as const,
      mention: false
    }
    expect(isQuiet(q, Date.UTC(2026, 6, 1, 19, 30))).toBe(false) // 21:30 local (UTC+2)
    expect(isQuiet(q, Date.UTC(2026, 6, 1, 21, 0))).toBe(true) // 23:00 local
    expect(isQuiet(q, Date.UTC(2026, 6, 2, 3, 59))).toBe(true) // 05:59 local
    expect(isQuiet(q, Date.UTC(2026, 6, 2, 4, 0))).toBe(false) // 06:00 local
    expect(isQuiet({ ...q, hours: undefined }, 0)).toBe(true)
    expect(isQuiet(undefined, 0)).toBe(false)
  })

  it('finds the SHA, repository and branch in parameters and the scm URL', () => {
    expect(
      resolveIdentity(ROUTES, {
        job: 'team/app',
        parameters: { GIT_COMMIT: SHA, BRANCH_NAME: 'origin/main' },
        repoUrl: 'git@github.com:org/app.git'
      })
    ).toEqual({
      sha: SHA,
      repo: 'org/app',
      branch: 'main'
    })
    expect(
      resolveIdentity(ROUTES, { job: 'scipipe/ci_hsc', parameters: {} })
    ).toEqual({ repo: 'lsst/lsst_distrib' })
    expect(repoFromUrl('https://github.com/lsst/afw')).toBe('lsst/afw')
    expect(repoFromUrl('ssh://git@github.com/lsst/afw.git/')).toBe('lsst/afw')
  })

  it('accepts the shipped example routing file', () => {
    const file = join(process.cwd(), 'jenkins-bridge', 'routes.example.yml')
    const r = compileRouting(
      loadRoutingConfig(readFileSync(file, 'utf8'), file)
    )
    expect(r.routes.length).toBeGreaterThan(2)
  })
})
