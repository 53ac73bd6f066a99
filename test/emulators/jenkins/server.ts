/**
 * A Jenkins emulator: a real `node:http` server on 127.0.0.1 (port 0) that
 * answers as protocols.md §1–5 says Jenkins does, in emulated time (a
 * "10-minute" build can run in seconds), with per-route fault injection
 * (dropped connection, any status, 429 + Retry-After, slow answer) and a log
 * of every request for assertions.
 */

import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { Security } from './auth.js'
import { ScaledClock } from './clock.js'
import { JenkinsModel, type Build, type Job, type JobConfig } from './model.js'
import { classify, htmlError, type Answer, type RouteKind } from './answers.js'
import { Routes } from './routes.js'
import type { EmulatorOptions, Fault, RequestRecord } from './options.js'

export type { EmulatorOptions, Fault, RequestRecord } from './options.js'

interface FaultRule {
  route: RouteKind
  fault: Fault
  remaining: number
  method?: string
}

export class JenkinsEmulator {
  readonly clock: ScaledClock
  readonly model: JenkinsModel
  readonly security: Security
  readonly requests: RequestRecord[] = []
  readonly #routes: Routes
  readonly #server: Server
  readonly #faults: FaultRule[] = []
  readonly #prefix: string
  readonly #version: string
  readonly #session = Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0')
  #rootUrl: string | undefined
  baseUrl = ''

