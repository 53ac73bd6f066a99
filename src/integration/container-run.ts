/**
 * One container, start to gone: created with its mounts, limits, network
 * and labels; a writable output directory made in it before it starts;
 * attached before it starts (so no line is lost); killed when the timeout
 * passes or the caller cancels; inspected to tell an exit from an OOM kill;
 * its outputs copied out; and removed whatever happened.
 */

import type Docker from 'dockerode'
import { DockerError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { formatMs } from '../core/format.js'
import {
  dockerError,
  engineCall,
  engineStatus,
  type DockerEngine
} from '../docker/client.js'
import { Demuxer, LineCollector, type StreamName } from './container-log.js'

export interface Mount {
  source: string
  target: string
  readOnly: boolean
}

export interface ContainerSpec {
  name: string
  image: string
  /** The argv; undefined runs the image's own CMD. */
  argv?: string[] | undefined
  env: string[]
  workdir?: string | undefined
  user?: string | undefined
  mounts: Mount[]
  /** Made writable by anyone (mode 1777) before the start. */
  outputPath: string
  /**
   * A host directory, writable by anyone, bound at `outputPath` instead, as
   * `docker run -v` does: nothing is copied into the container, and
   * `collect` reads the directory. It spares the engine mounting the
   * container's file system twice (to make the directory, to copy it out).
   */
  outputDir?: string | undefined
  /** Bytes; swap is not given on top, so the limit is the limit. */
  memory?: number | undefined
  cpus?: number | undefined
  network: string
  labels: Record<string, string>
  timeoutMs: number
}

/** How a container ended. */
export type Ending = 'exited' | 'timeout' | 'oom' | 'cancelled'

export interface ContainerOutcome<T> {
  ending: Ending
  /** The process's exit status (137 after a kill). */
  exitCode: number | undefined
  /** From the start to the end of the process. */
  durationMs: number
  logTail: string[]
  /** What `collect` returned; undefined when cancelled. */
  collected: T | undefined
}

export interface RunContainerOptions<T> {
  reporter: Reporter
  onLine: (line: string, stream: StreamName) => void
  /** Copies the outputs out of the stopped container, before removal. */
  collect: (container: Docker.Container) => Promise<T>
  signal?: AbortSignal | undefined
  /** Lines kept for the failure message. */
  tailLines?: number
}

/** How long a killed container may take to be reported stopped. */
const STOP_WAIT_MS = 30_000

/** A tar holding one empty directory, writable by every user. */
async function outputDirTar(path: string): Promise<Buffer> {
  const { pack } = await import('tar-stream')
  const tar = pack()
  tar.entry({
    name: `${path.replace(/^\//, '')}/`,
    type: 'directory',
    mode: 0o1777
  })
  tar.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of tar) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function createOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.argv === undefined ? {} : { Cmd: spec.argv }),
    Env: spec.env,
    ...(spec.workdir === undefined ? {} : { WorkingDir: spec.workdir }),
    ...(spec.user === undefined ? {} : { User: spec.user }),
    Labels: spec.labels,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: {
      Mounts: [
        ...spec.mounts,
        ...(spec.outputDir === undefined
          ? []
          : [
              {
                source: spec.outputDir,
                target: spec.outputPath,
                readOnly: false
              }
            ])
      ].map((m) => ({
        Type: 'bind' as const,
        Source: m.source,
        Target: m.target,
        ReadOnly: m.readOnly
      })),
      NetworkMode: spec.network,
      ...(spec.memory === undefined
        ? {}
        : { Memory: spec.memory, MemorySwap: spec.memory }),
      ...(spec.cpus === undefined
        ? {}
        : { NanoCpus: Math.round(spec.cpus * 1e9) })
    }
  }
}

/**
 * One call on a container that may already be gone: true when done, false
 * when the engine answered one of `tolerated` (404 gone, 409 not running).
 */
async function onContainer(
  engine: DockerEngine,
  container: Docker.Container,
  action: 'kill' | 'remove',
  reporter: Reporter,
  tolerated: readonly number[]
): Promise<boolean> {
  try {
    await engineCall(
      engine,
      `${action} container ${container.id.slice(0, 12)}`,
      async (abortSignal) => {
        if (action === 'kill')
          await container.kill({ signal: 'SIGKILL', abortSignal })
        else await container.remove({ force: true, v: true, abortSignal })
      },
      reporter,
      { timeoutMs: action === 'kill' ? 15_000 : 30_000 }
    )
    return true
  } catch (error) {
    const status = engineStatus((error as Error).cause)
    if (status !== undefined && tolerated.includes(status)) return false
    throw error
  }
}

