/**
 * The fault matrix: every fault the emulator can inject, on every route kind
 * the step uses, once briefly (twice in a row) and for good. Transient faults
 * must be survived; the rest must fail with a message that names the URL and
 * the fault, promptly. No combination may hang.
 */

import { JenkinsClient } from '../../../src/jenkins/client.js'
import { RecordingReporter } from '../../../src/core/reporter.js'
import { errorMessage } from '../../../src/core/errors.js'
import { runJenkinsBuild } from '../../../src/jenkins/run-build.js'
import { DEFAULT_FAIL_ON } from '../../../src/jenkins/results.js'
import type {
  Fault,
  JenkinsEmulator,
  RouteKind
} from '../../emulators/jenkins/index.js'
import {
  PASSWORD,
  TOKEN,
  USER,
  expectNoSecrets,
  startJenkins
} from '../../helpers/jenkins.js'

/** Real ms: a healthy loopback answer takes a few, even on a busy machine. */
const REQUEST_TIMEOUT_MS = 1000

const FAULTS: Record<string, Fault> = {
  drop: { kind: 'drop' },
  '500': { kind: 'status', status: 500 },
  '502': { kind: 'status', status: 502 },
  '503': { kind: 'status', status: 503 },
  '504': { kind: 'status', status: 504 },
  '429': { kind: 'status', status: 429, retryAfter: 3 },
  slow: { kind: 'slow', delayMs: 2500 }
}

/** What a persistent fault must say. */
const SAYS: Record<string, RegExp> = {
  drop: /failed: (UND_ERR_SOCKET|ECONNRESET|other side closed)/,
  '500': /failed: 500/,
  '502': /failed: 502/,
  '503': /failed: 503/,
  '504': /failed: 504/,
  '429': /failed: 429/,
  slow: /timed out after 1s/
}

/** The URL path each route kind is reached by in its scenario. */
const ROUTES: Record<
  string,
  { route: RouteKind; method: 'GET' | 'POST'; path: RegExp }
> = {
  crumb: { route: 'crumb', method: 'GET', path: /\/crumbIssuer\/api\/json/ },
  trigger: { route: 'trigger', method: 'POST', path: /\/job\/app\/build/ },
  queue: { route: 'queue', method: 'GET', path: /\/queue\/item\/1\/api\/json/ },
  job: {
    route: 'job',
    method: 'GET',
    path: /\/job\/app\/api\/json\?tree=builds/
  },
  build: { route: 'build', method: 'GET', path: /\/job\/app\/1\/api\/json/ },
  progressive: {
    route: 'progressive',
    method: 'GET',
    path: /\/job\/app\/1\/logText\/progressiveText/
  },
  stop: { route: 'stop', method: 'POST', path: /\/job\/app\/1\/stop/ },
  cancel: { route: 'cancel', method: 'POST', path: /\/queue\/cancelItem\?id=1/ }
}

interface Scenario {
  jenkins: JenkinsEmulator
  reporter: RecordingReporter
  /** The step's message, or the error it threw. */
  text: string
  threw: boolean
  failed: boolean
}

/** Runs the step in the situation that exercises `name`'s route. */
async function scenario(
  name: string,
  fault: Fault,
  times: number
): Promise<Scenario> {
  const stopping = name === 'stop' || name === 'cancel'
  const jenkins = await startJenkins({
    timeScale: 100,
    leftItemTtlMs: name === 'job' ? 1 : 5 * 60_000
  })
  jenkins.addJob('app', {
    quietPeriodMs: name === 'cancel' ? 600_000 : name === 'job' ? 0 : 1000,
    script: {
      durationMs: name === 'stop' ? 3_600_000 : 12_000,
      log: [
        { at: 2000, text: 'compiling\n' },
        { at: 8000, text: 'testing\n' }
      ]
    }
  })
  const { route, method } = ROUTES[name]!
  jenkins.inject(route, fault, times, method)
  const reporter = new RecordingReporter()
  const client = new JenkinsClient({
    url: jenkins.baseUrl,
    user: USER,
    token: name === 'crumb' ? PASSWORD : TOKEN,
    reporter,
    clock: jenkins.clock,
    requestTimeoutMs: REQUEST_TIMEOUT_MS
  })
  try {
    const outcome = await runJenkinsBuild(
      {
        job: 'app',
        parameters: [],
        wait: true,
        timeoutMs: stopping ? 30_000 : 3_600_000,
        streamLog: name !== 'build',
        failOn: new Set(DEFAULT_FAIL_ON),
        cancelOnAbort: true
      },
      { jenkins: client, reporter, clock: jenkins.clock }
    )
    return {
      jenkins,
      reporter,
      text: outcome.message,
      threw: false,
      failed: outcome.failed
    }
  } catch (error) {
    return {
      jenkins,
      reporter,
      text: errorMessage(error),
      threw: true,
      failed: true
    }
  }
}

const cases = Object.keys(ROUTES).flatMap((route) =>
  Object.keys(FAULTS).flatMap((fault) => [
    [route, fault, 'briefly'] as const,
    [route, fault, 'for good'] as const
  ])
)

describe('fault matrix', () => {
  it.each(cases)(
    '%s route, %s, %s',
    async (name, faultName, how) => {
      const fault = FAULTS[faultName]!
      const transient = faultName !== '500'
      const s = await scenario(name, fault, how === 'briefly' ? 2 : Infinity)
      try {
        const { route, method, path } = ROUTES[name]!
        const hits = s.jenkins.requestsTo(route, method)
        const faulted = hits.filter((r) => r.fault !== undefined)
        expect(faulted.length).toBeGreaterThan(0)
        const stopping = name === 'stop' || name === 'cancel'
        const stopped = (): boolean =>
          name === 'stop'
            ? s.jenkins.build('app', 1).result === 'ABORTED'
            : s.jenkins.model.items.get(1)?.cancelled === true
        const survived = transient && how === 'briefly'
        // A failed stop is reported as an error line; the step's own message
        // is then the timeout's.
        const said = stopping && !survived ? s.reporter.text('error') : s.text
        const info = s.reporter.text('info')
        expect({
          threw: s.threw,
          stopped: stopping ? stopped() : null,
          said: survived
            ? said
            : {
                namesUrl: path.test(said),
                namesFault: SAYS[faultName]!.test(said),
                couldNotStop: stopping
                  ? said.startsWith('could not stop ')
                  : null
              },
          faulted: survived ? 'several' : faulted.length,
          retried: /failed \(attempt 1\)[\s\S]*retrying in/.test(info)
        }).toEqual({
          threw: !stopping && !survived,
          stopped: stopping ? survived : null,
          said: survived
            ? stopping
              ? "'app' did not finish within 30s; stopped it"
              : 'app #1 finished: SUCCESS after 12s'
            : {
                namesUrl: true,
                namesFault: true,
                couldNotStop: stopping ? true : null
              },
          // 500 is not retried; transient faults are, a bounded number of times.
          faulted: survived ? 'several' : transient ? 5 : 1,
          retried: transient
        })
        expectNoSecrets(`${s.text}\n${s.reporter.text()}`)
      } finally {
        await s.jenkins.stop()
      }
      // A hang fails here, by jest's timeout, rather than stalling the run.
    },
    60_000
  )
})
