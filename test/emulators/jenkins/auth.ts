/**
 * Authentication and CSRF as Jenkins does them (protocols.md §1): Basic auth
 * sent preemptively (no challenge for anonymous requests), API tokens exempt
 * from crumbs, passwords needing a crumb bound to the web session that issued
 * it, 401 for bad credentials, 403 with `X-Required-Permission` for missing
 * permissions.
 */

import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { htmlError, type Answer } from './answers.js'

export type Permission = 'read' | 'build' | 'cancel'

export const PERMISSION_NAMES: Record<Permission, string> = {
  read: 'hudson.model.Hudson.Read',
  build: 'hudson.model.Item.Build',
  cancel: 'hudson.model.Item.Cancel'
}

export interface UserConfig {
  /** An API token: POSTs need no crumb. */
  token?: string
  /** A password: POSTs need a crumb from the same session. */
  password?: string
  /** Default: all. */
  permissions?: Permission[]
}

export type Authentication =
  | { kind: 'token' | 'password'; user: string }
  | { kind: 'anonymous' }
  | { kind: 'invalid' }

export class Security {
  readonly #salt = randomBytes(16).toString('hex')
  readonly #sessions = new Map<string, string>()
  readonly cookieName = `JSESSIONID.${randomBytes(4).toString('hex')}`

  constructor(
    public users: Record<string, UserConfig>,
    public options: {
      csrf: boolean
      excludeSessionId: boolean
      anonymousRead: boolean
    }
  ) {}

  authenticate(req: IncomingMessage): Authentication {
    const header = req.headers.authorization
    if (header === undefined) return { kind: 'anonymous' }
    const match = /^Basic\s+(\S+)$/i.exec(header)
    if (match === null) return { kind: 'invalid' }
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return { kind: 'invalid' }
    const user = decoded.slice(0, colon)
    const secret = decoded.slice(colon + 1)
    const config = this.users[user]
    if (config === undefined) return { kind: 'invalid' }
    if (config.token !== undefined && secret === config.token)
      return { kind: 'token', user }
    if (config.password !== undefined && secret === config.password)
      return { kind: 'password', user }
    return { kind: 'invalid' }
  }

  allowed(auth: Authentication, permission: Permission): boolean {
    if (auth.kind === 'anonymous')
      return permission === 'read' && this.options.anonymousRead
    if (auth.kind === 'invalid') return false
    const perms = this.users[auth.user]?.permissions
    return perms === undefined || perms.includes(permission)
  }

  /** The session of a request (from its cookie), or a new one to set. */
  session(req: IncomingMessage, user: string): { id: string; isNew: boolean } {
    const cookies = parseCookies(req.headers.cookie)
    const id = cookies.get(this.cookieName)
    if (id !== undefined && this.#sessions.get(id) === user)
      return { id, isNew: false }
    const fresh = randomBytes(12).toString('hex')
    this.#sessions.set(fresh, user)
    return { id: fresh, isNew: true }
  }

  crumbFor(user: string, sessionId: string): string {
    const input = this.options.excludeSessionId ? user : `${user};${sessionId}`
    return createHash('sha256').update(`${this.#salt}:${input}`).digest('hex')
  }

  /** True when a POST passes the crumb filter. */
  crumbValid(
    req: IncomingMessage,
    auth: Authentication,
    form: URLSearchParams,
    query: URLSearchParams
  ): boolean {
    if (!this.options.csrf || auth.kind === 'token') return true
    const sent =
      (req.headers['jenkins-crumb'] as string | undefined) ??
      form.get('Jenkins-Crumb') ??
      query.get('Jenkins-Crumb')
    if (sent === null) return false
    const user = auth.kind === 'password' ? auth.user : 'anonymous'
    const sessionId =
      parseCookies(req.headers.cookie).get(this.cookieName) ?? ''
    if (
      !this.options.excludeSessionId &&
      this.#sessions.get(sessionId) !== user
    )
      return false
    return sent === this.crumbFor(user, sessionId)
  }

  /**
   * `GET /crumbIssuer/api/json` (or the older `api/xml?xpath=concat(…)` text
   * form): a crumb for the caller's session, starting one (Set-Cookie) if
   * needed. 404 when CSRF protection is off.
   */
  crumbAnswer(
    req: IncomingMessage,
    auth: Authentication,
    xml: boolean
  ): Answer {
    if (!this.options.csrf) {
      return {
        status: 404,
        body: htmlError(404, 'Not Found'),
        headers: { 'Content-Type': 'text/html;charset=utf-8' }
      }
    }
    const user =
      auth.kind === 'token' || auth.kind === 'password'
        ? auth.user
        : 'anonymous'
    const session = this.session(req, user)
    const crumb = this.crumbFor(user, session.id)
    const headers: Record<string, string | string[]> = xml
      ? { 'Content-Type': 'text/plain;charset=utf-8' }
      : { 'Content-Type': 'application/json;charset=utf-8' }
    if (session.isNew)
      headers['Set-Cookie'] = [
        `${this.cookieName}=${session.id}; Path=/; HttpOnly`
      ]
    const body = xml
      ? `Jenkins-Crumb:${crumb}`
      : JSON.stringify({
          _class: 'hudson.security.csrf.DefaultCrumbIssuer',
          crumb,
          crumbRequestField: 'Jenkins-Crumb'
        })
    return { status: 200, body, headers }
  }
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  return out
}