  private constructor(readonly options: EmulatorOptions) {
    this.clock = new ScaledClock(options.timeScale ?? 1)
    this.model = new JenkinsModel(this.clock, {
      executors: options.executors ?? 2,
      quietPeriodMs: options.quietPeriodMs ?? 5000,
      leftItemTtlMs: options.leftItemTtlMs ?? 5 * 60_000
    })
    this.security = new Security(options.users ?? {}, {
      csrf: options.csrf ?? true,
      excludeSessionId: options.excludeSessionId ?? false,
      anonymousRead: options.anonymousRead ?? false
    })
    this.#routes = new Routes(this.model, this.security, {
      legacyNotParameterized500: options.legacyNotParameterized500 ?? false
    })
    this.#prefix = (options.prefix ?? '').replace(/\/+$/, '')
    this.#version = options.version ?? '2.528'
    this.#rootUrl = options.rootUrl
    this.#server = createServer((req, res) => {
      void this.#handle(req, res)
    })
  }

  static async start(options: EmulatorOptions = {}): Promise<JenkinsEmulator> {
    const emulator = new JenkinsEmulator(options)
    await new Promise<void>((resolve) =>
      emulator.#server.listen(0, '127.0.0.1', resolve)
    )
    const { port } = emulator.#server.address() as AddressInfo
    emulator.baseUrl = `http://127.0.0.1:${port}${emulator.#prefix}`
    return emulator
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve()
      })
    )
  }

  /** The configured root URL, with a trailing slash. */
  get rootUrl(): string {
    return `${(this.#rootUrl ?? this.baseUrl).replace(/\/+$/, '')}/`
  }

  addJob(path: string, config: JobConfig = {}): Job {
    return this.model.addJob(path, config)
  }

  job(path: string): Job {
    const node = this.model.find(path.split('/'))
    if (node === undefined || !('builds' in node))
      throw new Error(`no job ${path}`)
    return node
  }

  build(path: string, number: number): Build {
    const build = this.job(path).builds.find((b) => b.number === number)
    if (build === undefined) throw new Error(`no build ${path} #${number}`)
    return build
  }

  /** What `consoleText` answers now. */
  consoleText(path: string, number: number): Buffer {
    this.model.advance()
    return this.build(path, number).log.text(this.clock.now())
  }

  /** Injects a fault on a route kind for the next `times` requests (default: all). */
  inject(
    route: RouteKind,
    fault: Fault,
    times = Infinity,
    method?: 'GET' | 'POST'
  ): void {
    this.#faults.push({
      route,
      fault,
      remaining: times,
      ...(method === undefined ? {} : { method })
    })
  }

  clearFaults(): void {
    this.#faults.length = 0
  }

  /** Requests of one route kind (and method). */
  requestsTo(route: RouteKind, method?: string): RequestRecord[] {
    return this.requests.filter(
      (r) => r.route === route && (method === undefined || r.method === method)
    )
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    const isForm = (req.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded'
    )
    const form = new URLSearchParams(
      isForm ? Buffer.concat(chunks).toString('utf8') : ''
    )
    let path = url.pathname
    const inPrefix =
      path === this.#prefix || path.startsWith(`${this.#prefix}/`)
    path = inPrefix ? path.slice(this.#prefix.length) : path
    const route = inPrefix
      ? classify(path.split('/').filter((s) => s !== ''))
      : { kind: 'other' as const, rest: [] }
    const auth = this.security.authenticate(req)
    const record: RequestRecord = {
      method,
      path: url.pathname,
      query: url.searchParams,
      route: route.kind,
      status: 0,
      bytes: 0,
      at: this.clock.now(),
      auth: auth.kind,
      ...('user' in auth ? { user: auth.user } : {}),
      form,
      headers: req.headers
    }
    this.requests.push(record)
    const rule = this.#faults.find(
      (f) =>
        f.route === route.kind &&
        f.remaining > 0 &&
        (f.method === undefined || f.method === method)
    )
    if (rule !== undefined) {
      rule.remaining--
      record.fault = rule.fault.kind
      if (rule.fault.kind === 'drop') {
        req.socket.destroy()
        return
      }
      if (rule.fault.kind === 'status') {
        const headers: Record<string, string> = {
          'Content-Type': 'text/html;charset=utf-8'
        }
        if (rule.fault.retryAfter !== undefined)
          headers['Retry-After'] = String(rule.fault.retryAfter)
        this.#send(res, record, {
          status: rule.fault.status,
          body: htmlError(rule.fault.status, 'injected fault'),
          headers
        })
        return
      }
      await new Promise((resolve) =>
        setTimeout(resolve, rule.fault.kind === 'slow' ? rule.fault.delayMs : 0)
      )
      if (res.destroyed) return
    }
    this.#send(
      res,
      record,
      this.#answer(req, method, route, url.searchParams, form, auth)
    )
  }

  #answer(
    req: IncomingMessage,
    method: string,
    route: ReturnType<typeof classify>,
    query: URLSearchParams,
    form: URLSearchParams,
    auth: ReturnType<Security['authenticate']>
  ): Answer {
    this.model.advance()
    const error = (
      status: number,
      message: string,
      headers: Record<string, string>
    ): Answer => ({
      status,
      body: htmlError(status, message),
      headers: { 'Content-Type': 'text/html;charset=utf-8', ...headers }
    })
    // Jenkins never challenges anonymous requests; only bad credentials get a 401.
    if (auth.kind === 'invalid')
      return error(401, 'Invalid password/token for user', {
        'WWW-Authenticate': 'Basic realm="Jenkins"'
      })
    if (!this.security.allowed(auth, 'read')) {
      return error(403, 'Authentication required', {
        'X-You-Are-Authenticated-As':
          auth.kind === 'anonymous' ? 'anonymous' : auth.user,
        'X-Required-Permission': 'hudson.model.Hudson.Read',
        'X-Permission-Implied-By': 'hudson.security.Permission.GenericRead'
      })
    }
    if (route.kind === 'crumb') {
      return this.security.crumbAnswer(req, auth, route.rest[2] === 'xml')
    }
    if (
      method === 'POST' &&
      !this.security.crumbValid(req, auth, form, query)
    ) {
      return error(403, 'No valid crumb was included in the request', {})
    }
    const host = req.headers.host ?? '127.0.0.1'
    return this.#routes.answer({
      req,
      method,
      route,
      query,
      form,
      auth,
      root: this.rootUrl,
      requestBase: `http://${host}${this.#prefix}/`
    })
  }

  #send(res: ServerResponse, record: RequestRecord, answer: Answer): void {
    const body =
      answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body)
    record.status = answer.status
    record.bytes = body.length
    res.writeHead(answer.status, {
      'X-Jenkins': this.#version,
      'X-Jenkins-Session': this.#session,
      'Content-Length': String(body.length),
      ...answer.headers
    })
    res.end(body)
  }
}
