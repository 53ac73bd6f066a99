/**
 * The jenkins-bridge service: a `Server` on node:http whose `start()`
 * resolves with the real port (tests listen on 0) and whose `stop()` drains —
 * no new connections, in-flight requests answered, accepted events applied,
 * relays given until the deadline, then the store closed. Whatever is left
 * stays in SQLite for the next start.
 *
 * Routes, in order: GET /healthz, GET /readyz, GET /metrics, POST /jenkins,
 * and 404 for everything else.
 */

import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Octokit } from '@octokit/rest'
import type { WebClient } from '@slack/web-api'
import { errorMessage } from '../core/errors.js'
import { createJenkinsSource } from './clients.js'
import type { BridgeConfig } from './config.js'
import { DeliveryStore } from './delivery-store.js'
import type { Dispatcher } from './dispatcher.js'
import { EventWorker } from './event-worker.js'
import { discard, sendJson } from './http-io.js'
import { EventIntake } from './intake.js'
import type { JenkinsBuildSource } from './jenkins-source.js'
import { nullLog, type Log } from './log.js'
import { BridgeMetrics } from './metrics.js'
import { createDispatchers } from './relays.js'
import type { Routing } from './routing.js'
import { SIGNATURE_WINDOW_MS } from './signature.js'
import { BridgeStore } from './store.js'

export interface ServerOptions {
  config: BridgeConfig
  routing: Routing
  log?: Log
  /** Registers secrets (and their derived forms) with the log masker. */
  mask?: (secret: string) => void
  /** Clients to use instead of building them from `config`. */
  clients?: {
    slack?: WebClient
    octokit?: Octokit
    jenkins?: JenkinsBuildSource
  }
  now?: () => number
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string
) => boolean | Promise<boolean>

const PRUNE_EVERY_MS = 60 * 60_000

export class Server {
  readonly metrics = new BridgeMetrics()
  readonly #o: ServerOptions
  readonly #log: Log
  readonly #now: () => number
  #http: HttpServer | undefined
  #store: BridgeStore | undefined
  #worker: EventWorker | undefined
  #dispatchers: Dispatcher[] = []
  #handlers: Handler[] = []
  #requests = 0
  #draining = false
  #prune: NodeJS.Timeout | undefined

  constructor(options: ServerOptions) {
    this.#o = options
    this.#log = options.log ?? nullLog
    this.#now = options.now ?? Date.now
  }

  /** The open store (for tests and tools). */
  get store(): BridgeStore {
    if (this.#store === undefined) throw new Error('the bridge is not started')
    return this.#store
  }

  /** Opens the store, resumes owed work, listens; resolves with the port. */
  async start(): Promise<number> {
    const { config, routing } = this.#o
    for (const s of config.secrets) this.#o.mask?.(s)
    const store = BridgeStore.open(config.dbPath, config.sync)
    this.#store = store
    store.startCheckpoints((message) => {
      this.#log.warn(`WAL checkpoint: ${message}`)
    })
    const deliveries = new DeliveryStore(store)
    const now = this.#now
    const jenkins =
      this.#o.clients?.jenkins ??
      (config.jenkins === undefined
        ? undefined
        : createJenkinsSource(config.jenkins, (s) => this.#o.mask?.(s)))
    this.#dispatchers = createDispatchers({
      config,
      routing,
      deliveries,
      metrics: this.metrics,
      log: this.#log,
      now,
      ...(this.#o.mask === undefined ? {} : { mask: this.#o.mask }),
      ...(this.#o.clients === undefined ? {} : { clients: this.#o.clients })
    })
    this.#worker = new EventWorker({
      store,
      deliveries,
      routing,
      log: this.#log.child({ component: 'events' }),
      metrics: this.metrics,
      ...(config.github === undefined
        ? {}
        : { githubMode: config.github.mode }),
      ...(config.jenkins === undefined
        ? {}
        : { jenkinsUrl: config.jenkins.url }),
      ...(jenkins === undefined
        ? {}
        : {
            jenkins: {
              source: jenkins,
              refetch: config.jenkins?.refetch ?? false,
              logLines: config.jenkins?.logLines ?? 0
            }
          }),
      now,
      onApplied: () => {
        for (const d of this.#dispatchers) d.kick()
      }
    })
    const intake = new EventIntake({
      store,
      auth: config.auth,
      maxBodyBytes: config.maxBodyBytes,
      bodyTimeoutMs: config.bodyTimeoutMs,
      maxEventAgeMs: config.retentionMs,
      metrics: this.metrics,
      log: this.#log.child({ component: 'intake' }),
      now,
      onAccepted: () => this.#worker?.kick()
    })
    this.#handlers = [
      (req, res, path) =>
        path === '/healthz' &&
        get(
          req,
          res,
          () => {
            sendJson(res, 200, { status: 'ok' })
          },
          this.#o.config.maxBodyBytes
        ),
      (req, res, path) =>
        path === '/readyz' &&
        get(
          req,
          res,
          () => {
            this.#readyz(res)
          },
          this.#o.config.maxBodyBytes
        ),
      (req, res, path) =>
        path === '/metrics' &&
        get(
          req,
          res,
          () => {
            this.#metrics(res)
          },
          this.#o.config.maxBodyBytes
        ),
      async (req, res, path) => {
        if (path !== '/jenkins') return false
        await intake.handle(req, res)
        return true
      }
    ]
    // Resume: events accepted before a stop or crash, deliveries still owed.
    this.#worker.kick()
    for (const d of this.#dispatchers) d.kick()
    this.#prune = setInterval(() => {
      this.#pruneOld()
    }, PRUNE_EVERY_MS).unref()
    return this.#listen()
  }

