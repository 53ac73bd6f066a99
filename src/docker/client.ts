/**
 * The Docker engine client: dockerode with an explicit endpoint (never an
 * implicit default buried in a library), every API call under a timeout,
 * transient faults retried a bounded number of times, and engine errors
 * turned into {@link DockerError}s that say what failed, where, and what to
 * do about it.
 */

import type Docker from 'dockerode'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DockerError, InputError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import {
  describeRetry,
  networkErrorCode,
  retry,
  withTimeout
} from '../core/retry.js'
import type { Env } from '../core/env.js'

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'

export interface DockerEngine {
  docker: Docker
  /** Where the engine is, for messages (`unix:///var/run/docker.sock`). */
  host: string
}

/**
 * Connects to `host` (`unix:///path`, `tcp://host:port` or a socket path),
 * else `DOCKER_HOST`, else the local socket. `DOCKER_TLS_VERIFY` and
 * `DOCKER_CERT_PATH` add TLS to tcp hosts, as for the docker CLI.
 */
export async function connectDocker(
  host?: string,
  env: Env = process.env
): Promise<DockerEngine> {
  // Loaded on first use: dockerode (with ssh2 and the BuildKit protocol)
  // would add most of a second to every other stackci command.
  const { default: Docker } = await import('dockerode')
  const spec = host ?? env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST
  if (spec.startsWith('/')) {
    return { docker: new Docker({ socketPath: spec }), host: `unix://${spec}` }
  }
  if (spec.startsWith('unix://')) {
    return {
      docker: new Docker({ socketPath: spec.slice('unix://'.length) }),
      host: spec
    }
  }
  const tcp = /^(?:tcp|https?):\/\/([^:/]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(
    spec
  )
  if (tcp?.[1] !== undefined) {
    const tls = (env.DOCKER_TLS_VERIFY ?? '') !== '' || spec.startsWith('https')
    const certs = env.DOCKER_CERT_PATH
    return {
      docker: new Docker({
        host: tcp[1],
        port: Number(tcp[2] ?? (tls ? 2376 : 2375)),
        protocol: tls ? 'https' : 'http',
        ...(tls && certs !== undefined
          ? {
              ca: readFileSync(join(certs, 'ca.pem')),
              cert: readFileSync(join(certs, 'cert.pem')),
              key: readFileSync(join(certs, 'key.pem'))
            }
          : {})
      }),
      host: spec
    }
  }
  throw new InputError(`cannot use Docker host ${JSON.stringify(spec)}`, {
    hint: 'give unix:///var/run/docker.sock or tcp://HOST:PORT'
  })
}

/** The engine's own message in a dockerode error. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: unknown }).json
  if (typeof json === 'object' && json !== null) {
    const message = (json as { message?: unknown }).message
    if (typeof message === 'string') return message.trim()
  }
  if (Buffer.isBuffer(json)) return json.toString().trim()
  return errorMessage(error)
    .replace(/^\(HTTP code \d+\) [^-]*- /, '')
    .trim()
}

/** The HTTP status of a dockerode error, if the engine answered. */
export function engineStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode
  return typeof status === 'number' ? status : undefined
}

/** Turns a dockerode failure of `what` into a DockerError with a hint. */
export function dockerError(
  engine: DockerEngine,
  what: string,
  error: unknown
): DockerError {
  if (error instanceof DockerError || error instanceof InputError)
    return error as DockerError
  const code = (error as { code?: unknown }).code
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
    return new DockerError(
      `cannot reach the Docker engine at ${engine.host} (${code}) to ${what}`,
      {
        where: { url: engine.host },
        hint:
          code === 'EACCES'
            ? 'this user may not use the socket: join the docker group or use sudo'
            : 'start dockerd (npm test starts one: scripts/services.sh ensure_docker) or point DOCKER_HOST at a running engine',
        cause: error
      }
    )
  }
  const status = engineStatus(error)
  return new DockerError(
    `Docker engine could not ${what}: ${engineMessage(error)}${status === undefined ? '' : ` (HTTP ${status})`}`,
    { where: { url: engine.host }, cause: error }
  )
}

/** Faults worth another try: the engine restarting, or its 502/503/504. */
function transientEngineFault(error: unknown): boolean {
  const status = engineStatus(error)
  if (status !== undefined) return [502, 503, 504].includes(status)
  return networkErrorCode(error) !== undefined
}

export interface CallOptions {
  timeoutMs?: number
  retries?: number
  signal?: AbortSignal
}

/**
 * A short engine API call (`inspect`, `tag`, `ping`, …): timed out, retried
 * on transient faults, failures as {@link DockerError}.
 */
export async function engineCall<T>(
  engine: DockerEngine,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
  reporter: Reporter,
  options: CallOptions = {}
): Promise<T> {
  try {
    return await retry(
      async () =>
        withTimeout(
          fn,
          options.timeoutMs ?? 60_000,
          `Docker: ${what}`,
          options.signal
        ),
      {
        retries: options.retries ?? 3,
        minDelayMs: 500,
        shouldRetry: transientEngineFault,
        onRetry: (info) => {
          reporter.warning(describeRetry(`Docker: ${what}`, info))
        },
        ...(options.signal === undefined ? {} : { signal: options.signal })
      }
    )
  } catch (error) {
    throw dockerError(engine, what, error)
  }
}

/** Calls dockerode accepts a signal for, though its types do not say so. */
interface SignalledCalls {
  version(options: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion>
}

/** Checks the engine answers; logs its version. */
export async function checkEngine(
  engine: DockerEngine,
  reporter: Reporter
): Promise<void> {
  const version = await engineCall(
    engine,
    'report its version',
    async (abortSignal) =>
      (engine.docker as unknown as SignalledCalls).version({ abortSignal }),
    reporter,
    { timeoutMs: 15_000 }
  )
  reporter.info(
    `Docker engine ${version.Version} (API ${version.ApiVersion}) at ${engine.host}`
  )
}
