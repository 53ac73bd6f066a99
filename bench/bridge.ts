/**
 * `npm run bench -- bridge [--seconds 30] [--rate 1000] [--channels 10]`:
 * a loopback load generator sends signed Jenkins events to the bridge at a
 * fixed rate (open loop: a slow answer does not slow the sender) for 30 s.
 * The bridge runs in a worker thread with its real configuration path and
 * SQLite store (synchronous=FULL: every 2xx is on disk), relaying to the
 * Slack and GitHub emulators. Each build sends QUEUED, STARTED, 96 STAGE
 * updates, COMPLETED and a duplicate FINALIZED, as a busy pipeline farm does.
 *
 * The baseline column holds the aims (≥ 1,000 events/s accepted, p99 ≤ 25
 * ms, ≤ 1 Slack call/s/channel); the naive relay row is computed: one Slack
 * call per event, as a stateless relay makes.
 */

import { mkdtempSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Worker,
  isMainThread,
  parentPort,
  workerData
} from 'node:worker_threads'
import {
  Server,
  compileRouting,
  loadRoutingConfig,
  nullLog,
  readBridgeConfig,
  signBody
} from '../src/bridge/index.js'
import { GitHubEmulator } from '../test/emulators/github/server.js'
import { SlackEmulator } from '../test/emulators/slack/server.js'
import { printTable } from './lib/table.js'

const SECRET = 'bench-secret-0123456789abcdef'

interface WorkerInput {
  env: Record<string, string>
  routes: string
}

interface WorkerStats {
  accepted: number
  duplicates: number
  relayedSlack: number
  relayedGithub: number
  pendingEvents: number
  pendingDeliveries: number
  applied: number
}

/** The bridge side: start, report the port, stop on request with stats. */
async function runWorker(input: WorkerInput): Promise<void> {
  const config = readBridgeConfig(input.env)
  const routing = compileRouting(
    loadRoutingConfig(input.routes, input.env.BRIDGE_ROUTES ?? 'routes.yml')
  )
  const server = new Server({ config, routing, log: nullLog })
  const port = await server.start()
  parentPort?.postMessage({ port })
  parentPort?.on('message', (m: string) => {
    if (m === 'stats' || m === 'stop') {
      const s = server.store.stats(Date.now())
      const stats: WorkerStats = {
        accepted: server.metrics.accepted.get(),
        duplicates: server.metrics.duplicates.get(),
        relayedSlack: server.metrics.relayed.get({ relay: 'slack' }),
        relayedGithub: server.metrics.relayed.get({ relay: 'github' }),
        pendingEvents: s.pendingEvents,
        pendingDeliveries: s.pendingDeliveries,
        applied: server.store.countEvents('applied')
      }
      if (m === 'stats') parentPort?.postMessage({ stats })
      else
        void server
          .stop(2000)
          .then(() => parentPort?.postMessage({ stats, stopped: true }))
    }
  })
}

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}