  async #listen(): Promise<number> {
    const { config } = this.#o
    // node:http checks these timeouts only every connectionsCheckingInterval
    // (30 s by default): a 10 s header timeout held sockets for 34 s.
    const http = createServer(
      {
        headersTimeout: config.headersTimeoutMs,
        requestTimeout: config.headersTimeoutMs + config.bodyTimeoutMs,
        connectionsCheckingInterval: Math.max(
          100,
          Math.min(1000, config.headersTimeoutMs / 4)
        ),
        keepAliveTimeout: 5000
      },
      (req, res) => void this.#dispatch(req, res)
    )
    // Beyond this, new connections are closed at once: a flood of stalled
    // requests cannot take every file descriptor and megabyte.
    http.maxConnections = config.maxConnections
    this.#http = http
    await new Promise<void>((resolve, reject) => {
      http.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(
                `port ${this.#o.config.port} is in use: set BRIDGE_PORT to a free port`
              )
            : error
        )
      })
      http.listen(this.#o.config.port, this.#o.config.host, resolve)
    })
    const port = (http.address() as AddressInfo).port
    this.#log.info('jenkins-bridge listening', {
      host: this.#o.config.host,
      port,
      db: this.#o.config.dbPath
    })
    return port
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#requests++
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      for (const handler of this.#handlers)
        if (await handler(req, res, path)) return
      sendJson(res, 404, {
        error: 'not found',
        routes: ['POST /jenkins', 'GET /healthz', 'GET /readyz', 'GET /metrics']
      })
      discard(req, this.#o.config.maxBodyBytes)
    } catch (error) {
      this.#log.error('request failed', {
        error: errorMessage(error),
        path: req.url?.split('?')[0]
      })
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' })
      else res.destroy()
    } finally {
      this.#requests--
    }
  }

  #readyz(res: ServerResponse): void {
    const open = this.#store?.isOpen() === true
    const stats = open ? this.#store?.stats(this.#now()) : undefined
    sendJson(res, open && !this.#draining ? 200 : 503, {
      ready: open && !this.#draining,
      store: open ? 'open' : 'closed',
      draining: this.#draining,
      queue: {
        events: stats?.pendingEvents ?? null,
        deliveries: stats?.pendingDeliveries ?? null
      },
      oldest_pending_seconds:
        stats === undefined ? null : stats.oldestPendingMs / 1000
    })
  }

  #metrics(res: ServerResponse): void {
    const stats =
      this.#store?.isOpen() === true
        ? this.#store.stats(this.#now())
        : undefined
    const body = this.metrics.render(stats)
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8'
    })
    res.end(body)
  }

  #pruneOld(): void {
    try {
      // Dedupe keys outlive the signature window, so a signed event cannot
      // be replayed as new however short the retention.
      const keep = Math.max(this.#o.config.retentionMs, 2 * SIGNATURE_WINDOW_MS)
      const n = this.#store?.prune(this.#now() - keep) ?? 0
      if (n > 0) this.#log.info('pruned old events', { events: n })
    } catch (error) {
      this.#log.warn('pruning failed', { error: errorMessage(error) })
    }
  }

  /**
   * Drains within `deadlineMs` (BRIDGE_DRAIN_TIMEOUT by default): stops
   * listening, answers requests in flight, applies accepted events, relays
   * until the deadline, then closes the store.
   */
  async stop(
    deadlineMs: number = this.#o.config.drainTimeoutMs
  ): Promise<void> {
    const deadline = this.#now() + deadlineMs
    this.#draining = true
    clearInterval(this.#prune)
    const http = this.#http
    const closed =
      http === undefined
        ? Promise.resolve()
        : new Promise<void>((r) =>
            http.close(() => {
              r()
            })
          )
    http?.closeIdleConnections()
    await until(() => this.#requests === 0, deadline, this.#now)
    http?.closeAllConnections()
    await closed
    // Reads from Jenkins are aborted, not awaited: their events stay pending.
    await this.#worker?.stop()
    await until(
      () => this.#dispatchers.every((d) => d.idleUntil(deadline)),
      deadline,
      this.#now
    )
    // Calls still in flight at the deadline are left to the next start
    // (an interrupted post is looked up there, not sent again).
    await Promise.all(
      this.#dispatchers.map(async (d) =>
        d.stop(Math.max(0, deadline - this.#now()))
      )
    )
    const stats =
      this.#store?.isOpen() === true
        ? this.#store.stats(this.#now())
        : undefined
    await this.#store?.shutdown()
    this.#log.info('jenkins-bridge stopped', {
      left_events: stats?.pendingEvents ?? 0,
      left_deliveries: stats?.pendingDeliveries ?? 0
    })
  }
}

function get(
  req: IncomingMessage,
  res: ServerResponse,
  answer: () => void,
  maxBody: number
): true {
  if (req.method === 'GET' || req.method === 'HEAD') answer()
  else sendJson(res, 405, { error: 'use GET' }, { allow: 'GET' })
  // Whatever body came with it is not read past the limit.
  discard(req, maxBody)
  return true
}

async function until(
  done: () => boolean,
  deadline: number,
  now: () => number
): Promise<void> {
  while (!done() && now() < deadline)
    await new Promise((r) => setTimeout(r, 25))
}
