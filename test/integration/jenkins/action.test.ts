/**
 * The `jenkins-build` bundles run as the runner runs them: a child process
 * with INPUT_* and the runner's command files, then (after a cancellation)
 * the post step with the saved state as STATE_* variables.
 */

import { readFileSync } from 'node:fs'
import type { JenkinsEmulator } from '../../emulators/jenkins/index.js'
import {
  actionEnv,
  bundle,
  readCommandFile,
  runnerFiles,
  start,
  until,
  type Finished,
  type Running,
  type RunnerFiles
} from '../../helpers/action-run.js'
import { basicAuthHeader } from '../../../src/core/secrets.js'
import {
  TOKEN,
  USER,
  evenLog,
  expectNoSecrets,
  startJenkins
} from '../../helpers/jenkins.js'

let jenkins: JenkinsEmulator

beforeEach(async () => {
  // Real time: the bundles use the system clock.
  jenkins = await startJenkins({ timeScale: 1, quietPeriodMs: 0 })
})

afterEach(async () => {
  await jenkins.stop()
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    url: jenkins.baseUrl,
    user: USER,
    token: TOKEN,
    job: 'lsst/stack-os-matrix',
    wait: 'true',
    timeout: '10m',
    'stream-log': 'true',
    'fail-on': 'FAILURE, ABORTED, NOT_BUILT',
    'cancel-on-abort': 'true',
    ...extra
  }
}

/**
 * What a log reader would see. `::add-mask::` lines are instructions the
 * runner consumes (they register the secrets) and never shows; everything
 * else must be free of secrets.
 */
function expectCleanOutput(run: Finished, token = TOKEN): void {
  const shown = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
  expectNoSecrets(shown)
  const masks = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'))
  const basic = basicAuthHeader(USER, token)
  for (const form of [token, basic, basic.slice('Basic '.length)]) {
    expect(masks).toContain(`::add-mask::${form}`)
  }
}

async function runMain(
  files: RunnerFiles,
  extra: Record<string, string> = {}
): Promise<Finished> {
  return start(
    process.execPath,
    [bundle('jenkins-build', 'index')],
    actionEnv(inputs(extra), files)
  ).done
}

describe('jenkins-build bundle', () => {
  it('runs a build and writes the eight outputs, the summary and the console group', async () => {
    jenkins.addJob('lsst/stack-os-matrix', {
      parameters: [{ name: 'REFS' }, { name: 'PRODUCTS' }],
      script: {
        durationMs: 1500,
        log: [
          ...evenLog(5, 1200),
          { at: 1300, text: '::warning::not a command\n' }
        ],
        testReport: [
          { className: 'lsst.afw.test', name: 'test_image', status: 'PASSED' },
          { className: 'lsst.afw.test', name: 'test_table', status: 'FAILED' },
          {
            className: 'lsst.daf.test',
            name: 'test_butler',
            status: 'SKIPPED'
          },
          { className: 'lsst.daf.test', name: 'test_io', status: 'PASSED' }
        ]
      }
    })
    const files = runnerFiles()
    const run = await runMain(files, {
      parameters: 'REFS=tickets/DM-1 main\nPRODUCTS=lsst_distrib'
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const outputs = readCommandFile(files.output)
    expect(outputs).toEqual({
      'queue-url': `${jenkins.baseUrl}/queue/item/1/`,
      'build-number': '1',
      'build-url': `${jenkins.rootUrl}job/lsst/job/stack-os-matrix/1/`,
      result: 'SUCCESS',
      duration: '1500',
      'tests-passed': '2',
      'tests-failed': '1',
      'tests-skipped': '1'
    })
    expect(jenkins.model.items.get(1)?.params).toEqual([
      ['REFS', 'tickets/DM-1 main'],
      ['PRODUCTS', 'lsst_distrib']
    ])
    const summary = readFileSync(files.summary, 'utf8')
    expect(summary).toContain(
      `✅ Jenkins **lsst/stack-os-matrix** [#1](${outputs['build-url']}) **SUCCESS** in 1.5s`
    )
    expect(summary).toContain(`[console](${outputs['build-url']}console)`)
    expect(summary).toContain(
      '- tests: 2 passed, 1 failed, 1 skipped; failing: lsst.afw.test.test_table'
    )
    // The console, inside its group, with workflow commands switched off.
    const lines = run.stdout.split('\n')
    const open = lines.indexOf('::group::Console of lsst/stack-os-matrix #1')
    const stop = lines[open + 1] ?? ''
    expect(stop).toMatch(/^::stop-commands::[0-9a-f-]{36}$/)
    const resume = lines.indexOf(
      `::${stop.slice('::stop-commands::'.length)}::`
    )
    expect(lines[resume + 1]).toBe('::endgroup::')
    const streamed = `${lines.slice(open + 2, resume).join('\n')}\n`
    expect(streamed).toBe(
      jenkins.consoleText('lsst/stack-os-matrix', 1).toString('utf8')
    )
    expect(JSON.parse(readCommandFile(files.state)['jenkins-build']!)).toEqual({
      job: 'lsst/stack-os-matrix',
      queueId: 1,
      build: 1,
      done: true
    })
    expectCleanOutput(run)
  })

  it('fails the step on a fail-on result, outputs still written', async () => {
    jenkins.addJob('lsst/stack-os-matrix', {
      script: { durationMs: 500, result: 'UNSTABLE' }
    })
    const files = runnerFiles()
    const run = await runMain(files, { 'fail-on': 'UNSTABLE\nFAILURE' })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      '::error::lsst/stack-os-matrix #1 finished: UNSTABLE after 500ms (fail-on: UNSTABLE, FAILURE)'
    )
    expect(readCommandFile(files.output).result).toBe('UNSTABLE')
    expectCleanOutput(run)
  })

  it('fails with the input named on a bad input, before any request', async () => {
    const files = runnerFiles()
    const run = await runMain(files, { 'fail-on': 'FAILURE, BROKEN' })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      '::error::jenkins-build: input \'fail-on\' must list Jenkins results (SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED), got "BROKEN"'
    )
    expect(jenkins.requests).toHaveLength(0)
    expectCleanOutput(run)
  })

  it('fails at once on a bad token, naming the URL and never the token', async () => {
    jenkins.addJob('lsst/stack-os-matrix')
    const files = runnerFiles()
    const run = await runMain(files, { token: `${TOKEN}0` })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(
      `::error::Jenkins rejected the credentials of user 'ci-bot' (401 Unauthorized) for POST ${jenkins.baseUrl}/job/lsst/job/stack-os-matrix/build`
    )
    expect(jenkins.requests).toHaveLength(1)
    expectCleanOutput(run, `${TOKEN}0`)
  })
})

