/**
 * `npm run bench -- bridge [--seconds 30] [--rate 1000] [--channels 10]`:
 * a loopback load generator sends signed Jenkins events at a fixed rate
 * (open loop: a slow answer does not slow the sender) for 30 s after a 5 s
 * warm-up at the same rate (`--warmup`, not measured), first to a
 * bare node:http server that answers 202 without checking or storing
 * anything (the baseline: what this machine's HTTP stack gives right now),
 * then to the bridge. Generator, server and emulators each have a thread:
 * the bridge runs with its real configuration path and SQLite store
 * (BRIDGE_SYNC=full: every 2xx is fsynced), relaying to the Slack and GitHub
 * emulators. Each build sends QUEUED, STARTED, 96 STAGE updates, COMPLETED
 * and a duplicate FINALIZED, as a busy pipeline farm does.
 *
 * Baselines: the bare server for the intake rows (measured in this run); a
 * naive relay — one Slack call per event — for the relay rows (computed).
 * The aims (≥ 1,000 events/s, p99 ≤ 25 ms, ≤ 1 Slack call/s/channel) are
 * checked on our numbers alone.
 */

import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
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
  signatureHeaders
} from '../src/bridge/index.js'
import { GitHubEmulator } from '../test/emulators/github/server.js'
import { SlackEmulator } from '../test/emulators/slack/server.js'
import { load } from './lib/http-load.js'
import { printTable } from './lib/table.js'

const SECRET = 'bench-secret-0123456789abcdef'

type WorkerInput =
  | { kind: 'bare' }
  | { kind: 'emulators'; channels: string[] }
  | { kind: 'bridge'; env: Record<string, string>; routes: string }

interface BridgeStats {
  accepted: number
  duplicates: number
  applied: number
  relayedSlack: number
  relayedGithub: number
  pendingEvents: number
  pendingDeliveries: number
  /** Server-side accept latency: upper bounds of the p50 and p99 buckets, ms. */
  serverP50: number
  serverP99: number
}

/** p50/p99 upper bounds from the accept-latency histogram (in ms). */
function bucketQuantiles(text: string): {
  serverP50: number
  serverP99: number
} {
  const re =
    /^jenkins_bridge_accept_latency_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm
  const buckets = [...text.matchAll(re)].map((m) => ({
    le: m[1] === '+Inf' ? Infinity : Number(m[1]) * 1000,
    n: Number(m[2])
  }))
  const total = buckets.at(-1)?.n ?? 0
  const q = (p: number): number =>
    buckets.find((b) => b.n >= p * total)?.le ?? NaN
  return { serverP50: q(0.5), serverP99: q(0.99) }
}

async function runBare(): Promise<void> {
  const http = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' })
      res.end('{"accepted":true}')
    })
  })
  http.listen(0, '127.0.0.1', () => {
    parentPort?.postMessage({ port: (http.address() as AddressInfo).port })
  })
  return Promise.resolve()
}

async function runEmulators(channels: string[]): Promise<void> {
  const slack = new SlackEmulator({
    channels: channels.map((name) => ({ name })),
    // chat.postMessage keeps Slack's 1/s per channel; chat.update is Tier 3
    // per workspace, raised here so that the channel pacing is what shows.
    rateLimits: {
      'chat.update': { ratePerSec: 10, burst: 20, per: 'workspace' }
    }
  })
  const github = new GitHubEmulator({ rateLimit: 1_000_000 })
  await Promise.all([slack.start(), github.start()])
  parentPort?.postMessage({ slack: slack.url, github: github.url })
  parentPort?.on('message', (m: { from: number; to: number }) => {
    const calls = channels.map((c) =>
      slack.callTimes(c).filter((t) => t >= m.from && t <= m.to)
    )
    void Promise.all([slack.stop(), github.stop()]).then(() =>
      parentPort?.postMessage({ calls })
    )
  })
}

async function runBridge(
  env: Record<string, string>,
  routes: string
): Promise<void> {
  const config = readBridgeConfig(env)
  const routing = compileRouting(loadRoutingConfig(routes, 'routes.yml'))
  const server = new Server({ config, routing, log: nullLog })
  parentPort?.postMessage({ port: await server.start() })
  parentPort?.on('message', () => {
    const s = server.store.stats(Date.now())
    const stats: BridgeStats = {
      accepted: server.metrics.accepted.get(),
      duplicates: server.metrics.duplicates.get(),
      applied: server.store.countEvents('applied'),
      relayedSlack: server.metrics.relayed.get({ relay: 'slack' }),
      relayedGithub: server.metrics.relayed.get({ relay: 'github' }),
      pendingEvents: s.pendingEvents,
      pendingDeliveries: s.pendingDeliveries,
      ...bucketQuantiles(server.metrics.render(undefined))
    }
    void server.stop(2000).then(() => parentPort?.postMessage({ stats }))
  })
}

async function startWorker(
  input: WorkerInput
): Promise<{ worker: Worker; first: unknown }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: input })
  const first = await new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return { worker, first }
}

async function ask(worker: Worker, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    worker.once('message', resolve)
    worker.postMessage(message)
  })
}

