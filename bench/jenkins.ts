/**
 * `npm run bench -- jenkins [--scale N] [--active MS] [--quiet-after MS]
 * [--quiet-max MS]`: one simulated 10-minute stack-os-matrix build on the
 * Jenkins emulator (time scaled N×, default 20), followed once by stackci's
 * client and once by a naive loop that GETs `lastBuild/api/json?depth=1` and
 * the whole `consoleText` every second. Printed: the policy, our requests by
 * route, then requests, bytes, console lag (emulated time from a line being
 * written to the follower having it) and how late each learns the result.
 * Aim: ≤ 1/10 of the naive requests and bytes; console lag ≤ 2 s.
 */
import { RecordingReporter } from '../src/core/reporter.js'
import { JenkinsClient } from '../src/jenkins/client.js'
import { DEFAULT_POLL_POLICY, type PollPolicy } from '../src/jenkins/poll.js'
import { DEFAULT_FAIL_ON } from '../src/jenkins/results.js'
import { runJenkinsBuild } from '../src/jenkins/run-build.js'
import { basicAuthHeader } from '../src/core/secrets.js'
import {
  JenkinsEmulator,
  type LogStep
} from '../test/emulators/jenkins/index.js'
import { printTable } from './lib/table.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const SCALE = arg('scale', 20)
// Try other console schedules: --active MS --quiet-after MS --quiet-max MS.
const POLICY: PollPolicy = {
  ...DEFAULT_POLL_POLICY,
  consoleActiveMs: arg('active', DEFAULT_POLL_POLICY.consoleActiveMs),
  consoleQuietAfterMs: arg(
    'quiet-after',
    DEFAULT_POLL_POLICY.consoleQuietAfterMs
  ),
  consoleMaxMs: arg('quiet-max', DEFAULT_POLL_POLICY.consoleMaxMs)
}
const DURATION = 600_000
const USER = 'bench'
const TOKEN = '11bench0000000000000000000000000000'

// A seeded generator: every run builds the same log.
let seed = 7
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}

/**
 * A console shaped like lsstsw's: a checkout burst, then one line when each
 * of ~80 packages starts and one (with its time) when it is done, with
 * silent compiles in between, then a test summary burst.
 */
function stackLog(): LogStep[] {
  const steps: LogStep[] = []
  let t = 500
  for (let i = 0; i < 40; i++) {
    t += 50 + random() * 300
    steps.push({
      at: Math.round(t),
      text: ` > git fetch --tags --progress origin +refs/heads/*:refs/remotes/origin/* # repo ${i}\n`
    })
  }
  let n = 0
  while (t < DURATION - 45_000) {
    n++
    const name = `pkg_${String(n).padStart(2, '0')}`
    steps.push({
      at: Math.round(t),
      text: `[ ${n}/80 ] ${name} 29.0.0-${n}-g${(n * 7919).toString(16)} ...\n`
    })
    const build = 2000 + random() * 9000
    t += build
    steps.push({
      at: Math.round(t),
      text: `            ${name}: ok (${(build / 1000).toFixed(1)} sec).\n`
    })
    t += 100 + random() * 400
  }
  for (let i = 0; i < 60; i++) {
    t += 100 + random() * 500
    steps.push({
      at: Math.round(Math.min(t, DURATION - 500)),
      text: `tests/test_${i}.py::test_case_${i} PASSED\n`
    })
  }
  return steps
}

interface Measured {
  requests: number
  /** Requests by the emulator's route kind. */
  routes: Map<string, number>
  bytes: number
  lagMean: number
  lagP95: number
  resultLate: number
}

/** Lags of each log write, from the times each byte offset was first held. */
function lags(
  written: { at: number; end: number }[],
  seen: { at: number; end: number }[]
): number[] {
  return written.map((w) => {
    const first = seen.find((s) => s.end >= w.end)
    return first === undefined ? NaN : first.at - w.at
  })
}

function summarize(
  jenkins: JenkinsEmulator,
  since: number,
  seen: { at: number; end: number }[],
  knownAt: number
): Measured {
  const build = jenkins.build(
    'stack-os-matrix',
    jenkins.job('stack-os-matrix').builds.length
  )
  let end = 0
  const written = build.log
    .lines(Infinity)
    .map((l) => ({ at: l.at, end: (end += l.bytes) }))
  const all = lags(written, seen).sort((a, b) => a - b)
  const requests = jenkins.requests.slice(since)
  const routes = new Map<string, number>()
  for (const r of requests) routes.set(r.route, (routes.get(r.route) ?? 0) + 1)
  return {
    requests: requests.length,
    routes,
    bytes: requests.reduce((s, r) => s + r.bytes, 0),
    lagMean: all.reduce((s, l) => s + l, 0) / all.length / 1000,
    lagP95: (all[Math.floor(all.length * 0.95)] ?? NaN) / 1000,
    resultLate: (knownAt - build.endAt) / 1000
  }
}

