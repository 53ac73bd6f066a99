/**
 * `stackci jenkins build|stop` as a user runs them: the compiled CLI in a
 * child process, credentials from the environment or a file, against the
 * emulator in real time.
 */

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JenkinsEmulator } from '../../emulators/jenkins/index.js'
import { cli, start, until, type Running } from '../../helpers/action-run.js'
import {
  TOKEN,
  USER,
  evenLog,
  expectNoSecrets,
  startJenkins
} from '../../helpers/jenkins.js'

let jenkins: JenkinsEmulator

beforeEach(async () => {
  jenkins = await startJenkins({ timeScale: 1, quietPeriodMs: 0 })
})

afterEach(async () => {
  await jenkins.stop()
})

function stackci(
  args: string[],
  env: Record<string, string> = { JENKINS_USER: USER, JENKINS_TOKEN: TOKEN }
): Running {
  const clean: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('JENKINS_')) clean[k] = v
  }
  return start(process.execPath, [cli(), ...args], { ...clean, ...env })
}

describe('stackci jenkins build', () => {
  it('streams the console to stdout byte for byte and exits 0 on SUCCESS', async () => {
    jenkins.addJob('release/weekly-release', {
      parameters: [{ name: 'YEAR' }, { name: 'WEEK' }],
      script: {
        durationMs: 1500,
        log: evenLog(8, 1400, (i) => `[${i}] eups distrib install — ✓\n`)
      }
    })
    const run = await stackci([
      'jenkins',
      'build',
      '--url',
      jenkins.baseUrl,
      '--job',
      'release/weekly-release',
      '--param',
      'YEAR=2026',
      '--param',
      'WEEK=48'
    ]).done
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(
      jenkins.consoleText('release/weekly-release', 1).toString('utf8')
    )
    expect(run.stderr).toContain(
      'release/weekly-release #1 finished: SUCCESS after 1.5s'
    )
    expect(jenkins.model.items.get(1)?.params).toEqual([
      ['YEAR', '2026'],
      ['WEEK', '48']
    ])
    expectNoSecrets(run.stdout + run.stderr)
  })

  it('exits 1 on a failing result, and prints JSON with --json', async () => {
    jenkins.addJob('stack-os-matrix', {
      script: { durationMs: 300, result: 'FAILURE' }
    })
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'stackci-')), 'token')
    writeFileSync(tokenFile, `${TOKEN}\n`)
    const run = await stackci(
      [
        'jenkins',
        'build',
        '--url',
        jenkins.baseUrl,
        '--user',
        USER,
        '--token-file',
        tokenFile,
        '--job',
        'stack-os-matrix',
        '--json'
      ],
      {}
    ).done
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({
      job: 'stack-os-matrix',
      buildNumber: 1,
      result: 'FAILURE',
      failed: true
    })
    expect(run.stderr).toContain('Finished: FAILURE')
    expect(run.stderr).toContain(
      'error: stack-os-matrix #1 finished: FAILURE after 300ms (fail-on: FAILURE, ABORTED, NOT_BUILT)'
    )
    expectNoSecrets(run.stdout + run.stderr)
  })

  it('exits 2 on bad input, a missing job and an unreachable Jenkins', async () => {
    const noJob = await stackci(['jenkins', 'build', '--url', jenkins.baseUrl])
      .done
    expect(noJob.code).toBe(2)
    expect(noJob.stderr).toContain(
      "required option '--job <path>' not specified"
    )
    const missing = await stackci([
      'jenkins',
      'build',
      '--url',
      jenkins.baseUrl,
      '--job',
      'nope'
    ]).done
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(
      `error: job 'nope' not found: ${jenkins.baseUrl}/job/nope/ (404)`
    )
    const url = jenkins.baseUrl
    await jenkins.stop()
    const down = await stackci(['jenkins', 'build', '--url', url, '--job', 'x'])
      .done
    jenkins = await startJenkins()
    expect(down.code).toBe(2)
    expect(down.stderr).toMatch(
      new RegExp(`POST ${url}/job/x/build failed: ECONNREFUSED`)
    )
    expect(down.stderr).toContain('retrying in')
    for (const r of [noJob, missing, down]) expectNoSecrets(r.stdout + r.stderr)
  })

  it('masks a user:token written into JENKINS_URL in every output', async () => {
    jenkins.addJob('stack-os-matrix', {
      script: {
        durationMs: 300,
        result: 'FAILURE',
        log: [{ at: 100, text: `echo ${TOKEN}\n` }],
        testReport: [
          { className: 'lsst.afw.test', name: 'test_image', status: 'FAILED' }
        ]
      }
    })
    const url = new URL(jenkins.baseUrl)
    url.username = USER
    url.password = TOKEN
    const withUserinfo = url.toString().replace(/\/$/, '')
    expect(withUserinfo).toContain(`${USER}:${TOKEN}@127.0.0.1`)
    const env = { JENKINS_URL: withUserinfo }
    const runs = [
      // Authenticated by the URL's userinfo alone: the build runs.
      await stackci(
        ['--verbose', 'jenkins', 'build', '--job', 'stack-os-matrix'],
        env
      ).done,
      await stackci(
        ['jenkins', 'build', '--job', 'stack-os-matrix', '--json'],
        env
      ).done,
      await stackci(['jenkins', 'build', '--job', 'nope'], env).done,
      await stackci(
        [
          'jenkins',
          'build',
          '--url',
          withUserinfo,
          '--job',
          'stack-os-matrix',
          '--no-wait'
        ],
        {}
      ).done
    ]
    expect(runs.map((r) => r.code)).toEqual([1, 1, 2, 0])
    expect(runs[0]?.stderr).toContain('stack-os-matrix #1 finished: FAILURE')
    expect(runs[0]?.stderr).toContain(
      '- tests: 0 passed, 1 failed, 0 skipped; failing: lsst.afw.test.test_image'
    )
    expect(runs[0]?.stdout).toContain('echo ***')
    expect(runs[2]?.stderr).toContain(`error: job 'nope' not found`)
    for (const run of runs) {
      const text = run.stdout + run.stderr
      expectNoSecrets(text)
      expect(text).not.toContain(`${USER}:`)
    }
  })

  it('prints the queue URL and returns with --no-wait', async () => {
    jenkins.addJob('app', { quietPeriodMs: 60_000 })
    const run = await stackci([
      'jenkins',
      'build',
      '--url',
      jenkins.baseUrl,
      '--job',
      'app',
      '--no-wait'
    ]).done
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`${jenkins.baseUrl}/queue/item/1/\n`)
    expect(jenkins.requests.map((r) => r.route)).toEqual(['trigger'])
  })

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130]
  ] as const)(
    'stops the Jenkins build on %s before exiting %d',
    async (signal, code) => {
      jenkins.addJob('stack-os-matrix', {
        script: { durationMs: 3_600_000, log: evenLog(3600, 3_600_000) }
      })
      const child = stackci([
        'jenkins',
        'build',
        '--url',
        jenkins.baseUrl,
        '--job',
        'stack-os-matrix'
      ])
      await until(
        () => child.stdout().includes('Started by user'),
        'the console to stream'
      )
      child.child.kill(signal)
      const run = await child.done
      expect(run.code).toBe(code)
      expect(
        jenkins.requestsTo('stop', 'POST').map((r) => `${r.path} ${r.status}`)
      ).toEqual(['/job/stack-os-matrix/1/stop 302'])
      expect(jenkins.build('stack-os-matrix', 1).result).toBe('ABORTED')
      expect(run.stderr).toContain(`received ${signal}: stopping #1`)
      expectNoSecrets(run.stdout + run.stderr)
    }
  )
})

describe('stackci jenkins stop', () => {
  it('stops a build, and cancels a queue item', async () => {
    jenkins.addJob('app', { script: { durationMs: 3_600_000 } })
    jenkins.addJob('later', { quietPeriodMs: 3_600_000 })
    const job = jenkins.job('app')
    jenkins.model.trigger(job, [], USER, 0)
    jenkins.model.trigger(jenkins.job('later'), [], USER)
    const base = ['jenkins', 'stop', '--url', jenkins.baseUrl]
    const build = await stackci([...base, '--job', 'app', '--build', '1']).done
    expect(build.code).toBe(0)
    expect(build.stdout).toBe("stopped 'app' #1\n")
    const item = await stackci([...base, '--job', 'later', '--queue-item', '2'])
      .done
    expect(item.code).toBe(0)
    expect(item.stdout).toBe("stopped queue item 2 of 'later'\n")
    expect(jenkins.build('app', 1).result).toBe('ABORTED')
    expect(jenkins.model.items.get(2)?.cancelled).toBe(true)
    const neither = await stackci([...base, '--job', 'app']).done
    expect(neither.code).toBe(2)
    expect(neither.stderr).toContain(
      'give exactly one of --build N or --queue-item ID'
    )
  })
})
