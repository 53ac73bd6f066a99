/**
 * Running the bridge as a process: configuration from the environment,
 * JSON logs with every secret masked, and signals — the first SIGTERM or
 * SIGINT drains within BRIDGE_DRAIN_TIMEOUT, a second one exits at once.
 */

import { formatMs } from '../core/format.js'
import {
  loadSecretFiles,
  readBridgeConfig,
  type BridgeConfig
} from './config.js'
import type { Env } from '../core/env.js'
import { JsonLog, type Log } from './log.js'
import { readRoutingConfig } from './routing-config.js'
import { compileRouting } from './routing.js'
import { Server } from './server.js'

/** What listens for signals (`process`, or an EventEmitter in tests). */
export interface SignalSource {
  on(
    signal: 'SIGTERM' | 'SIGINT',
    listener: (signal: NodeJS.Signals) => void
  ): unknown
  off(
    signal: 'SIGTERM' | 'SIGINT',
    listener: (signal: NodeJS.Signals) => void
  ): unknown
}

export interface ServeOptions {
  signals: SignalSource
  log: Log
  /** Called on the second signal; the process should end at once. */
  exit: (code: number) => void
}

/**
 * Starts `server` and resolves once a signal has drained and stopped it.
 * Rejects if it cannot start.
 */
export async function serveUntilSignal(
  server: Server,
  o: ServeOptions,
  deadlineMs: number
): Promise<void> {
  await server.start()
  return new Promise<void>((resolve, reject) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        o.log.warn(
          `${signal} again: exiting now; unfinished work stays in the store for the next start`
        )
        o.exit(130)
        return
      }
      stopping = true
      o.log.info(
        `${signal}: draining for up to ${formatMs(deadlineMs)}; send it again to exit at once`
      )
      // The drain honours its deadline; this is the last resort should
      // something in it hang (systemd would SIGKILL us soon after).
      setTimeout(() => {
        o.log.error('the drain overran its deadline: exiting now')
        o.exit(1)
      }, deadlineMs + 2000).unref()
      server.stop(deadlineMs).then(
        () => {
          o.signals.off('SIGTERM', onSignal)
          o.signals.off('SIGINT', onSignal)
          resolve()
        },
        (error: unknown) => {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      )
    }
    o.signals.on('SIGTERM', onSignal)
    o.signals.on('SIGINT', onSignal)
  })
}

export interface RunBridgeOptions {
  env: Env
  signals: SignalSource
  exit: (code: number) => void
  /** Where logs go (stderr by default). */
  stream?: { write(text: string): unknown; isTTY?: boolean }
}

/** A one-line description of what the bridge will do (no secrets). */
export function describeConfig(
  c: BridgeConfig,
  routes: number
): Record<string, unknown> {
  return {
    routes,
    routes_file: c.routesFile,
    db: c.dbPath,
    auth: [
      c.auth.secret === undefined ? '' : 'hmac',
      c.auth.urlToken === undefined ? '' : 'url-token'
    ].filter(Boolean),
    slack: c.slack === undefined ? 'off' : c.slack.apiUrl,
    github:
      c.github === undefined
        ? 'off'
        : `${c.github.mode} via ${c.github.apiUrl}`,
    jenkins:
      c.jenkins === undefined
        ? 'off'
        : `${c.jenkins.url}${c.jenkins.refetch ? ' (re-fetching results)' : ''}`
  }
}

/** `stackci bridge serve`: reads everything, serves until a signal. */
export async function runBridge(o: RunBridgeOptions): Promise<void> {
  const config = readBridgeConfig(loadSecretFiles(o.env))
  const stream = o.stream ?? process.stderr
  // JSON for machines; plain lines for a person at a terminal, unless asked.
  const tty = (stream as { isTTY?: boolean }).isTTY === true
  const format =
    o.env.BRIDGE_LOG_FORMAT === undefined && tty ? 'text' : config.log.format
  const log = new JsonLog({ level: config.log.level, format, stream })
  for (const s of config.secrets) log.masker.add(s)
  const routing = compileRouting(await readRoutingConfig(config.routesFile))
  log.info(
    'jenkins-bridge starting',
    describeConfig(config, routing.routes.length)
  )
  const server = new Server({
    config,
    routing,
    log,
    mask: (s) => {
      log.masker.add(s)
    }
  })
  await serveUntilSignal(
    server,
    { signals: o.signals, log, exit: o.exit },
    config.drainTimeoutMs
  )
}
