import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from '../../../src/core/errors.js'
import {
  cleanBranch,
  eventKey,
  jobFromUrl,
  parseEvent
} from '../../../src/bridge/event.js'
import { lastLines, readBuildJson } from '../../../src/bridge/jenkins-source.js'
import { recordedDir } from '../../helpers/shared.js'
import { thrown } from '../../helpers/thrown.js'

/** The COMPLETED payload of protocols.md §7, as Gson writes it. */
const COMPLETED = {
  name: 'app',
  display_name: 'app',
  url: 'job/team/job/app/',
  build: {
    full_url: 'http://jenkins.local/job/team/job/app/42/',
    number: 42,
    queue_id: 57,
    timestamp: 1767225667234,
    duration: 61234,
    phase: 'COMPLETED',
    status: 'FAILURE',
    url: 'job/team/job/app/42/',
    scm: {
      url: 'https://github.com/org/app.git',
      branch: 'origin/main',
      commit: 'abc123',
      changes: ['src/a.ts'],
      culprits: ['alice']
    },
    parameters: { SHA: 'abc123', PR: '17' },
    log: '',
    artifacts: {
      'dist/app.tgz': {
        archive:
          'http://jenkins.local/job/team/job/app/42/artifact/dist/app.tgz'
      }
    },
    test_summary: {
      total: 120,
      failed: 2,
      passed: 117,
      skipped: 1,
      failed_tests: ['suite.case']
    }
  }
}

describe('Notification plugin payloads', () => {
  it('normalise the full COMPLETED example', () => {
    expect(parseEvent(COMPLETED)).toEqual({
      source: 'notification',
      job: 'team/app',
      number: 42,
      phase: 'COMPLETED',
      result: 'FAILURE',
      url: 'http://jenkins.local/job/team/job/app/42/',
      path: 'job/team/job/app/42/',
      timestamp: 1767225667234,
      durationMs: 61234,
      branch: 'main',
      sha: 'abc123',
      repoUrl: 'https://github.com/org/app.git',
      parameters: { SHA: 'abc123', PR: '17' },
      log: '',
      tests: {
        total: 120,
        failed: 2,
        passed: 117,
        skipped: 1,
        failedTests: ['suite.case']
      },
      culprits: ['alice']
    })
  })

  it('accept what QUEUED and STARTED omit (status, full_url, scm)', () => {
    const e = parseEvent({
      name: 'nightly',
      url: 'job/nightly/',
      build: {
        number: 3,
        phase: 'QUEUED',
        url: 'job/nightly/3/',
        scm: { changes: [], culprits: [] }
      }
    })
    expect(e).toEqual({
      source: 'notification',
      job: 'nightly',
      number: 3,
      phase: 'QUEUED',
      path: 'job/nightly/3/',
      parameters: {},
      culprits: []
    })
  })

  it('read the old FINISHED phase as FINALIZED, and fall back to the name', () => {
    const e = parseEvent({
      name: 'old job',
      build: { number: 1, phase: 'finished', status: 'SUCCESS' }
    })
    expect([e.job, e.phase, e.result]).toEqual([
      'old job',
      'FINALIZED',
      'SUCCESS'
    ])
  })

  it('report every problem at once, by JSON path', () => {
    const error = thrown(() =>
      parseEvent({
        url: 7,
        build: {
          number: '42',
          phase: 'DONE',
          scm: [],
          parameters: 'x',
          test_summary: { total: 'all' }
        }
      })
    )
    expect(error).toBeInstanceOf(InputError)
    expect(
      (error as InputError).problems.map(
        (p) => `${p.where.path ?? ''}: ${p.message}`
      )
    ).toEqual([
      'url: must be a string, got number',
      'name: the job has no name or url',
      'build.number: must be an integer, got "42"',
      'build.phase: must be one of QUEUED, STARTED, STAGE, COMPLETED, FINALIZED, got "DONE"',
      'build.scm: must be an object',
      'build.parameters: must be an object of strings',
      'build.test_summary.total: must be an integer, got "all"'
    ])
  })

  it('keep only the last 64 KB of a huge log', () => {
    const log = `${'x'.repeat(100_000)}\nthe end`
    const e = parseEvent({ ...COMPLETED, build: { ...COMPLETED.build, log } })
    expect(e.log?.length).toBe(64 * 1024)
    expect(e.log?.endsWith('the end')).toBe(true)
  })
})

