/**
 * One HTTP exchange on `node:http`/`node:https`, the body read whole. This is
 * all the Jenkins client needs from an HTTP library, and it costs an action
 * nothing at start-up: undici, bundled, was 1 MB that every jenkins-build
 * step parsed before its first log line (more than doubling its cold start).
 *
 * Like undici's fetch with `redirect: 'manual'`, a redirect is an answer,
 * never followed. Aborting the caller's signal rejects with the signal's
 * reason. Network failures keep Node's codes (ECONNREFUSED, ECONNRESET…),
 * which the retry policy classifies.
 */

import type { Agent, IncomingHttpHeaders } from 'node:http'
import { isNativeError } from 'node:util/types'

export interface HttpRequestOptions {
  method: string
  headers?: Record<string, string>
  /** Text, or bytes sent as they are (a manifest, a blob). */
  body?: string | Buffer
  signal?: AbortSignal
  /** Connection pools (keep-alive) to use; a fresh connection otherwise. */
  agents?: HttpAgents
  /** Give up connecting after this long: ETIMEDOUT. Default 15 s. */
  connectTimeoutMs?: number
}

export interface HttpRawResponse {
  status: number
  headers: IncomingHttpHeaders
  /** Header names and values in the order received, as Node gives them. */
  rawHeaders: string[]
  body: Buffer
}

/** Keep-alive pools for http: and https:, created on first use. */
export class HttpAgents {
  readonly #agents = new Map<string, Agent>()

  /** `idleMs`: close a pooled connection unused for this long. */
  constructor(readonly idleMs = 10_000) {}

  async for(protocol: string): Promise<Agent> {
    const known = this.#agents.get(protocol)
    if (known !== undefined) return known
    // Loaded on first use: https pulls in TLS, which a step that fails on
    // its inputs never needs.
    const { Agent } =
      protocol === 'https:'
        ? await import('node:https')
        : await import('node:http')
    const agent = new Agent({ keepAlive: true, timeout: this.idleMs })
    this.#agents.set(protocol, agent)
    return agent
  }

  /** Closes every pooled connection. */
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy()
    this.#agents.clear()
  }
}

/** Sends one request and reads the whole response body. */
export async function httpRequest(
  url: string,
  options: HttpRequestOptions
): Promise<HttpRawResponse> {
  const target = new URL(url)
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new TypeError(`not an http(s) URL: ${target.protocol}`)
  const { request } =
    target.protocol === 'https:'
      ? await import('node:https')
      : await import('node:http')
  const agent = await options.agents?.for(target.protocol)
  const signal = options.signal
  signal?.throwIfAborted()
  const headers: Record<string, string> = { ...options.headers }
  if (options.body !== undefined)
    headers['Content-Length'] = String(Buffer.byteLength(options.body))
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000

  return new Promise<HttpRawResponse>((resolve, reject) => {
    let connectTimer: NodeJS.Timeout | undefined
    const settle = (): void => {
      clearTimeout(connectTimer)
      signal?.removeEventListener('abort', onAbort)
    }
    const fail = (error: unknown): void => {
      settle()
      // isNativeError, not instanceof: Node's own errors may come from
      // another realm (a vm context), and their `code` must survive.
      reject(isNativeError(error) ? error : new Error(String(error)))
    }
    const req = request(target, {
      method: options.method,
      headers,
      ...(agent === undefined ? {} : { agent })
    })
    const onAbort = (): void => {
      req.destroy()
      fail(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    req.once('socket', (socket) => {
      if (!socket.connecting) return
      connectTimer = setTimeout(() => {
        const error = new Error(
          `connect to ${target.host} timed out after ${connectTimeoutMs} ms`
        ) as NodeJS.ErrnoException
        error.code = 'ETIMEDOUT'
        req.destroy(error)
      }, connectTimeoutMs)
      socket.once('connect', () => {
        clearTimeout(connectTimer)
      })
    })
    req.once('error', fail)
    req.once('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.once('error', fail)
      res.once('aborted', () => {
        const error = new Error('the server closed the connection mid-body')
        ;(error as NodeJS.ErrnoException).code = 'ECONNRESET'
        fail(error)
      })
      res.once('end', () => {
        settle()
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks)
        })
      })
    })
    req.end(options.body)
  })
}

/** The response headers as a fetch `Headers` (get, getSetCookie). */
export function fetchHeaders(rawHeaders: readonly string[]): Headers {
  const headers = new Headers()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]
    const value = rawHeaders[i + 1]
    if (name !== undefined && value !== undefined) headers.append(name, value)
  }
  return headers
}