async function ours(jenkins: JenkinsEmulator): Promise<Measured> {
  const since = jenkins.requests.length
  const seen: { at: number; end: number }[] = []
  let received = 0
  const outcome = await runJenkinsBuild(
    {
      job: 'stack-os-matrix',
      parameters: [['RUN', 'ours']],
      wait: true,
      timeoutMs: 3_600_000,
      streamLog: true,
      failOn: new Set(DEFAULT_FAIL_ON),
      cancelOnAbort: true
    },
    {
      jenkins: new JenkinsClient({
        url: jenkins.baseUrl,
        user: USER,
        token: TOKEN,
        clock: jenkins.clock
      }),
      reporter: new RecordingReporter(),
      clock: jenkins.clock,
      policy: POLICY,
      console: {
        write: (text) => {
          received += Buffer.byteLength(text)
          seen.push({ at: jenkins.clock.now(), end: received })
        }
      }
    }
  )
  if (outcome.result !== 'SUCCESS') throw new Error(`ours: ${outcome.message}`)
  return summarize(jenkins, since, seen, jenkins.clock.now())
}

async function naive(jenkins: JenkinsEmulator): Promise<Measured> {
  const since = jenkins.requests.length
  const headers = { Authorization: basicAuthHeader(USER, TOKEN) }
  const job = `${jenkins.baseUrl}/job/stack-os-matrix`
  await fetch(`${job}/buildWithParameters?RUN=naive`, {
    method: 'POST',
    headers
  })
  const seen: { at: number; end: number }[] = []
  const before = jenkins.job('stack-os-matrix').builds.length
  // Every second on the second, however long the requests took.
  let tick = jenkins.clock.now()
  for (;;) {
    tick += 1000
    await jenkins.clock.sleep(Math.max(0, tick - jenkins.clock.now()))
    const res = await fetch(`${job}/lastBuild/api/json?depth=1`, { headers })
    if (res.status !== 200) continue
    const build = (await res.json()) as { number: number; building: boolean }
    if (build.number === before) continue
    const text = await (
      await fetch(`${job}/lastBuild/consoleText`, { headers })
    ).arrayBuffer()
    if (text.byteLength > (seen.at(-1)?.end ?? 0))
      seen.push({ at: jenkins.clock.now(), end: text.byteLength })
    if (!build.building)
      return summarize(jenkins, since, seen, jenkins.clock.now())
  }
}

const jenkins = await JenkinsEmulator.start({
  timeScale: SCALE,
  users: { [USER]: { token: TOKEN } }
})
try {
  jenkins.addJob('stack-os-matrix', {
    parameters: [{ name: 'RUN' }],
    // Jenkins' estimate from earlier builds of the job.
    estimatedDurationMs: DURATION,
    script: { durationMs: DURATION, log: stackLog() }
  })
  console.log(
    `simulated ${DURATION / 60_000}-minute build at ${SCALE}× (${Math.round(DURATION / SCALE / 1000)} s real per follower)…`
  )
  const a = await ours(jenkins)
  const b = await naive(jenkins)
  console.log(
    `policy: console every ${POLICY.consoleActiveMs} ms while output flows; ` +
      `after ${POLICY.consoleQuietAfterMs} ms of silence ×1.5 per quiet poll ` +
      `up to ${POLICY.consoleMaxMs} ms`
  )
  const count = (...kinds: string[]): number =>
    kinds.reduce((s, k) => s + (a.routes.get(k) ?? 0), 0)
  const named = ['progressive', 'build', 'trigger', 'queue']
  const other = [...a.routes]
    .filter(([k]) => !named.includes(k))
    .map(([k, n]) => `, ${n} ${k}`)
    .join('')
  console.log(
    `ours: ${count('progressive')} console polls, ${count('build')} build reads, ` +
      `${count('trigger', 'queue')} trigger/queue${other}`
  )
  printTable('Jenkins: following one 10-minute build', [
    {
      metric: 'requests',
      ours: a.requests,
      baseline: b.requests,
      unit: '',
      aim: '≤ 0.10×',
      met: a.requests <= b.requests / 10
    },
    {
      metric: 'bytes received',
      ours: a.bytes,
      baseline: b.bytes,
      unit: 'B',
      aim: '≤ 0.10×',
      met: a.bytes <= b.bytes / 10
    },
    {
      metric: 'console lag, mean',
      ours: a.lagMean,
      baseline: b.lagMean,
      unit: 's',
      aim: 'ours ≤ 2 s',
      met: a.lagMean <= 2
    },
    {
      metric: 'console lag, p95',
      ours: a.lagP95,
      baseline: b.lagP95,
      unit: 's',
      aim: '(reported)'
    },
    {
      metric: 'result known after the end',
      ours: a.resultLate,
      baseline: b.resultLate,
      unit: 's',
      aim: 'ours ≤ 2 s',
      met: a.resultLate <= 2
    }
  ])
} finally {
  await jenkins.stop()
}
