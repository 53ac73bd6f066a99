/**
 * The bridge's configuration, from environment variables only (twelve-factor,
 * and what systemd's EnvironmentFile and Docker's --env-file give).
 * {@link readBridgeConfig} is pure: it returns a typed config or throws one
 * ConfigError listing *every* missing or invalid variable, each with the fix.
 */

import { plural } from '../core/format.js'
import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError, type Problem } from '../core/errors.js'
import { EnvReader } from './env-reader.js'
import type { Env } from '../core/env.js'

export interface BridgeConfig {
  host: string
  port: number
  dbPath: string
  routesFile: string
  sync: 'full' | 'normal'
  maxBodyBytes: number
  /** Connections open at once; more wait in the kernel's backlog. */
  maxConnections: number
  /** Time a client has to send its request headers, then its body. */
  headersTimeoutMs: number
  bodyTimeoutMs: number
  drainTimeoutMs: number
  retentionMs: number
  maxAttempts: number
  log: { level: 'debug' | 'info' | 'warn' | 'error'; format: 'json' | 'text' }
  auth: { secret?: string; urlToken?: string }
  slack?: {
    token: string
    apiUrl: string
    intervalMs: number
    updatesPerMinute: number
  }
  github?: {
    /** A token (personal, or an installation token someone else renews). */
    token?: string
    /** A GitHub App: the bridge mints and renews installation tokens. */
    app?: { appId: string; installationId: string; privateKey: string }
    apiUrl: string
    mode: 'status' | 'checks' | 'both'
    perMinute: number
  }
  jenkins?: {
    url: string
    user?: string
    token?: string
    refetch: boolean
    logLines: number
  }
  /** Every secret value, for the log masker. */
  secrets: string[]
}

/** Variables that may instead be read from a file named by `<NAME>_FILE`. */
export const SECRET_VARIABLES = [
  'BRIDGE_SECRET',
  'BRIDGE_URL_TOKEN',
  'SLACK_BOT_TOKEN',
  'GITHUB_TOKEN',
  'GITHUB_APP_PRIVATE_KEY',
  'JENKINS_TOKEN'
] as const

/** Reads the bridge configuration from `env` (pure; throws ConfigError). */
export function readBridgeConfig(env: Env): BridgeConfig {
  const r = new EnvReader(env)
  const routesFile = r.string('BRIDGE_ROUTES')
  if (routesFile === undefined)
    r.fail(
      'BRIDGE_ROUTES',
      'is not set',
      'set BRIDGE_ROUTES to the path of your routes.yml (see jenkins-bridge/routes.example.yml)'
    )
  const auth = {
    secret: r.secret('BRIDGE_SECRET'),
    urlToken: r.secret('BRIDGE_URL_TOKEN')
  }
  if (
    r.string('BRIDGE_SECRET') === undefined &&
    r.string('BRIDGE_URL_TOKEN') === undefined
  )
    r.fail(
      'BRIDGE_SECRET',
      'is not set (nor BRIDGE_URL_TOKEN)',
      'set BRIDGE_SECRET to a random string (openssl rand -hex 32) for HMAC-signed events, and/or BRIDGE_URL_TOKEN for the Notification plugin'
    )
  const config: BridgeConfig = {
    host: r.string('BRIDGE_HOST') ?? '0.0.0.0',
    port: r.integer('BRIDGE_PORT', 8080, 0, 65535),
    dbPath: r.string('BRIDGE_DB') ?? 'jenkins-bridge.db',
    routesFile: routesFile ?? '',
    sync: r.choice('BRIDGE_SYNC', ['full', 'normal'] as const, 'full'),
    maxBodyBytes: r.bytes('BRIDGE_MAX_BODY', 1024 * 1024),
    maxConnections: r.integer('BRIDGE_MAX_CONNECTIONS', 256, 1, 100_000),
    headersTimeoutMs: r.duration('BRIDGE_HEADERS_TIMEOUT', '10s'),
    bodyTimeoutMs: r.duration('BRIDGE_BODY_TIMEOUT', '30s'),
    drainTimeoutMs: r.duration('BRIDGE_DRAIN_TIMEOUT', '10s'),
    retentionMs: r.duration('BRIDGE_RETENTION', '30d'),
    maxAttempts: r.integer('BRIDGE_MAX_ATTEMPTS', 10, 1, 1000),
    log: {
      level: r.choice(
        'BRIDGE_LOG_LEVEL',
        ['debug', 'info', 'warn', 'error'] as const,
        'info'
      ),
      format: r.choice('BRIDGE_LOG_FORMAT', ['json', 'text'] as const, 'json')
    },
    auth: {
      ...(auth.secret === undefined ? {} : { secret: auth.secret }),
      ...(auth.urlToken === undefined ? {} : { urlToken: auth.urlToken })
    },
    secrets: []
  }
  const slackToken = r.string('SLACK_BOT_TOKEN')
  const slackUrl = r.url('SLACK_API_URL', 'https://slack.com/api/')
  const slackInterval = r.duration('BRIDGE_SLACK_INTERVAL', '1s')
  const updates = r.integer('BRIDGE_SLACK_UPDATES_PER_MINUTE', 50, 1, 10000)
  if (slackToken !== undefined) {
    if (!slackToken.startsWith('xox'))
      r.fail(
        'SLACK_BOT_TOKEN',
        'does not look like a Slack token (xoxb-…)',
        'use the Bot User OAuth Token of your Slack app'
      )
    config.slack = {
      token: slackToken,
      apiUrl: (slackUrl ?? '').replace(/\/?$/, '/'),
      intervalMs: slackInterval,
      updatesPerMinute: updates
    }
  }
  const githubToken = r.string('GITHUB_TOKEN')
  const app = readGithubApp(r)
  if (githubToken !== undefined && app !== undefined)
    r.fail(
      'GITHUB_TOKEN',
      'is set, and so is a GitHub App (GITHUB_APP_*)',
      'use one: the App (needed for check runs) or the token'
    )
  const githubUrl = r.url('GITHUB_API_URL', 'https://api.github.com')
  const mode = r.choice(
    'BRIDGE_GITHUB_MODE',
    ['status', 'checks', 'both'] as const,
    app === undefined ? 'status' : 'checks'
  )
  const perMinute = r.integer('BRIDGE_GITHUB_PER_MINUTE', 80, 1, 100000)
  if (githubToken !== undefined || app !== undefined)
    config.github = {
      ...(githubToken === undefined ? {} : { token: githubToken }),
      ...(app === undefined ? {} : { app }),
      apiUrl: (githubUrl ?? '').replace(/\/$/, ''),
      mode,
      perMinute
    }
  if (config.slack === undefined && config.github === undefined)
    r.fail(
      'SLACK_BOT_TOKEN',
      'is not set (nor GITHUB_TOKEN, nor a GitHub App): there is nothing to relay to',
      'set SLACK_BOT_TOKEN and/or GITHUB_TOKEN (or GITHUB_APP_*)'
    )
  const jenkinsUrl = r.url('JENKINS_URL')
  const jenkinsUser = r.string('JENKINS_USER')
  const jenkinsToken = r.string('JENKINS_TOKEN')
  if ((jenkinsUser === undefined) !== (jenkinsToken === undefined))
    r.fail(
      jenkinsUser === undefined ? 'JENKINS_USER' : 'JENKINS_TOKEN',
      'is not set but its partner is',
      'set both JENKINS_USER and JENKINS_TOKEN (an API token), or neither'
    )
  const refetch = r.boolean('BRIDGE_REFETCH', jenkinsToken !== undefined)
  const logLines = r.integer('BRIDGE_LOG_LINES', 40, 0, 1000)
  if (jenkinsUrl !== undefined) {
    config.jenkins = {
      url: jenkinsUrl.replace(/\/?$/, '/'),
      refetch,
      logLines,
      ...(jenkinsUser === undefined ? {} : { user: jenkinsUser }),
      ...(jenkinsToken === undefined ? {} : { token: jenkinsToken })
    }
  } else if (jenkinsToken !== undefined || env.BRIDGE_REFETCH !== undefined) {
    r.fail(
      'JENKINS_URL',
      'is not set',
      'set JENKINS_URL to your Jenkins root URL (the bridge only fetches builds under it)'
    )
  }
  if (r.problems.length > 0) {
    throw new ConfigError(
      `jenkins-bridge configuration has ${plural(r.problems.length, 'problem')}`,
      { problems: r.problems, hint: 'see docs/bridge.md for every variable' }
    )
  }
  config.secrets = [
    auth.secret,
    auth.urlToken,
    slackToken,
    githubToken,
    app?.privateKey,
    jenkinsToken
  ].filter((s): s is string => s !== undefined)
  return config
}