describe('compact pipeline events', () => {
  it('take BUILD_NUMBER as a string and ignore unknown fields', () => {
    expect(
      parseEvent({
        job: 'release/weekly',
        number: '12',
        phase: 'stage',
        stage: 'Build',
        branch: 'refs/heads/main',
        x: 1,
        tests: { total: 3, failed: 1, passed: 2, skipped: 0 }
      })
    ).toEqual({
      source: 'compact',
      job: 'release/weekly',
      number: 12,
      phase: 'STAGE',
      stage: 'Build',
      branch: 'main',
      parameters: {},
      tests: { total: 3, failed: 1, passed: 2, skipped: 0, failedTests: [] },
      culprits: []
    })
  })

  it('need a stage name for STAGE and a known result', () => {
    const error = thrown(() =>
      parseEvent({ job: 'a', number: 1, phase: 'STAGE', result: 'GREEN' })
    ) as InputError
    expect(error.problems.map((p) => p.message)).toEqual([
      'a STAGE event needs "stage": the stage name',
      'must be one of SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED, got "GREEN"'
    ])
  })

  it('must be objects', () => {
    expect(thrown(() => parseEvent([1, 2]))).toBeInstanceOf(InputError)
    expect(thrown(() => parseEvent(null))).toBeInstanceOf(InputError)
  })
})

describe('event identity', () => {
  it('makes COMPLETED and FINALIZED one event, and each stage its own', () => {
    const k = (
      phase: 'COMPLETED' | 'FINALIZED' | 'STAGE' | 'QUEUED',
      stage?: string
    ): string =>
      eventKey({
        job: 'a/b',
        number: 5,
        phase,
        ...(stage === undefined ? {} : { stage })
      })
    expect(k('COMPLETED')).toBe(k('FINALIZED'))
    expect(k('COMPLETED')).toBe('a/b#5:final')
    expect(k('STAGE', 'Build')).toBe('a/b#5:stage:Build')
    expect(k('QUEUED')).toBe('a/b#5:queued')
  })

  it('reads folder paths and branches', () => {
    expect(jobFromUrl('job/release/job/docker/job/build-stack/')).toBe(
      'release/docker/build-stack'
    )
    expect(
      jobFromUrl('https://ci.lsst.codes/job/scipipe/job/lsst%20distrib/17/')
    ).toBe('scipipe/lsst distrib')
    expect(jobFromUrl('view/all/')).toBeUndefined()
    expect(cleanBranch('origin/tickets/DM-123')).toBe('tickets/DM-123')
    expect(cleanBranch('refs/heads/main')).toBe('main')
  })
})

describe('re-fetched builds', () => {
  const recorded = recordedDir('jenkins', 'cdancy-jenkins-rest')

  it('read a recorded build JSON (parameters of any JSON type)', () => {
    const json = JSON.parse(
      readFileSync(join(recorded, 'build-info.json'), 'utf8')
    ) as unknown
    expect(readBuildJson(json)).toEqual({
      building: false,
      result: 'SUCCESS',
      durationMs: 60750,
      timestamp: 1461091892486,
      url: 'http://localhost:32769/job/fish/10/',
      parameters: { bear: 'true', fish: 'salmon' }
    })
  })

  it('treat a result set while building as not final', () => {
    expect(
      readBuildJson({
        building: true,
        result: 'FAILURE',
        actions: [{}, { lastBuiltRevision: { SHA1: 'f'.repeat(40) } }]
      })
    ).toEqual({
      building: true,
      result: 'FAILURE',
      sha: 'f'.repeat(40),
      parameters: {}
    })
  })

  it('keep the last lines of a console log', () => {
    const log = readFileSync(join(recorded, 'progressive-text.txt'), 'utf8')
    expect(lastLines(log, 1)).toBe('Finished: SUCCESS')
    expect(lastLines('a\r\nb\r\nc\r\n', 2)).toBe('b\nc')
  })
})

describe('events that cannot be builds', () => {
  const problems = (body: unknown): string[] =>
    (thrown(() => parseEvent(body)) as InputError).problems.map(
      (p) => `${p.where.path ?? ''}: ${p.message}`
    )

  it('refuse a build number below 1', () => {
    expect(problems({ job: 'team/app', number: -1, phase: 'STARTED' })).toEqual(
      ['number: must be at least 1, got -1']
    )
    expect(
      problems({ name: 'app', build: { number: 0, phase: 'STARTED' } })
    ).toEqual(['build.number: must be at least 1, got 0'])
  })

  it('refuse a job name longer than 1 KB', () => {
    expect(
      problems({ job: 'a/'.repeat(16_000), number: 1, phase: 'STARTED' })
    ).toEqual(['job: the job name is 32000 characters long (at most 1024)'])
  })
})
