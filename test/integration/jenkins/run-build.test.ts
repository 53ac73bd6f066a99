import { RecordingReporter } from '../../../src/core/reporter.js'
import { TimeoutError } from '../../../src/core/errors.js'
import { CancelledError } from '../../../src/core/signals.js'
import { type BuildState } from '../../../src/jenkins/cancel.js'
import {
  runJenkinsBuild,
  type JenkinsBuildRequest
} from '../../../src/jenkins/run-build.js'
import {
  DEFAULT_FAIL_ON,
  type JenkinsBuildOutcome
} from '../../../src/jenkins/results.js'
import { BUILD_RESULTS, type BuildResult } from '../../../src/jenkins/types.js'
import type { JenkinsEmulator } from '../../emulators/jenkins/index.js'
import {
  clientFor,
  evenLog,
  expectNoSecrets,
  startJenkins
} from '../../helpers/jenkins.js'

let jenkins: JenkinsEmulator
let reporter: RecordingReporter

beforeEach(async () => {
  jenkins = await startJenkins()
  reporter = new RecordingReporter()
})

afterEach(async () => {
  expectNoSecrets(reporter.text())
  await jenkins.stop()
})

function request(
  overrides: Partial<JenkinsBuildRequest> = {}
): JenkinsBuildRequest {
  return {
    job: 'stack-os-matrix',
    parameters: [],
    wait: true,
    timeoutMs: 3_600_000,
    streamLog: true,
    failOn: new Set(DEFAULT_FAIL_ON),
    cancelOnAbort: true,
    ...overrides
  }
}

async function run(
  overrides: Partial<JenkinsBuildRequest> = {},
  extra: {
    signal?: AbortSignal
    states?: BuildState[]
    console?: string[]
  } = {}
): Promise<JenkinsBuildOutcome> {
  return runJenkinsBuild(request(overrides), {
    jenkins: clientFor(jenkins, reporter),
    reporter,
    clock: jenkins.clock,
    ...(extra.signal === undefined ? {} : { signal: extra.signal }),
    ...(extra.states === undefined
      ? {}
      : { saveState: (s) => extra.states?.push(s) }),
    ...(extra.console === undefined
      ? {}
      : { console: { write: (t) => void extra.console?.push(t) } })
  })
}