/** Kills, ignoring a container that already stopped or is gone. */
async function kill(
  engine: DockerEngine,
  container: Docker.Container,
  reporter: Reporter
): Promise<void> {
  await onContainer(engine, container, 'kill', reporter, [404, 409])
}

/** Removes the container (and its anonymous volumes); never throws. */
export async function removeContainer(
  engine: DockerEngine,
  container: Docker.Container,
  reporter: Reporter
): Promise<boolean> {
  try {
    // Gone already (404) is as good as removed.
    await onContainer(engine, container, 'remove', reporter, [404])
    return true
  } catch (error) {
    reporter.warning(
      `${errorMessage(error)} (it is labelled for the clean-up sweep and the post step)`
    )
    return false
  }
}

/** Runs `spec` to its end; see the module comment. */
export async function runContainer<T>(
  engine: DockerEngine,
  spec: ContainerSpec,
  options: RunContainerOptions<T>
): Promise<ContainerOutcome<T>> {
  const { reporter, signal } = options
  const container = await engineCall(
    engine,
    `create container ${spec.name}`,
    async () => engine.docker.createContainer(createOptions(spec)),
    reporter,
    { retries: 0 }
  )
  const lines = new LineCollector(options.onLine, options.tailLines ?? 20)
  const demux = new Demuxer(lines)
  try {
    if (spec.outputDir === undefined) {
      const tar = await outputDirTar(spec.outputPath)
      await engineCall(
        engine,
        `make ${spec.outputPath} in ${spec.name}`,
        async (abortSignal) =>
          container.putArchive(tar, { path: '/', abortSignal }),
        reporter
      )
    }
    const stream = await engineCall(
      engine,
      `attach to ${spec.name}`,
      async () =>
        container.attach({ stream: true, stdout: true, stderr: true }),
      reporter,
      { retries: 0 }
    )
    const streamEnded = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        demux.write(chunk)
      })
      stream.on('end', resolve)
      stream.on('close', resolve)
      stream.on('error', () => {
        resolve()
      })
    })
    // next-exit, asked before the start: `not-running` would answer at
    // once for a container that has not started yet.
    const exited = container.wait({ condition: 'next-exit' }) as Promise<{
      StatusCode?: number
    }>
    exited.catch(() => undefined)
    if (signal?.aborted === true) {
      return {
        ending: 'cancelled',
        exitCode: undefined,
        durationMs: 0,
        logTail: [],
        collected: undefined
      }
    }
    const started = Date.now()
    await engineCall(
      engine,
      `start container ${spec.name}`,
      async (abortSignal) => {
        await container.start({ abortSignal })
      },
      reporter,
      { retries: 0 }
    )
    let stopReason: 'timeout' | 'cancelled' | undefined
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    const stop = new Promise<'timeout' | 'cancelled'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout')
      }, spec.timeoutMs)
      onAbort = () => {
        resolve('cancelled')
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    const first = await Promise.race([exited.then(() => undefined), stop])
    clearTimeout(timer)
    // One signal serves a whole matrix: leave no listener per container.
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
    if (first !== undefined) {
      stopReason = first
      reporter.warning(
        first === 'timeout'
          ? `${spec.name}: still running after the timeout of ${formatMs(spec.timeoutMs)}; killing it`
          : `${spec.name}: cancelled; killing it`
      )
      await kill(engine, container, reporter)
    }
    const status = await bounded(exited, STOP_WAIT_MS, `${spec.name} to stop`)
    const durationMs = Date.now() - started
    await bounded(streamEnded, 5_000, `the log of ${spec.name}`).catch(
      () => undefined
    )
    lines.end()
    const info = await engineCall(
      engine,
      `inspect container ${spec.name}`,
      async (abortSignal) => container.inspect({ abortSignal }),
      reporter
    )
    const exitCode =
      typeof info.State.ExitCode === 'number'
        ? info.State.ExitCode
        : status.StatusCode
    const ending: Ending =
      stopReason ?? (info.State.OOMKilled ? 'oom' : 'exited')
    const collected =
      ending === 'cancelled' ? undefined : await options.collect(container)
    return { ending, exitCode, durationMs, logTail: lines.tail(), collected }
  } catch (error) {
    throw error instanceof DockerError
      ? error
      : dockerError(engine, `run ${spec.name}`, error)
  } finally {
    await removeContainer(engine, container, reporter)
  }
}

async function bounded<T>(
  promise: Promise<T>,
  ms: number,
  what: string
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new DockerError(`gave up waiting ${formatMs(ms)} for ${what}`))
    }, ms)
  })
  try {
    return await Promise.race([promise, limit])
  } finally {
    clearTimeout(timer)
  }
}
