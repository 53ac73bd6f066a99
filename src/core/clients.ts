/**
 * The GitHub and Slack clients, built the same way for every step and door
 * (metrics, the pipeline's Slack thread, alerts): API base URLs from the environment (GitHub Enterprise,
 * emulators), timeouts, bounded retries, and SDK logging routed to the
 * Reporter's debug level (never to stdout). The SDKs are loaded when a client
 * is first made: a run that posts nothing never pays for them (they are the
 * largest part of an action's bundle).
 */

import type { Octokit } from '@octokit/rest'
import type { Logger, WebClient } from '@slack/web-api'
import type { Reporter } from './reporter.js'
import type { Env } from './env.js'

export async function makeOctokit(
  token: string,
  env: Env,
  reporter: Reporter
): Promise<Octokit> {
  reporter.mask(token)
  const { Octokit } = await import('@octokit/rest')
  const debug = (message: string): void => {
    reporter.debug(`octokit: ${message}`)
  }
  return new Octokit({
    auth: token,
    baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    userAgent: 'stackci-dispatch-metrics',
    log: { debug, info: debug, warn: debug, error: debug }
  })
}

export async function makeSlackClient(
  token: string,
  env: Env,
  reporter: Reporter
): Promise<WebClient> {
  reporter.mask(token)
  const { LogLevel, WebClient } = await import('@slack/web-api')
  const debug = (...messages: unknown[]): void => {
    reporter.debug(`slack: ${messages.map(String).join(' ')}`)
  }
  const logger: Logger = {
    debug,
    info: debug,
    warn: debug,
    error: debug,
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined
  }
  const url = env.STACKCI_SLACK_API_URL
  return new WebClient(token, {
    ...(url === undefined || url === '' ? {} : { slackApiUrl: url }),
    timeout: 30_000,
    // 429s wait for Retry-After inside the SDK; other faults, 3 tries.
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
    logger
  })
}
