/**
 * The base of the protocol emulators: a real `node:http` server on
 * 127.0.0.1 (port 0), a request log for assertions, and fault injection per
 * route — dropped connections, error statuses, rate limiting with
 * Retry-After, and slow answers — so clients are tested against the faults
 * real services produce, not against mocks.
 */

import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface LoggedRequest {
  method: string
  /** Path with query string. */
  url: string
  path: string
  headers: IncomingMessage['headers']
  body: string
  /** The status answered (0 when the connection was dropped). */
  status: number
  /** Which fault, if any, answered instead of the route. */
  fault?: FaultKind
  at: number
}

export type FaultKind = 'drop' | 'status' | 'ratelimit' | 'delay'

export interface Fault {
  /** Which requests: a route name, a path regexp, or a predicate. */
  match: string | RegExp | ((req: LoggedRequest, route: string) => boolean)
  kind: FaultKind
  /** For `status`: the status code (default 500). */
  status?: number
  /** For `status`/`ratelimit`: the body (JSON-encoded unless a string). */
  body?: unknown
  /** For `ratelimit`: the Retry-After seconds (default 1). */
  retryAfter?: number
  /** Extra response headers. */
  headers?: Record<string, string>
  /** For `delay`: how long before the route answers. */
  delayMs?: number
  /** How many matching requests it applies to (default: all). */
  times?: number
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  /** A string is sent as is; anything else as JSON. */
  body?: unknown
}

export interface Route {
  name: string
  method: string
  /** Path pattern; named groups become `params`. */
  pattern: RegExp
  handle(
    req: LoggedRequest,
    params: Record<string, string>
  ): Reply | Promise<Reply>
}

/** A route whose path (a regexp source) may end with a slash. */
export function route(
  name: string,
  method: string,
  path: string,
  handle: Route['handle']
): Route {
  return { name, method, pattern: new RegExp(`^${path}/?$`), handle }
}

export abstract class HttpEmulator {
  readonly requests: LoggedRequest[] = []
  readonly #faults: (Fault & { used: number })[] = []
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  #url = ''

  protected abstract routes(): Route[]

  /** Answer for requests no route matches (default: 404 JSON). */
  protected notFound(req: LoggedRequest): Reply {
    return { status: 404, body: { message: 'Not Found', path: req.path } }
  }

  get url(): string {
    if (this.#url === '') throw new Error('emulator not started')
    return this.#url
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.#dispatch(req, res)
    })
    server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => {
        this.#sockets.delete(socket)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.#server = server
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return this.#url
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (server === undefined) return
    for (const s of this.#sockets) s.destroy()
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve()
      })
    })
    this.#server = undefined
  }

  /** Injects a fault; returns a function that removes it. */
  fault(fault: Fault): () => void {
    const entry = { ...fault, used: 0 }
    this.#faults.push(entry)
    return () => {
      const i = this.#faults.indexOf(entry)
      if (i >= 0) this.#faults.splice(i, 1)
    }
  }

  clearFaults(): void {
    this.#faults.length = 0
  }

  /** Requests a route name (or path regexp) received, in order. */
  received(match: string | RegExp): LoggedRequest[] {
    return this.requests.filter((r) =>
      typeof match === 'string'
        ? this.#routeName(r) === match
        : match.test(r.path)
    )
  }

  #routeName(req: LoggedRequest): string {
    return this.#match(req)?.route.name ?? ''
  }

  #match(
    req: LoggedRequest
  ): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes()) {
      if (route.method !== req.method) continue
      const m = route.pattern.exec(req.path)
      if (m !== null) return { route, params: { ...(m.groups ?? {}) } }
    }
    return undefined
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = req.url ?? '/'
    const logged: LoggedRequest = {
      method: req.method ?? 'GET',
      url,
      path: url.split('?')[0] ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      status: 0,
      at: Date.now()
    }
    this.requests.push(logged)
    const matched = this.#match(logged)
    const routeName = matched?.route.name ?? ''
    const fault = this.#faults.find(
      (f) =>
        (f.times === undefined || f.used < f.times) &&
        (typeof f.match === 'string'
          ? f.match === routeName
          : f.match instanceof RegExp
            ? f.match.test(logged.path)
            : f.match(logged, routeName))
    )
    let reply: Reply
    try {
      if (fault !== undefined) {
        fault.used++
        logged.fault = fault.kind
        if (fault.kind === 'drop') {
          req.socket.destroy()
          return
        }
        if (fault.kind === 'delay') await sleep(fault.delayMs ?? 1000)
      }
      if (fault?.kind === 'status') {
        reply = {
          status: fault.status ?? 500,
          body: fault.body ?? { message: 'injected fault' }
        }
      } else if (fault?.kind === 'ratelimit') {
        reply = {
          status: 429,
          headers: { 'retry-after': String(fault.retryAfter ?? 1) },
          body: fault.body ?? { message: 'rate limited' }
        }
      } else if (matched === undefined) {
        reply = this.notFound(logged)
      } else {
        reply = await matched.route.handle(logged, matched.params)
      }
      if (fault?.headers !== undefined)
        reply = { ...reply, headers: { ...reply.headers, ...fault.headers } }
    } catch (error) {
      reply = {
        status: 500,
        body: { message: `emulator error: ${String(error)}` }
      }
    }
    if (res.destroyed) return
    logged.status = reply.status
    const body =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body)
    const headers: Record<string, string> = {
      'content-type':
        typeof reply.body === 'string'
          ? 'text/plain; charset=utf-8'
          : 'application/json; charset=utf-8',
      ...this.commonHeaders(logged),
      ...(reply.headers ?? {})
    }
    res.writeHead(reply.status, headers)
    res.end(body)
  }

  /** Headers every response carries (e.g. GitHub's rate-limit headers). */
  protected commonHeaders(_req: LoggedRequest): Record<string, string> {
    return {}
  }
}

export async function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Parses a JSON request body, or undefined when it is not JSON. */
export function jsonBody(req: LoggedRequest): unknown {
  try {
    return JSON.parse(req.body) as unknown
  } catch {
    return undefined
  }
}

/**
 * One page of a list as GitHub pages them: `per_page` (default 30, at most
 * 100) and `page` from the query, a Link header with `next` and `last`
 * (`base` is the list's URL with its query, `page` is appended).
 */
export function pagedReply(
  all: readonly unknown[],
  query: URLSearchParams,
  base: string
): Reply {
  const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100)
  const page = Math.max(Number(query.get('page') ?? 1) || 1, 1)
  const last = Math.max(1, Math.ceil(all.length / perPage))
  const url = `${base}${base.includes('?') ? '&' : '?'}per_page=${perPage}`
  const links =
    page < last
      ? [
          `<${url}&page=${page + 1}>; rel="next"`,
          `<${url}&page=${last}>; rel="last"`
        ]
      : []
  return {
    status: 200,
    ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
    body: all.slice((page - 1) * perPage, page * perPage)
  }
}

/** The bearer / token credential of a request, if any. */
export function credential(req: LoggedRequest): string | undefined {
  const header = req.headers.authorization
  if (header === undefined) return undefined
  const m = /^(?:Bearer|token)\s+(\S+)$/i.exec(header)
  return m?.[1]
}
