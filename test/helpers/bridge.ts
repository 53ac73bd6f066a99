/**
 * Helpers for the bridge tests: Jenkins events as the Notification plugin and
 * pipelines send them, signed posts, and an in-process bridge wired to the
 * Slack, GitHub and Jenkins emulators through its real configuration path.
 */

import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  MemoryLog,
  Server,
  compileRouting,
  loadRoutingConfig,
  readBridgeConfig,
  signatureHeaders
} from '../../src/bridge/index.js'
import {
  GitHubEmulator,
  type GitHubEmulatorOptions
} from '../emulators/github/server.js'
import { JenkinsBuildsEmulator } from '../emulators/jenkins-builds/server.js'
import {
  SlackEmulator,
  type SlackEmulatorOptions
} from '../emulators/slack/server.js'

export const SECRET = 'bridge-hmac-secret-0123456789abcdef'
export const URL_TOKEN = 'bridge-url-token-0123456789abcdef'
export const SLACK_TOKEN = 'xoxb-test-token'
export const GITHUB_TOKEN = 'ghs_app_token'
export const JENKINS_USER = 'ci-bot'
export const JENKINS_TOKEN = 'jenkins-api-token-0001'

/** A deterministic 40-hex SHA for a name. */
export function sha(name: string): string {
  return createHash('sha1').update(name).digest('hex')
}

export interface NotificationOptions {
  status?: string
  jenkinsUrl?: string
  parameters?: Record<string, string>
  log?: string
  duration?: number
  tests?: {
    total: number
    failed: number
    passed: number
    skipped: number
    failed_tests: string[]
  }
  extra?: Record<string, unknown>
}

/** A Notification plugin payload (Gson, snake_case, nulls omitted). */
export function notification(
  job: string,
  number: number,
  phase: string,
  o: NotificationOptions = {}
): Record<string, unknown> {
  const path = JenkinsBuildsEmulator.buildPath(job, number)
  const jobPath = path.replace(/\d+\/$/, '')
  const root = o.jenkinsUrl ?? 'http://jenkins.invalid/'
  return {
    name: job.split('/').pop(),
    display_name: job.split('/').pop(),
    url: jobPath,
    build: {
      full_url: new URL(path, root.replace(/\/?$/, '/')).toString(),
      number,
      queue_id: number + 1000,
      timestamp: Date.now(),
      duration:
        phase === 'COMPLETED' || phase === 'FINALIZED'
          ? (o.duration ?? 61_234)
          : 0,
      phase,
      ...(o.status === undefined ? {} : { status: o.status }),
      url: path,
      scm: {
        url: 'https://github.com/lsst/stack.git',
        changes: [],
        culprits: []
      },
      parameters: o.parameters ?? { SHA: sha(`${job}#${number}`) },
      log: o.log ?? '',
      ...(o.tests === undefined ? {} : { test_summary: o.tests }),
      ...(o.extra ?? {})
    }
  }
}

export interface Posted {
  status: number
  json: Record<string, unknown>
}

/** POSTs a JSON body to the bridge, HMAC-signed unless `sign: false`. */
export async function post(
  url: string,
  body: unknown,
  o: { sign?: boolean; secret?: string; headers?: Record<string, string> } = {}
): Promise<Posted> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const r = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json;charset=UTF-8',
      ...(o.sign === false ? {} : signatureHeaders(o.secret ?? SECRET, text)),
      ...(o.headers ?? {})
    },
    body: text
  })
  const raw = await r.text()
  let json: Record<string, unknown> = {}
  try {
    json = JSON.parse(raw) as Record<string, unknown>
  } catch {
    json = { raw }
  }
  return { status: r.status, json }
}

/** Polls until `check` returns a truthy value; fails naming `what` after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  ms = 60_000
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end)
      throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface Harness {
  server: Server
  url: string
  slack: SlackEmulator
  github: GitHubEmulator
  jenkins: JenkinsBuildsEmulator
  log: MemoryLog
  dir: string
  stop(): Promise<void>
}

export interface HarnessOptions {
  routes: string
  env?: Record<string, string>
  slack?: SlackEmulatorOptions
  github?: GitHubEmulatorOptions
}

/** Starts the emulators and a bridge configured the way the service is. */
export async function startBridge(o: HarnessOptions): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bridge-'))
  const routesFile = join(dir, 'routes.yml')
  writeFileSync(routesFile, o.routes)
  const slack = new SlackEmulator(o.slack)
  const github = new GitHubEmulator(o.github)
  const jenkins = new JenkinsBuildsEmulator({ [JENKINS_USER]: JENKINS_TOKEN })
  await Promise.all([slack.start(), github.start(), jenkins.start()])
  const config = readBridgeConfig({
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_PORT: '0',
    BRIDGE_DB: join(dir, 'bridge.db'),
    BRIDGE_ROUTES: routesFile,
    BRIDGE_SECRET: SECRET,
    BRIDGE_URL_TOKEN: URL_TOKEN,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_API_URL: `${slack.url}/api/`,
    GITHUB_TOKEN,
    GITHUB_API_URL: github.url,
    JENKINS_URL: `${jenkins.url}/`,
    JENKINS_USER,
    JENKINS_TOKEN,
    BRIDGE_DRAIN_TIMEOUT: '2s',
    ...o.env
  })
  const log = new MemoryLog('debug')
  for (const s of config.secrets) log.masker.add(s)
  const routing = compileRouting(loadRoutingConfig(o.routes, routesFile))
  const server = new Server({
    config,
    routing,
    log,
    mask: (s) => {
      log.masker.add(s)
    }
  })
  const port = await server.start()
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    slack,
    github,
    jenkins,
    log,
    dir,
    stop: async () => {
      await server.stop(1000)
      await Promise.all([slack.stop(), github.stop(), jenkins.stop()])
    }
  }
}
