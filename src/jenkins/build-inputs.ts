/**
 * The `jenkins-build` action's inputs, read and checked in one place (keys
 * mirror action.yml), the client factory, and the parameter syntax shared
 * with the CLI.
 */

import { jsyaml } from '../core/js-yaml.js'
import type { ActionInputs } from '../core/action-inputs.js'
import { InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { basicAuthHeader } from '../core/secrets.js'
import { JenkinsClient } from './client.js'
import type { BuildParameters } from './trigger.js'
import { parseFailOn } from './results.js'
import type { JenkinsBuildRequest } from './run-build.js'
import type { BuildResult } from './types.js'

export interface JenkinsBuildInputs {
  url: string
  user: string | undefined
  token: string | undefined
  job: string
  parameters: BuildParameters
  wait: boolean
  /** ms */
  timeout: number
  'stream-log': boolean
  'fail-on': ReadonlySet<BuildResult>
  'cancel-on-abort': boolean
}

/** GitHub's own limit on a job; a longer wait makes no sense in an action. */
export const DEFAULT_TIMEOUT_MS = 6 * 3_600_000

/** Masks a token and the Basic header made from it, before anything is logged. */
export function maskCredentials(
  reporter: Reporter,
  user: string | undefined,
  token: string | undefined
): void {
  reporter.mask(token)
  if (token === undefined) return
  const header = basicAuthHeader(user ?? '', token)
  reporter.mask(header)
  reporter.mask(header.slice('Basic '.length))
}

/** Reads every input; masks the token and its Basic header before anything is logged. */
export function readJenkinsBuildInputs(
  input: ActionInputs,
  reporter: Reporter
): JenkinsBuildInputs {
  const token = input.string('token')
  const user = input.string('user')
  maskCredentials(reporter, user, token)
  if (token !== undefined && user === undefined) {
    input.fail(
      'user',
      'is required when a token is given (the token belongs to a user)'
    )
  }
  return {
    url: input.required('url'),
    user,
    token,
    job: input.required('job'),
    parameters: parseParameters(
      input.string('parameters'),
      `${input.action}: input 'parameters'`
    ),
    wait: input.boolean('wait', true),
    timeout: input.duration('timeout') ?? DEFAULT_TIMEOUT_MS,
    'stream-log': input.boolean('stream-log', true),
    'fail-on': parseFailOn(
      input.list('fail-on'),
      `${input.action}: input 'fail-on'`
    ),
    'cancel-on-abort': input.boolean('cancel-on-abort', true)
  }
}

/** The client for these inputs, reporting retries to `reporter`. */
export function jenkinsClientFor(
  inputs: Pick<JenkinsBuildInputs, 'url' | 'user' | 'token'>,
  reporter: Reporter
): JenkinsClient {
  return new JenkinsClient({
    url: inputs.url,
    reporter,
    ...(inputs.user === undefined ? {} : { user: inputs.user }),
    ...(inputs.token === undefined ? {} : { token: inputs.token })
  })
}

export function buildRequestFor(
  inputs: JenkinsBuildInputs
): JenkinsBuildRequest {
  return {
    job: inputs.job,
    parameters: inputs.parameters,
    wait: inputs.wait,
    timeoutMs: inputs.timeout,
    streamLog: inputs['stream-log'],
    failOn: inputs['fail-on'],
    cancelOnAbort: inputs['cancel-on-abort']
  }
}

/** `KEY=value` with a plain name before the first `=` (no `:`). */
const KEY_VALUE = /^[^\s=:#][^=:]*=/

/**
 * Build parameters from text: `KEY=value` lines (the value is everything
 * after the first `=`, trimmed), or a YAML map whose values are kept as
 * written (`SHA: 0123` stays "0123"; quote to keep outer spaces).
 */
export function parseParameters(
  text: string | undefined,
  what: string
): BuildParameters {
  if (text === undefined || text.trim() === '') return []
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  const pairs: [string, string][] = lines.every((l) => KEY_VALUE.test(l))
    ? lines.map((l) => {
        const eq = l.indexOf('=')
        return [l.slice(0, eq).trim(), l.slice(eq + 1).trim()]
      })
    : yamlPairs(text, what)
  const seen = new Set<string>()
  for (const [key] of pairs) {
    if (seen.has(key)) throw new InputError(`${what} sets ${key} twice`)
    seen.add(key)
  }
  return pairs
}

function yamlPairs(text: string, what: string): [string, string][] {
  let value: unknown
  try {
    // failsafe: every scalar stays the string it was written as.
    value = jsyaml().load(text, { schema: jsyaml().FAILSAFE_SCHEMA })
  } catch (error) {
    throw new InputError(
      `${what} is neither KEY=value lines nor a YAML map: ${(error as Error).message.split('\n')[0] ?? ''}`
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `${what} must be KEY=value lines or a YAML map, got ${JSON.stringify(text.slice(0, 60))}`,
      {
        hint: 'one parameter per line, e.g. SHA=${{ github.sha }}'
      }
    )
  }
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => {
    // `KEY:` with nothing after it is an empty parameter.
    if (v === null) return [k, '']
    if (typeof v !== 'string') {
      throw new InputError(
        `${what}: parameter ${k} must be a single value, not a list or map`
      )
    }
    return [k, v]
  })
}

/** One `--param K=V` flag. */
export function parseParamFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=')
  if (eq <= 0) {
    throw new InputError(
      `--param must be KEY=VALUE, got ${JSON.stringify(flag)}`
    )
  }
  return [flag.slice(0, eq).trim(), flag.slice(eq + 1)]
}