function percentile(sorted: number[], p: number): number {
  return (
    sorted[
      Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
    ] ?? NaN
  )
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 30)
  const rate = arg('rate', 1000)
  const channels = Array.from(
    { length: arg('channels', 10) },
    (_, i) => `bench-${i}`
  )
  const jobsPerChannel = 5
  const stagesPerBuild = 96
  const slack = new SlackEmulator({
    channels: channels.map((name) => ({ name })),
    // Slack's own limits: chat.postMessage 1/s per channel (burst 3); chat.update
    // is Tier 3 per workspace, raised here so the channel pacing is what shows.
    rateLimits: {
      'chat.update': { ratePerSec: 10, burst: 20, per: 'workspace' }
    }
  })
  const github = new GitHubEmulator({ rateLimit: 1_000_000 })
  await Promise.all([slack.start(), github.start()])
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-bridge-'))
  const routes = `version: 1\nroutes:\n${channels.map((c) => `  - jobs: 'bench/${c}-*'\n    channel: '#${c}'`).join('\n')}\n`
  writeFileSync(join(dir, 'routes.yml'), routes)
  const env = {
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_PORT: '0',
    BRIDGE_DB: join(dir, 'bridge.db'),
    BRIDGE_ROUTES: join(dir, 'routes.yml'),
    BRIDGE_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: `${slack.url}/api/`,
    BRIDGE_SLACK_UPDATES_PER_MINUTE: '600',
    GITHUB_TOKEN: 'ghs_app_token',
    GITHUB_API_URL: github.url,
    ...(process.env.BRIDGE_SYNC === undefined ? {} : { BRIDGE_SYNC: process.env.BRIDGE_SYNC })
  }
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { env, routes } satisfies WorkerInput
  })
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => {
      resolve(m.port)
    })
    worker.once('error', reject)
  })

  // The event sequence of each job, built lazily: job j's builds run one after another.
  const jobs = channels.flatMap((c) =>
    Array.from({ length: jobsPerChannel }, (_, j) => `bench/${c}-job${j}`)
  )
  const cursor = jobs.map(() => ({ build: 0, step: 0 }))
  let next = 0
  const nextEvent = (): string => {
    const j = next++ % jobs.length
    const c = cursor[j] ?? { build: 0, step: 0 }
    const job = jobs[j] ?? ''
    const number = c.build + 1
    const step = c.step
    const total = stagesPerBuild + 4
    c.step = (c.step + 1) % total
    if (c.step === 0) c.build++
    const result = number % 7 === 0 ? 'FAILURE' : 'SUCCESS'
    const body =
      step === 0
        ? { job, number, phase: 'QUEUED' }
        : step === 1
          ? {
              job,
              number,
              phase: 'STARTED',
              sha: 'a'.repeat(40),
              repo: 'lsst/stack'
            }
          : step < total - 2
            ? { job, number, phase: 'STAGE', stage: `stage ${step - 1}` }
            : {
                job,
                number,
                phase: step === total - 2 ? 'COMPLETED' : 'FINALIZED',
                result,
                duration: 60_000
              }
    return JSON.stringify(body)
  }

  const agent = new Agent({ keepAlive: true, maxSockets: 128 })
  const latencies: number[] = []
  let ok = 0
  let failed = 0
  const errors = new Map<string, number>()
  const send = (): void => {
    const body = nextEvent()
    const started = performance.now()
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/jenkins',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-stackci-signature-256': signBody(SECRET, body),
          'content-length': Buffer.byteLength(body)
        }
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          latencies.push(performance.now() - started)
          if (res.statusCode === 200 || res.statusCode === 202) ok++
          else {
            failed++
            const k = `HTTP ${res.statusCode ?? 0}`
            errors.set(k, (errors.get(k) ?? 0) + 1)
          }
        })
      }
    )
    req.on('error', (e: NodeJS.ErrnoException) => {
      failed++
      errors.set(e.code ?? e.message, (errors.get(e.code ?? e.message) ?? 0) + 1)
    })
    req.end(body)
  }

  console.error(
    `sending ${rate} events/s for ${seconds} s to the bridge on port ${port} …`
  )
  const t0 = performance.now()
  const loadStart = Date.now()
  let sent = 0
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(
        rate * seconds,
        Math.floor(((performance.now() - t0) / 1000) * rate)
      )
      while (sent < due) {
        send()
        sent++
      }
      if (sent >= rate * seconds) {
        clearInterval(tick)
        resolve()
      }
    }, 5)
  })
  await new Promise((r) => setTimeout(r, 1000)) // the last answers
  const loadEnd = Date.now()
  const stats = await new Promise<WorkerStats>((resolve) => {
    worker.once('message', (m: { stats: WorkerStats }) => {
      resolve(m.stats)
    })
    worker.postMessage('stats')
  })
  worker.postMessage('stop')
  await new Promise((r) => worker.once('message', r))
  await worker.terminate()
  agent.destroy()

  const window = (loadEnd - loadStart) / 1000
  const perChannel = channels.map((c) =>
    slack.callTimes(c).filter((t) => t >= loadStart && t <= loadEnd)
  )
  const avgPerChannel = Math.max(...perChannel.map((t) => t.length / window))
  // The busiest one-second window of the busiest channel.
  const peak = Math.max(
    ...perChannel.map((times) => {
      let best = 0
      for (let i = 0, j = 0; j < times.length; j++) {
        while ((times[j] ?? 0) - (times[i] ?? 0) >= 1000) i++
        best = Math.max(best, j - i + 1)
      }
      return best
    })
  )
  const sorted = [...latencies].sort((a, b) => a - b)
  const slackCalls = perChannel.reduce((n, t) => n + t.length, 0)
  await Promise.all([slack.stop(), github.stop()])
  console.error(
    `sent ${sent}, answered 2xx ${ok}, failed ${failed}; bridge accepted ${stats.accepted} new + ${stats.duplicates} duplicates; ` +
      `applied ${stats.applied} events to build state; Slack calls ${slackCalls} (${stats.relayedSlack} deliveries), GitHub ${stats.relayedGithub}; ` +
      `still owed: ${stats.pendingEvents} events, ${stats.pendingDeliveries} deliveries` +
      (errors.size === 0 ? '' : `; errors: ${JSON.stringify(Object.fromEntries(errors))}`)
  )
  printTable(
    `jenkins-bridge: ${rate} events/s for ${seconds} s, ${channels.length} channels (baseline = the aims)`,
    [
      {
        metric: 'accepted',
        ours: ok / seconds,
        baseline: 1000,
        unit: 'events/s',
        aim: '≥ 1.0',
        met: ok / seconds >= 1000 * 0.99
      },
      {
        metric: 'accept latency p50',
        ours: percentile(sorted, 50),
        baseline: 25,
        unit: 'ms',
        aim: '≤ 1.0',
        met: percentile(sorted, 50) <= 25
      },
      {
        metric: 'accept latency p99',
        ours: percentile(sorted, 99),
        baseline: 25,
        unit: 'ms',
        aim: '≤ 1.0',
        met: percentile(sorted, 99) <= 25
      },
      {
        metric: 'events relayed (applied to build state)',
        ours: stats.applied,
        baseline: stats.accepted,
        unit: 'events',
        aim: 'all accepted',
        met: stats.applied >= stats.accepted
      },
      {
        metric: 'Slack calls per channel (busiest, average)',
        ours: avgPerChannel,
        baseline: 1,
        unit: 'calls/s',
        aim: '≤ 1.0',
        met: avgPerChannel <= 1
      },
      {
        metric: 'Slack calls per channel (busiest 1-s window)',
        ours: peak,
        baseline: 1,
        unit: 'calls/s',
        aim: '≤ 1.0',
        met: peak <= 1
      },
      {
        metric: 'Slack calls, naive relay (1 per event; computed)',
        ours: slackCalls,
        baseline: ok,
        unit: 'calls',
        aim: 'coalescing'
      }
    ]
  )
}

if (isMainThread) await main()
else await runWorker(workerData as WorkerInput)