/** Events of `jobs` builds, round robin; a job's builds run one after another. */
function eventSource(jobs: string[], stages: number): () => string {
  const cursor = jobs.map(() => ({ build: 1, step: 0 }))
  const steps = stages + 4
  let next = 0
  return () => {
    const j = next++ % jobs.length
    const c = cursor[j] ?? { build: 1, step: 0 }
    const job = jobs[j] ?? ''
    const number = c.build
    const step = c.step
    c.step = (c.step + 1) % steps
    if (c.step === 0) c.build++
    const result = number % 7 === 0 ? 'FAILURE' : 'SUCCESS'
    return JSON.stringify(
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
          : step < steps - 2
            ? { job, number, phase: 'STAGE', stage: `stage ${step - 1}` }
            : {
                job,
                number,
                phase: step === steps - 2 ? 'COMPLETED' : 'FINALIZED',
                result,
                duration: 60_000
              }
    )
  }
}

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 30)
  const warmup = arg('warmup', 5)
  const rate = arg('rate', 1000)
  const channels = Array.from(
    { length: arg('channels', 10) },
    (_, i) => `bench-${i}`
  )
  const jobs = channels.flatMap((c) =>
    Array.from({ length: 5 }, (_, j) => `bench/${c}-job${j}`)
  )

  console.error(
    `baseline: a bare node:http server, ${rate} events/s, ${warmup} s warm-up + ${seconds} s …`
  )
  const bare = await startWorker({ kind: 'bare' })
  const base = await load(
    (bare.first as { port: number }).port,
    rate,
    warmup,
    seconds,
    (body) => signatureHeaders(SECRET, body),
    eventSource(jobs, 96)
  )
  await bare.worker.terminate()

  const emulators = await startWorker({ kind: 'emulators', channels })
  const urls = emulators.first as { slack: string; github: string }
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-bridge-'))
  const routes = `version: 1\nroutes:\n${channels.map((c) => `  - jobs: 'bench/${c}-*'\n    channel: '#${c}'\n    repos: lsst/stack`).join('\n')}\n`
  writeFileSync(join(dir, 'routes.yml'), routes)
  const env: Record<string, string> = {
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_PORT: '0',
    BRIDGE_DB: join(dir, 'bridge.db'),
    BRIDGE_ROUTES: join(dir, 'routes.yml'),
    BRIDGE_SECRET: SECRET,
    BRIDGE_SYNC: process.env.BRIDGE_SYNC ?? 'full',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: `${urls.slack}/api/`,
    BRIDGE_SLACK_UPDATES_PER_MINUTE: '600',
    GITHUB_TOKEN: 'ghs_app_token',
    GITHUB_API_URL: urls.github
  }
  console.error(
    `the bridge (BRIDGE_SYNC=${env.BRIDGE_SYNC}), ${rate} events/s, ${warmup} s warm-up + ${seconds} s …`
  )
  const bridge = await startWorker({
    kind: 'bridge',
    env,
    routes
  })
  const ours = await load(
    (bridge.first as { port: number }).port,
    rate,
    warmup,
    seconds,
    (body) => signatureHeaders(SECRET, body),
    eventSource(jobs, 96)
  )
  const { stats } = (await ask(bridge.worker, 'stop')) as { stats: BridgeStats }
  await bridge.worker.terminate()
  const { calls } = (await ask(emulators.worker, {
    from: ours.start,
    to: ours.end
  })) as { calls: number[][] }
  await emulators.worker.terminate()

  // Calls per second between a channel's first and last call in the window
  // (n calls 1 s apart span n − 1 seconds).
  const perChannel = Math.max(
    ...calls.map((t) =>
      t.length < 2
        ? 0
        : (t.length - 1) / (((t.at(-1) ?? 0) - (t[0] ?? 0)) / 1000)
    )
  )
  const slackCalls = calls.reduce((n, t) => n + t.length, 0)
  const show = (e: Record<string, number>): string =>
    Object.keys(e).length === 0 ? '' : `, errors ${JSON.stringify(e)}`
  console.error(
    `bare: ${base.ok} answered${show(base.errors)}\n` +
      `bridge: ${ours.ok} answered 2xx (${stats.accepted} new, ${stats.duplicates} duplicates)${show(ours.errors)}; ` +
      `${stats.applied} applied to build state; ${slackCalls} Slack calls, ${stats.relayedGithub} GitHub calls; ` +
      `still owed at the end: ${stats.pendingEvents} events, ${stats.pendingDeliveries} deliveries; ` +
      `server-side accept latency p50 ≤ ${stats.serverP50} ms, p99 ≤ ${stats.serverP99} ms`
  )
  const accepted = ours.ok / seconds
  printTable(
    `jenkins-bridge: ${rate} events/s for ${seconds} s into ${channels.length} channels ` +
      `(baselines: a bare node:http 202 server measured in this run; a naive one-call-per-event relay)`,
    [
      {
        metric: 'accepted',
        ours: accepted,
        baseline: base.ok / seconds,
        unit: 'events/s',
        aim: '≥ 1,000/s',
        met: rate >= 1000 && accepted >= rate * 0.99
      },
      {
        metric: 'accept latency p50',
        ours: ours.p50,
        baseline: base.p50,
        unit: 'ms',
        aim: '—'
      },
      {
        metric: 'accept latency p99',
        ours: ours.p99,
        baseline: base.p99,
        unit: 'ms',
        aim: '≤ 25 ms',
        met: ours.p99 <= 25
      },
      {
        metric: 'events relayed into build state',
        ours: stats.applied,
        baseline: stats.accepted,
        unit: 'events',
        aim: 'all accepted',
        met: stats.applied === stats.accepted
      },
      {
        metric: 'Slack calls (naive: one per event)',
        ours: slackCalls,
        baseline: ours.ok,
        unit: 'calls',
        aim: 'coalesced'
      },
      {
        metric: 'Slack calls per channel (busiest)',
        ours: perChannel,
        baseline: accepted / channels.length,
        unit: 'calls/s',
        aim: '≤ 1/s (1% receiver jitter)',
        met: perChannel <= 1.01
      }
    ]
  )
}

if (isMainThread) await main()
else {
  const input = workerData as WorkerInput
  if (input.kind === 'bare') await runBare()
  else if (input.kind === 'emulators') await runEmulators(input.channels)
  else await runBridge(input.env, input.routes)
}
