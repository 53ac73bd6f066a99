/**
 * `docker build` through the engine API: the context streamed as it is
 * packed, the classic builder (so step numbers map to Dockerfile lines),
 * build args, target, no-cache and labels, the log shown live with step
 * progress, and a {@link BuildStepError} naming the failing step, its line
 * and the last log lines when it fails.
 */

import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import { displayPath } from '../core/glob.js'
import type { Progress, Reporter } from '../core/reporter.js'
import { formatBytes, formatMs } from '../core/format.js'
import { withTimeout } from '../core/retry.js'
import { BuildLog, engineMessages } from './build-log.js'
import { dockerError, type DockerEngine } from './client.js'
import { packContext, type ContextStats } from './context.js'
import { buildSteps, parseDockerfile } from './dockerfile.js'

export interface BuildOptions {
  /** The context directory. */
  context: string
  /** The Dockerfile; default `<context>/Dockerfile`. */
  dockerfile?: string | undefined
  /** Full references to tag the image with (`repo:tag`). */
  tags: readonly string[]
  buildArgs?: Readonly<Record<string, string>> | undefined
  labels?: Readonly<Record<string, string>> | undefined
  /** The stage to stop at. */
  target?: string | undefined
  /** Ignore the build cache. */
  noCache?: boolean | undefined
  /** Give up after this long (default 6 h). */
  timeoutMs?: number | undefined
  signal?: AbortSignal | undefined
  /**
   * Credentials for pulling base images (X-Registry-Config), already
   * base64-encoded so the caller could mask exactly what is sent.
   */
  registryConfig?: string | undefined
}

export interface BuildResult {
  /** `sha256:…` */
  imageId: string
  tags: string[]
  context: ContextStats
  steps: number
  durationMs: number
}

export const DEFAULT_BUILD_TIMEOUT_MS = 6 * 3600_000

/** Builds an image; see the module comment. */
export async function buildImage(
  engine: DockerEngine,
  options: BuildOptions,
  reporter: Reporter
): Promise<BuildResult> {
  const started = Date.now()
  const dockerfilePath = resolve(
    options.dockerfile ?? join(options.context, 'Dockerfile')
  )
  const shown = displayPath(dockerfilePath)
  const text = await readFile(dockerfilePath, 'utf8').catch(() => {
    throw new InputError(`cannot read the Dockerfile ${shown}`, {
      hint: 'check the path given as the Dockerfile (--file, input dockerfile)'
    })
  })
  const steps = buildSteps(parseDockerfile(text), options.target)
  const packed = await packContext({
    dir: options.context,
    dockerfile: dockerfilePath
  })
  const upload = reporter.progress('sending build context')
  const ticker = setInterval(() => {
    upload.update(packed.stats.files, formatBytes(packed.stats.bytes))
  }, 1000)
  let stepProgress: Progress | undefined
  const log = new BuildLog({
    onLine: (line) => {
      reporter.info(line)
    },
    onStep: (index, total, text) => {
      stepProgress ??= reporter.progress('build step', total)
      stepProgress.update(index, text)
    }
  })
  const timeoutMs = options.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS
  let packError: unknown
  let packed_ = false
  const sent = packed.done.then(
    () => {
      packed_ = true
      clearInterval(ticker)
      upload.done(
        `sent build context: ${packed.stats.files} files, ${formatBytes(packed.stats.bytes)}`
      )
    },
    (error: unknown) => {
      packError = error
    }
  )
  const run = async (abortSignal: AbortSignal): Promise<void> => {
    const response = await engine.docker.buildImage(packed.stream, {
      // dockerode sends an array as repeated t= parameters.
      t: options.tags as unknown as string,
      dockerfile: packed.dockerfile,
      buildargs: { ...options.buildArgs },
      labels: { ...options.labels },
      ...(options.target === undefined ? {} : { target: options.target }),
      nocache: options.noCache === true,
      rm: true,
      forcerm: true,
      version: '1',
      abortSignal,
      ...(options.registryConfig === undefined
        ? {}
        : { registryconfig: { base64: options.registryConfig } as never })
    })
    // The log is read while the context is still going out: the engine
    // may answer (and stop reading) early, on an error.
    for await (const message of engineMessages(response)) {
      log.add(message)
    }
    log.end()
  }
  // Ends the upload when the engine stopped reading early, and returns
  // the packing's own error (an unreadable file), if that is what failed.
  const settle = async (): Promise<unknown> => {
    const own = packError
    clearInterval(ticker)
    if (!packed_) packed.stream.destroy()
    await sent
    return own
  }
  try {
    await withTimeout(run, timeoutMs, 'docker build', options.signal)
  } catch (error) {
    const own = await settle()
    if (own !== undefined) throw own as Error
    if (log.error === undefined) throw dockerError(engine, 'build', error)
  }
  await settle()
  stepProgress?.done(
    log.error === undefined
      ? `${log.step?.total ?? 0} steps done`
      : `stopped at step ${log.step?.index ?? 0}`
  )
  if (log.error !== undefined || log.imageId === undefined) {
    throw log.failure(shown, steps)
  }
  const durationMs = Date.now() - started
  reporter.info(
    `built ${log.imageId} in ${formatMs(durationMs)}${options.tags.length > 0 ? `, tagged ${options.tags.join(', ')}` : ''}`
  )
  return {
    imageId: log.imageId,
    tags: [...options.tags],
    context: { ...packed.stats },
    steps: log.step?.total ?? steps.length,
    durationMs
  }
}
