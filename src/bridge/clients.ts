/**
 * The bridge's clients, built in one place from the configuration. Both SDKs
 * have their own retries turned off: the bridge's outbox retries with
 * per-channel pacing, and the SDKs' retries would pause every channel at once
 * (Slack) or retry where GitHub must not be (422). Their logs go to ours.
 */

import { Octokit } from '@octokit/rest'
import { LogLevel, WebClient, type Logger } from '@slack/web-api'
import type { BridgeConfig } from './config.js'
import type { GithubAppTokens } from './github-app.js'
import { HttpJenkinsSource, type JenkinsBuildSource } from './jenkins-source.js'
import type { Log } from './log.js'

const TIMEOUT_MS = 15_000

/** The SDK's logger, on ours. Its failures are logged by the relay instead. */
function slackLogger(log: Log): Logger {
  let level = LogLevel.INFO
  return {
    debug: (...m: unknown[]) => {
      log.debug(m.map(String).join(' '))
    },
    info: (...m: unknown[]) => {
      log.debug(m.map(String).join(' '))
    },
    warn: (...m: unknown[]) => {
      log.debug(m.map(String).join(' '))
    },
    error: (...m: unknown[]) => {
      log.debug(m.map(String).join(' '))
    },
    setLevel: (l: LogLevel) => {
      level = l
    },
    getLevel: () => level,
    setName: () => undefined
  }
}

export function createSlackClient(
  slack: NonNullable<BridgeConfig['slack']>,
  log: Log
): WebClient {
  return new WebClient(slack.token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: TIMEOUT_MS,
    logger: slackLogger(log.child({ component: 'slack-sdk' }))
  })
}

/**
 * Octokit for the configured token, or for a GitHub App: then every request
 * carries a current installation token from `tokens`.
 */
export function createOctokit(
  github: NonNullable<BridgeConfig['github']>,
  log: Log,
  tokens?: GithubAppTokens
): Octokit {
  const l = log.child({ component: 'octokit' })
  const octokit = new Octokit({
    ...(github.token === undefined ? {} : { auth: github.token }),
    baseUrl: github.apiUrl,
    userAgent: 'stackci-jenkins-bridge',
    log: {
      debug: (m: string) => {
        l.debug(m)
      },
      info: (m: string) => {
        l.debug(m)
      },
      warn: (m: string) => {
        l.warn(m)
      },
      error: (m: string) => {
        l.debug(m)
      }
    }
  })
  if (tokens !== undefined) {
    octokit.hook.before('request', async (options) => {
      options.headers.authorization = `token ${await tokens.token()}`
    })
  }
  return octokit
}

export function createJenkinsSource(
  jenkins: NonNullable<BridgeConfig['jenkins']>,
  mask: (secret: string) => void
): JenkinsBuildSource {
  return new HttpJenkinsSource({
    url: jenkins.url,
    ...(jenkins.user === undefined ? {} : { user: jenkins.user }),
    ...(jenkins.token === undefined ? {} : { token: jenkins.token }),
    timeoutMs: TIMEOUT_MS,
    mask
  })
}
