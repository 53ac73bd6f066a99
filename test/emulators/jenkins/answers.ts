/**
 * The vocabulary of the emulator's HTTP side: which kind of Jenkins URL a
 * path is (for fault injection and the request log), what an answer is, and
 * Jetty-style error pages.
 */

import type { IncomingMessage } from 'node:http'
import type { Authentication } from './auth.js'

export type RouteKind =
  | 'root'
  | 'crumb'
  | 'trigger'
  | 'queue'
  | 'cancel'
  | 'job'
  | 'build'
  | 'progressive'
  | 'console'
  | 'stop'
  | 'testReport'
  | 'artifact'
  | 'page'
  | 'other'

export interface Route {
  kind: RouteKind
  /** Job names (`/job/a/job/b` → ['a','b']). */
  job?: string[]
  /** What follows the job (or the whole path for non-job routes). */
  rest: string[]
}

export function classify(segments: string[]): Route {
  if (segments[0] === 'job') {
    const job: string[] = []
    let i = 0
    while (segments[i] === 'job' && segments[i + 1] !== undefined) {
      job.push(decodeURIComponent(segments[i + 1] ?? ''))
      i += 2
    }
    const rest = segments.slice(i)
    const [a, b, c] = rest
    let kind: RouteKind = 'other'
    if (rest.length === 0) kind = 'page'
    else if (a === 'api' && rest.length === 2) kind = 'job'
    else if (
      (a === 'build' || a === 'buildWithParameters') &&
      rest.length === 1
    )
      kind = 'trigger'
    else if (rest.length === 1) kind = 'page'
    else if (b === 'api' && c === 'json') kind = 'build'
    else if (b === 'testReport' && c === 'api' && rest[3] === 'json')
      kind = 'testReport'
    else if (b === 'artifact' && c !== undefined) kind = 'artifact'
    else if (b === 'consoleText') kind = 'console'
    else if (b === 'logText' && c === 'progressiveText') kind = 'progressive'
    else if (b === 'stop' || b === 'term' || b === 'kill') kind = 'stop'
    return { kind, job, rest }
  }
  const path = segments.join('/')
  if (path === '' || path === 'api/json')
    return { kind: 'root', rest: segments }
  if (/^crumbIssuer\/api\/(json|xml)$/.test(path))
    return { kind: 'crumb', rest: segments }
  if (path === 'queue/api/json' || /^queue\/item\/\d+\/api\/json$/.test(path))
    return { kind: 'queue', rest: segments }
  if (path === 'queue/cancelItem') return { kind: 'cancel', rest: segments }
  return { kind: 'other', rest: segments }
}

export interface Answer {
  status: number
  body?: string | Uint8Array
  headers?: Record<string, string | string[]>
}

export interface RequestContext {
  req: IncomingMessage
  method: string
  route: Route
  query: URLSearchParams
  form: URLSearchParams
  auth: Authentication
  /** The configured root URL (absolute URLs in JSON), with a trailing slash. */
  root: string
  /** `<scheme>://<Host header><prefix>/`: what Location headers are built from. */
  requestBase: string
}

export function htmlError(status: number, message: string): string {
  return `<html><head><title>Error ${status}</title></head><body><h2>HTTP ERROR ${status}</h2><p>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p></body></html>`
}

export const errorAnswer = (
  status: number,
  message: string,
  headers: Record<string, string> = {}
): Answer => ({
  status,
  body: htmlError(status, message),
  headers: { 'Content-Type': 'text/html;charset=utf-8', ...headers }
})

export const notFound = (): Answer => errorAnswer(404, 'Not Found')
