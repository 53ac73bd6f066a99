/**
 * Registry credentials and names: the registry a repository lives on, a
 * repository name checked as the engine checks it, credentials masked with
 * every form they travel in before anything is logged, and a login through
 * the engine before any work, so a wrong password fails in a second.
 */

import { DockerError, InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { basicAuthHeader } from '../core/secrets.js'
import { withTimeout } from '../core/retry.js'
import { dockerError, engineStatus, type DockerEngine } from './client.js'

/** What the engine needs to log in (X-Registry-Auth). */
export interface RegistryAuth {
  username: string
  password: string
  serveraddress: string
  /** The header value, computed once so it can be masked. */
  key: string
  /** X-Registry-Config for builds (base-image pulls), masked too. */
  config: string
}

/** `ghcr.io/lsst/scipipe` → `ghcr.io`; `lsst/scipipe` → Docker Hub. */
export function registryOf(repository: string): string {
  const first = repository.split('/')[0] ?? ''
  const explicit =
    repository.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost')
  return explicit ? first : 'docker.io'
}

const REPOSITORY =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/

/** Checks a repository name (no tag, no digest), as the engine would. */
export function checkRepository(repository: string, what: string): string {
  const value = repository.trim().replace(/\/+$/, '')
  if (!REPOSITORY.test(value)) {
    throw new InputError(
      `${what} ${JSON.stringify(repository)} is not an image repository`,
      {
        hint: 'give registry host and path in lower case, e.g. ghcr.io/lsst/scipipe or 127.0.0.1:5000/stack'
      }
    )
  }
  return value
}

/**
 * Credentials for the registry of `repository`, or undefined without a
 * username. The password, the Basic header and the engine's auth header
 * are masked here, before any caller can log them.
 */
export function registryAuth(
  repository: string,
  username: string | undefined,
  password: string | undefined,
  reporter: Reporter
): RegistryAuth | undefined {
  reporter.mask(password)
  if (username === undefined) {
    if (password !== undefined) {
      throw new InputError('a registry password was given without a username', {
        hint: 'give the username too (for GHCR: the GitHub user or the actor)'
      })
    }
    return undefined
  }
  if (password === undefined) {
    throw new InputError(
      `no registry password for user ${JSON.stringify(username)}`,
      {
        hint: 'give the password or token (action input password, or STACKCI_REGISTRY_PASSWORD / --password-stdin)'
      }
    )
  }
  // Docker Hub's credentials are keyed by its v1 index URL, as the CLI does.
  const host = registryOf(repository)
  const serveraddress =
    host === 'docker.io' ? 'https://index.docker.io/v1/' : host
  const json = JSON.stringify({ username, password, serveraddress })
  const key = Buffer.from(json)
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
  reporter.mask(key)
  reporter.mask(Buffer.from(json).toString('base64'))
  reporter.mask(basicAuthHeader(username, password).slice('Basic '.length))
  const config = Buffer.from(
    JSON.stringify({ [serveraddress]: { username, password, serveraddress } })
  ).toString('base64')
  reporter.mask(config)
  return { username, password, serveraddress, key, config }
}

/** Logs in through the engine; a refusal is a clear error, not a late push failure. */
export async function checkRegistryAuth(
  engine: DockerEngine,
  auth: RegistryAuth,
  reporter: Reporter
): Promise<void> {
  try {
    await withTimeout(
      async (abortSignal) => {
        await engine.docker.checkAuth({
          username: auth.username,
          password: auth.password,
          serveraddress: auth.serveraddress,
          abortSignal
        })
      },
      60_000,
      `log in to ${auth.serveraddress}`
    )
  } catch (error) {
    const status = engineStatus(error)
    if (
      status === 401 ||
      status === 403 ||
      /unauthorized|denied/i.test(String(error))
    ) {
      throw new DockerError(
        `registry ${auth.serveraddress} refused the credentials of user ${JSON.stringify(auth.username)}`,
        {
          hint: 'check the username and the password or token (it is not shown); a token also needs the right to push'
        }
      )
    }
    throw dockerError(engine, `log in to ${auth.serveraddress}`, error)
  }
  reporter.info(`logged in to ${auth.serveraddress} as ${auth.username}`)
}
