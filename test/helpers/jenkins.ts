import { expect } from '@jest/globals'
import { RecordingReporter } from '../../src/core/reporter.js'
import { basicAuthHeader } from '../../src/core/secrets.js'
import { JenkinsClient } from '../../src/jenkins/client.js'
import { DEFAULT_POLL_POLICY, type PollPolicy } from '../../src/jenkins/poll.js'
import {
  JenkinsEmulator,
  type EmulatorOptions
} from '../emulators/jenkins/index.js'

/** The bot the tests log in as; the token has Jenkins' API-token shape. */
export const USER = 'ci-bot'
export const TOKEN = '11a7d3c0ffee5ec2e7a5a1e0b2c3d4e5f6'
export const PASSWORD = 'correct horse battery staple'
export const BASIC = basicAuthHeader(USER, TOKEN)

/** Every form a secret could leak in. */
export const SECRET_FORMS = [
  TOKEN,
  BASIC,
  BASIC.slice('Basic '.length),
  PASSWORD,
  basicAuthHeader(USER, PASSWORD).slice('Basic '.length)
]

/** Fails when any form of the test secrets appears in `text`. */
export function expectNoSecrets(text: string): void {
  for (const secret of SECRET_FORMS) expect(text).not.toContain(secret)
}

/** Polls fast in emulated time: tests run at a large time scale. */
export const TEST_POLICY: PollPolicy = { ...DEFAULT_POLL_POLICY }

export async function startJenkins(
  options: EmulatorOptions = {}
): Promise<JenkinsEmulator> {
  return JenkinsEmulator.start({
    timeScale: 50,
    quietPeriodMs: 2000,
    users: { [USER]: { token: TOKEN, password: PASSWORD } },
    ...options
  })
}

export function clientFor(
  jenkins: JenkinsEmulator,
  reporter = new RecordingReporter(),
  options: { token?: string; user?: string; requestTimeoutMs?: number } = {}
): JenkinsClient {
  return new JenkinsClient({
    url: jenkins.baseUrl,
    user: options.user ?? USER,
    token: options.token ?? TOKEN,
    reporter,
    clock: jenkins.clock,
    requestTimeoutMs: options.requestTimeoutMs ?? 2000
  })
}

/** A log of `lines` lines spread evenly over `durationMs`. */
export function evenLog(
  lines: number,
  durationMs: number,
  text = (i: number) => `step ${i}: ok\n`
): { at: number; text: string }[] {
  return Array.from({ length: lines }, (_, i) => ({
    at: Math.round(((i + 1) * durationMs) / (lines + 1)),
    text: text(i)
  }))
}