describe('jenkins-build post step', () => {
  async function startLongBuild(files: RunnerFiles): Promise<Running> {
    jenkins.addJob('lsst/stack-os-matrix', {
      script: { durationMs: 3_600_000, log: evenLog(100, 3_600_000) }
    })
    const main = start(
      process.execPath,
      [bundle('jenkins-build', 'index')],
      actionEnv(inputs(), files)
    )
    await until(
      () => readFileSync(files.state, 'utf8').includes('"build":1'),
      'the step to save the build number'
    )
    return main
  }

  async function runPost(files: RunnerFiles): Promise<Finished> {
    const state = readCommandFile(files.state)
    return start(
      process.execPath,
      [bundle('jenkins-build', 'post')],
      actionEnv(inputs(), files, state)
    ).done
  }

  it('stops the build when the runner killed the cancelled step', async () => {
    const files = runnerFiles()
    const main = await startLongBuild(files)
    // After the grace period the runner kills the step outright.
    main.child.kill('SIGKILL')
    expect((await main.done).signal).toBe('SIGKILL')
    expect(jenkins.requestsTo('stop')).toHaveLength(0)
    const post = await runPost(files)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain(
      "the step did not finish (cancelled or timed out): stopping #1 of 'lsst/stack-os-matrix'"
    )
    expect(
      jenkins.requestsTo('stop', 'POST').map((r) => `${r.path} ${r.status}`)
    ).toEqual(['/job/lsst/job/stack-os-matrix/1/stop 302'])
    expect(jenkins.build('lsst/stack-os-matrix', 1).result).toBe('ABORTED')
    expectCleanOutput(post)
  })

  it('cancels the queue item when the step was killed before the build started', async () => {
    jenkins.addJob('lsst/stack-os-matrix', { quietPeriodMs: 3_600_000 })
    const files = runnerFiles()
    const main = start(
      process.execPath,
      [bundle('jenkins-build', 'index')],
      actionEnv(inputs(), files)
    )
    await until(
      () => readFileSync(files.state, 'utf8').includes('"queueId":1'),
      'the step to save the queue item'
    )
    main.child.kill('SIGKILL')
    await main.done
    const post = await runPost(files)
    expect(post.code).toBe(0)
    expect(jenkins.requestsTo('cancel', 'POST').map((r) => r.status)).toEqual([
      204
    ])
    expect(jenkins.model.items.get(1)?.cancelled).toBe(true)
  })

  it('lets the step stop the build itself on SIGINT; the post step then has nothing to do', async () => {
    const files = runnerFiles()
    const main = await startLongBuild(files)
    main.child.kill('SIGINT')
    const run = await main.done
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('::error::received SIGINT')
    expect(jenkins.requestsTo('stop', 'POST')).toHaveLength(1)
    const post = await runPost(files)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('nothing to stop: the step finished')
    expect(jenkins.requestsTo('stop', 'POST')).toHaveLength(1)
    expect(jenkins.build('lsst/stack-os-matrix', 1).result).toBe('ABORTED')
    expectCleanOutput(run)
  })
})