describe('runJenkinsBuild', () => {
  it('streams the console byte for byte, across split UTF-8 and hidden notes', async () => {
    const rocket = Buffer.from('🚀', 'utf8')
    jenkins.addJob('stack-os-matrix', {
      script: {
        durationMs: 120_000,
        log: [
          ...evenLog(
            40,
            100_000,
            (i) => `[${i}/40] afw ${'·'.repeat(i % 7)} done\n`
          ),
          {
            at: 100_500,
            text: Buffer.concat([Buffer.from('launch '), rocket.subarray(0, 2)])
          },
          {
            at: 103_000,
            text: Buffer.concat([rocket.subarray(2), Buffer.from(' ok\r\n')])
          },
          { at: 104_000, text: '\x1b[8mha:////AAAAnote\x1b[0mlinked text\n' },
          { at: 110_000, text: 'no newline yet...' },
          { at: 115_000, text: ' now\n' }
        ]
      }
    })
    const chunks: string[] = []
    const outcome = await run({}, { console: chunks })
    expect(outcome).toMatchObject({
      result: 'SUCCESS',
      failed: false,
      buildNumber: 1
    })
    const streamed = Buffer.from(chunks.join(''), 'utf8')
    const full = jenkins.consoleText('stack-os-matrix', 1)
    expect(streamed.equals(full)).toBe(true)
    expect(full.toString()).toContain(
      'launch 🚀 ok\r\nlinked text\nno newline yet... now\n'
    )
    // Only whole lines reach the sink (secrets are masked per line).
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true)
    // One progressive request per poll, and the build read at start and end.
    expect(jenkins.requestsTo('build')).toHaveLength(2)
    expect(jenkins.requestsTo('console')).toHaveLength(0)
  })

  it.each(BUILD_RESULTS)(
    'maps %s through fail-on (default, and with UNSTABLE)',
    async (result) => {
      jenkins.addJob('stack-os-matrix', {
        script: { durationMs: 20_000, result }
      })
      const byDefault = await run({ streamLog: false })
      expect(byDefault.result).toBe(result)
      expect(byDefault.failed).toBe(
        ['FAILURE', 'ABORTED', 'NOT_BUILT'].includes(result)
      )
      const strict: ReadonlySet<BuildResult> = new Set(['UNSTABLE', 'FAILURE'])
      const custom = await run({
        streamLog: false,
        failOn: strict,
        parameters: []
      })
      expect(custom.result).toBe(result)
      expect(custom.failed).toBe(strict.has(result))
      expect(custom.message).toBe(
        `stack-os-matrix #2 finished: ${result} after 20s${strict.has(result) ? ' (fail-on: UNSTABLE, FAILURE)' : ''}`
      )
    }
  )

  it('waits for building=false when the result is set early', async () => {
    jenkins.addJob('stack-os-matrix', {
      script: {
        durationMs: 90_000,
        result: 'UNSTABLE',
        resultAtMs: 20_000,
        log: [{ at: 60_000, text: 'post-build: archiving\n' }]
      }
    })
    const outcome = await run({ streamLog: false })
    expect(outcome).toMatchObject({
      result: 'UNSTABLE',
      durationMs: 90_000,
      failed: false
    })
    const seen = jenkins.requestsTo('build').map((r) => r.query.get('tree'))
    expect(
      seen.every((t) => t?.startsWith('number,url,building,inProgress,result'))
    ).toBe(true)
  })

  it('reports why the item waits, and follows it through the queue', async () => {
    jenkins.addJob('stack-os-matrix', {
      parameters: [{ name: 'X', default: '0' }],
      script: { durationMs: 30_000 }
    })
    const client = clientFor(jenkins, reporter)
    await client.trigger('stack-os-matrix', [], { delaySeconds: 0 })
    jenkins.model.options.executors = 1
    const done = run({ streamLog: false, parameters: [['X', '1']] })
    await jenkins.clock.sleep(10_000)
    jenkins.job('stack-os-matrix').blockedReason =
      'Waiting for the release lock'
    await jenkins.clock.sleep(40_000)
    jenkins.job('stack-os-matrix').blockedReason = undefined
    const outcome = await done
    expect(outcome).toMatchObject({ result: 'SUCCESS', buildNumber: 2 })
    const log = reporter.text('info')
    expect(log).toContain(
      'queued (quiet period): In the quiet period. Expires in'
    )
    expect(log).toContain(
      'queued, blocked: Build #1 is already in progress (ETA:'
    )
    expect(log).toContain('queued, blocked: Waiting for the release lock')
  })

  it('waits for an executor', async () => {
    jenkins.addJob('stack-os-matrix', { script: { durationMs: 10_000 } })
    jenkins.model.options.executors = 0
    const done = run({ streamLog: false })
    await jenkins.clock.sleep(30_000)
    jenkins.model.options.executors = 1
    expect((await done).result).toBe('SUCCESS')
    expect(reporter.text('info')).toContain(
      'queued, waiting for an executor: Waiting for next available executor'
    )
  })

  it('counts an item cancelled in Jenkins as ABORTED', async () => {
    jenkins.addJob('stack-os-matrix', { quietPeriodMs: 60_000 })
    const states: BuildState[] = []
    const done = run({}, { states })
    await jenkins.clock.sleep(20_000)
    const item = [...jenkins.model.items.values()][0]!
    jenkins.model.cancel(item.id)
    const outcome = await done
    expect(outcome).toMatchObject({ result: 'ABORTED', failed: true })
    expect(outcome.buildNumber).toBeUndefined()
    expect(outcome.message).toContain(
      `queue item ${item.id} of 'stack-os-matrix' was cancelled in Jenkins before a build started; counted as ABORTED`
    )
    expect(states.at(-1)).toMatchObject({ done: true })
    expect(jenkins.requestsTo('stop')).toHaveLength(0)
  })

  it('finds the build by queueId when Jenkins forgot the item first', async () => {
    jenkins.model.options.leftItemTtlMs = 1
    jenkins.addJob('stack-os-matrix', {
      quietPeriodMs: 0,
      script: { durationMs: 30_000 }
    })
    const outcome = await run({ streamLog: false })
    expect(outcome).toMatchObject({ result: 'SUCCESS', buildNumber: 1 })
    expect(jenkins.requestsTo('queue').some((r) => r.status === 404)).toBe(true)
    expect(jenkins.requestsTo('job')[0]?.query.get('tree')).toBe(
      'builds[number,url,queueId]{0,50}'
    )
  })

  it('stops the build when its own timeout passes', async () => {
    jenkins.addJob('stack-os-matrix', { script: { durationMs: 3_600_000 } })
    const states: BuildState[] = []
    const outcome = await run({ timeoutMs: 60_000 }, { states })
    expect(outcome.failed).toBe(true)
    expect(outcome.message).toBe(
      "'stack-os-matrix' did not finish within 1m; stopped it"
    )
    expect(jenkins.requestsTo('stop', 'POST').map((r) => r.path)).toEqual([
      '/job/stack-os-matrix/1/stop'
    ])
    expect(jenkins.build('stack-os-matrix', 1).result).toBe('ABORTED')
    expect(states.at(-1)).toEqual({
      job: 'stack-os-matrix',
      queueId: 1,
      build: 1,
      done: true
    })
    expect(TimeoutError).toBeDefined()
  })

  it('on cancellation stops the build, then throws the reason', async () => {
    jenkins.addJob('stack-os-matrix', { script: { durationMs: 3_600_000 } })
    const controller = new AbortController()
    const done = run({}, { signal: controller.signal })
    while (jenkins.model.builds.length === 0) await jenkins.clock.sleep(1000)
    await jenkins.clock.sleep(5000)
    controller.abort(new CancelledError('SIGTERM'))
    await expect(done).rejects.toThrow('received SIGTERM')
    expect(jenkins.requestsTo('stop', 'POST').map((r) => r.path)).toEqual([
      '/job/stack-os-matrix/1/stop'
    ])
  })

  it('on cancellation in the queue cancels the item', async () => {
    jenkins.addJob('stack-os-matrix', { quietPeriodMs: 600_000 })
    const controller = new AbortController()
    const done = run({}, { signal: controller.signal })
    await jenkins.clock.sleep(10_000)
    controller.abort(new CancelledError('SIGINT'))
    await expect(done).rejects.toThrow('received SIGINT')
    expect(
      jenkins
        .requestsTo('cancel', 'POST')
        .map((r) => `${r.query.get('id')} ${r.status}`)
    ).toEqual(['1 204'])
    expect(jenkins.model.builds).toHaveLength(0)
  })

  it('leaves the build alone with cancel-on-abort off', async () => {
    jenkins.addJob('stack-os-matrix', { script: { durationMs: 3_600_000 } })
    const outcome = await run({ timeoutMs: 30_000, cancelOnAbort: false })
    expect(outcome.failed).toBe(true)
    expect(jenkins.requestsTo('stop')).toHaveLength(0)
    expect(reporter.text('warning')).toContain('cancel-on-abort is off')
  })

  it('returns once queued without wait', async () => {
    jenkins.addJob('stack-os-matrix')
    const states: BuildState[] = []
    const outcome = await run({ wait: false }, { states })
    expect(outcome).toMatchObject({ queueId: 1, failed: false })
    expect(outcome.buildNumber).toBeUndefined()
    expect(states).toEqual([{ job: 'stack-os-matrix', queueId: 1, done: true }])
    expect(jenkins.requests.map((r) => r.route)).toEqual(['trigger'])
  })
})
