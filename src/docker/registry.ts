/**
 * Pushing and pulling through the engine: pushes that report the pushed
 * digest and retry transient registry faults (never an auth refusal), the
 * digest a remote tag points at, and pulls by tag or digest.
 */

import { DockerError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { describeRetry, retry, withTimeout } from '../core/retry.js'
import {
  engineMessages,
  messageError,
  type EngineMessage
} from './build-log.js'
import {
  dockerError,
  engineCall,
  engineStatus,
  type DockerEngine
} from './client.js'
import type { RegistryAuth } from './registry-auth.js'

export * from './registry-auth.js'

/** A registry error worth pushing again: 5xx, 429, a dropped connection. */
export function transientRegistryError(message: string): boolean {
  if (
    /unauthorized|denied|forbidden|not found|manifest invalid|name invalid/i.test(
      message
    )
  )
    return false
  return /\b(429|500|502|503|504)\b|too many requests|service unavailable|bad gateway|gateway time-?out|connection reset|connection refused|broken pipe|\bEOF\b|i\/o timeout|TLS handshake timeout/i.test(
    message
  )
}

function pushHint(
  message: string,
  auth: RegistryAuth | undefined
): string | undefined {
  if (/unauthorized|authentication required|no basic auth/i.test(message)) {
    return auth === undefined
      ? 'this registry needs credentials: give username and password'
      : 'the registry refused these credentials: check the username and token'
  }
  if (/denied/i.test(message)) {
    return 'the credentials may not push to this repository: check its permissions'
  }
  return undefined
}

/** Runs one engine stream (push/pull) to its end; throws its error message. */
async function followStream(
  stream: NodeJS.ReadableStream,
  onMessage: (m: EngineMessage) => void
): Promise<void> {
  for await (const message of engineMessages(stream)) {
    const error = messageError(message)
    if (error !== undefined) throw new Error(error.trim())
    onMessage(message)
  }
}

export interface PushOptions {
  retries?: number
  /** Per attempt (default 30 min). */
  timeoutMs?: number
  signal?: AbortSignal
}

/** Pushes `repository:tag` for each tag; returns the digest of each. */
export async function pushTags(
  engine: DockerEngine,
  repository: string,
  tags: readonly string[],
  auth: RegistryAuth | undefined,
  reporter: Reporter,
  options: PushOptions = {}
): Promise<{ tag: string; digest: string }[]> {
  const out: { tag: string; digest: string }[] = []
  for (const tag of tags) {
    const ref = `${repository}:${tag}`
    let attemptMessage = ''
    const digest = await retry(
      async () => {
        let found: string | undefined
        const push = async (abortSignal: AbortSignal): Promise<void> => {
          const stream = await engine.docker.getImage(repository).push({
            tag,
            abortSignal,
            ...(auth === undefined
              ? {}
              : { authconfig: { key: auth.key } as never })
          })
          await followStream(stream, (m) => {
            if (m.aux?.Digest !== undefined) found = m.aux.Digest
            else if (
              m.id !== undefined &&
              m.progress === undefined &&
              m.status !== undefined
            )
              reporter.debug(`${ref}: ${m.id}: ${m.status}`)
          })
        }
        try {
          await withTimeout(
            push,
            options.timeoutMs ?? 1800_000,
            `push ${ref}`,
            options.signal
          )
        } catch (error) {
          attemptMessage =
            error instanceof Error ? error.message : String(error)
          throw error
        }
        if (found === undefined)
          throw new Error(`the engine reported no digest for ${ref}`)
        return found
      },
      {
        retries: options.retries ?? 3,
        minDelayMs: 1000,
        shouldRetry: (error) =>
          engineStatus(error) === undefined &&
          transientRegistryError(
            error instanceof Error ? error.message : String(error)
          ),
        onRetry: (info) => {
          reporter.warning(describeRetry(`push ${ref}`, info))
        },
        ...(options.signal === undefined ? {} : { signal: options.signal })
      }
    ).catch((error: unknown) => {
      if (engineStatus(error) === 404) {
        throw new DockerError(`there is no local image ${ref} to push`, {
          hint: 'build it first, or give the image to promote as promote-from'
        })
      }
      if (engineStatus(error) !== undefined)
        throw dockerError(engine, `push ${ref}`, error)
      const hint = pushHint(attemptMessage, auth)
      throw new DockerError(
        `push of ${ref} failed: ${attemptMessage}`,
        hint === undefined ? {} : { hint }
      )
    })
    reporter.info(`pushed ${ref} (${digest})`)
    out.push({ tag, digest })
  }
  return out
}

/** The digest `repository:tag` has in its registry now, or undefined if none. */
export async function remoteDigest(
  engine: DockerEngine,
  ref: string,
  auth: RegistryAuth | undefined,
  reporter: Reporter
): Promise<string | undefined> {
  try {
    const info = await engineCall(
      engine,
      `look up ${ref} in its registry`,
      async (abortSignal) =>
        engine.docker.getImage(ref).distribution({
          abortSignal,
          ...(auth === undefined
            ? {}
            : { authconfig: { key: auth.key } as never })
        }),
      reporter,
      { retries: 2 }
    )
    return info.Descriptor.digest
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause
    if ([401, 403, 404].includes(engineStatus(cause) ?? 0)) return undefined
    throw error
  }
}

/** Pulls `ref` (a tag or a digest reference) into the engine. */
export async function pullImage(
  engine: DockerEngine,
  ref: string,
  auth: RegistryAuth | undefined,
  reporter: Reporter
): Promise<void> {
  reporter.info(`pulling ${ref}`)
  try {
    await withTimeout(
      async (abortSignal) => {
        // Credentials go as the 4th argument: in the options they would
        // also be sent in the query string.
        const pull = engine.docker.pull.bind(engine.docker) as unknown as (
          ref: string,
          options: object,
          callback: undefined,
          auth?: { key: string }
        ) => Promise<NodeJS.ReadableStream>
        const stream = await pull(
          ref,
          { abortSignal },
          undefined,
          auth === undefined ? undefined : { key: auth.key }
        )
        await followStream(stream, () => undefined)
      },
      1800_000,
      `pull ${ref}`
    )
  } catch (error) {
    if (engineStatus(error) !== undefined)
      throw dockerError(engine, `pull ${ref}`, error)
    throw new DockerError(
      `pull of ${ref} failed: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}