/**
 * Fills `NAME` from the file named by `NAME_FILE` (systemd credentials,
 * Docker secrets) for each secret variable; an unreadable file is an error.
 */
export function loadSecretFiles(
  env: Env,
  read: (file: string) => string = (f) => readFileSync(f, 'utf8')
): Env {
  const out: Record<string, string | undefined> = { ...env }
  const problems: Problem[] = []
  for (const name of SECRET_VARIABLES) {
    const file = env[`${name}_FILE`]
    if (file === undefined || file === '' || (env[name] ?? '') !== '') continue
    try {
      out[name] = read(file).trim()
    } catch (error) {
      problems.push({
        where: { path: `${name}_FILE`, file },
        message: `cannot read ${name}_FILE: ${(error as Error).message}`,
        hint: `make ${file} readable by the bridge's user, or set ${name} instead`
      })
    }
  }
  if (problems.length > 0)
    throw new ConfigError('jenkins-bridge cannot read its secret files', {
      problems
    })
  return out
}

/** GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY, all or none. */
function readGithubApp(
  r: EnvReader
): NonNullable<BridgeConfig['github']>['app'] {
  const names = [
    'GITHUB_APP_ID',
    'GITHUB_APP_INSTALLATION_ID',
    'GITHUB_APP_PRIVATE_KEY'
  ] as const
  const [appId, installationId, pem] = names.map((n) => r.string(n))
  if (appId === undefined && installationId === undefined && pem === undefined)
    return undefined
  names.forEach((n, i) => {
    if ([appId, installationId, pem][i] === undefined)
      r.fail(
        n,
        'is not set, but other GITHUB_APP_* variables are',
        'set all three, or none'
      )
  })
  for (const [n, v] of [
    ['GITHUB_APP_ID', appId],
    ['GITHUB_APP_INSTALLATION_ID', installationId]
  ] as const)
    if (v !== undefined && !/^\d+$/.test(v))
      r.fail(
        n,
        `must be a number, got ${JSON.stringify(v)}`,
        'see the App’s settings page'
      )
  // A key pasted into one line keeps its line breaks as \n.
  const privateKey = pem?.replace(/\\n/g, '\n')
  if (privateKey !== undefined) {
    try {
      createPrivateKey(privateKey)
    } catch {
      r.fail(
        'GITHUB_APP_PRIVATE_KEY',
        'is not a PEM private key',
        'use the .pem file GitHub generated (GITHUB_APP_PRIVATE_KEY_FILE=/path/to/key.pem)'
      )
    }
  }
  if (
    appId === undefined ||
    installationId === undefined ||
    privateKey === undefined
  )
    return undefined
  return { appId, installationId, privateKey }
}
