/** The emulator's options, its fault kinds and its request log entries. */

import type { IncomingMessage } from 'node:http'
import type { RouteKind } from './answers.js'
import type { UserConfig } from './auth.js'

export type Fault =
  | { kind: 'drop' }
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'slow'; delayMs: number }

export interface RequestRecord {
  method: string
  path: string
  query: URLSearchParams
  route: RouteKind
  /** 0 when the connection was dropped. */
  status: number
  /** Response body bytes. */
  bytes: number
  /** Emulated time of arrival. */
  at: number
  auth: string
  user?: string
  fault?: Fault['kind']
  /** Form fields of a POST. */
  form: URLSearchParams
  headers: IncomingMessage['headers']
}

export interface EmulatorOptions {
  /** Emulated ms per real ms (default 1). */
  timeScale?: number
  /** The configured root URL used in JSON (default: the bound address). */
  rootUrl?: string
  /** Path prefix, e.g. `/jenkins`. */
  prefix?: string
  users?: Record<string, UserConfig>
  anonymousRead?: boolean
  csrf?: boolean
  excludeSessionId?: boolean
  executors?: number
  quietPeriodMs?: number
  leftItemTtlMs?: number
  /** Jenkins 2.308–2.523: `buildWithParameters` on a plain job is a 500. */
  legacyNotParameterized500?: boolean
  version?: string
}
