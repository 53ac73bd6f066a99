/**
 * A SQuaSH REST API emulator, written from ../shared/research/lsst.md §5–6
 * (squash-api's Flask app as dispatch_verify meets it): the root lists the
 * endpoints as absolute URLs; `POST /auth` (Flask-JWT) trades credentials
 * for an HS256 JWT; `POST /job` needs `Authorization: JWT <token>`, a JSON
 * body with `meta.packages` (400 "Missing packages metadata." otherwise),
 * `meta.env.env_name` when there is an env, and only metrics the server
 * knows (an unknown one is a 500, as the real server's unbound variable);
 * it answers 202 with the job number and a status URL. `GET /job/<id>`,
 * `/jobs`, `GET|POST /metrics`, `/status/<task>` and `/version` complete it.
 */

import { createHmac, timingSafeEqual } from 'node:crypto'
import {
  HttpEmulator,
  route,
  jsonBody,
  type LoggedRequest,
  type Reply,
  type Route
} from '../http-emulator.js'

export interface SquashEmulatorOptions {
  /** username → password (default: `ci` / `secret`). */
  users?: Record<string, string>
  /** Metric names the server knows (`validate_drp.PA1`). */
  metrics?: string[]
  /** Token lifetime (default: 900 days, as production). */
  tokenTtlMs?: number
}

export interface SquashJob {
  id: number
  date_created: string
  ci_dataset: string | null
  env: Record<string, unknown>
  meta: Record<string, unknown>
  packages: Record<string, unknown>[]
  measurements: Record<string, unknown>[]
  blobs: unknown[]
  user: string
}

const b64url = (data: string | Buffer): string =>
  Buffer.from(data).toString('base64url')

/** Flask-JWT's error document. */
function jwtError(
  description: string,
  error = 'Authorization Required'
): Reply {
  return {
    status: 401,
    headers: { 'www-authenticate': 'JWT realm="Login Required"' },
    body: { description, error, status_code: 401 }
  }
}

export class SquashEmulator extends HttpEmulator {
  readonly jobs: SquashJob[] = []
  readonly metrics: Set<string>
  readonly #users: Record<string, string>
  readonly #ttl: number
  readonly #secret = 'squash-emulator-secret'
  #task = 0

  constructor(options: SquashEmulatorOptions = {}) {
    super()
    this.#users = options.users ?? { ci: 'secret' }
    this.metrics = new Set(options.metrics ?? [])
    this.#ttl = options.tokenTtlMs ?? 900 * 86_400_000
  }

  /** A token as /auth would issue it (or an expired one, for tests). */
  token(user: string, expiresInMs = this.#ttl): string {
    const now = Math.floor(Date.now() / 1000)
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
    const body = b64url(
      JSON.stringify({
        identity: user,
        iat: now,
        nbf: now,
        exp: now + Math.floor(expiresInMs / 1000)
      })
    )
    const sig = createHmac('sha256', this.#secret)
      .update(`${head}.${body}`)
      .digest('base64url')
    return `${head}.${body}.${sig}`
  }

  protected routes(): Route[] {
    const r = route
    return [
      r('root', 'GET', '', () => ({ status: 200, body: this.#root() })),
      r('auth', 'POST', '/auth', (q) => this.#auth(q)),
      r('create-job', 'POST', '/job', (q) =>
        this.#guard(q, (u) => this.#createJob(q, u))
      ),
      r('get-job', 'GET', '/job/(?<id>\\d+)', (_q, p) =>
        this.#getJob(Number(p.id))
      ),
      r('jobs', 'GET', '/jobs', () => ({
        status: 200,
        body: { ids: this.jobs.map((j) => j.id) }
      })),
      r('list-metrics', 'GET', '/metrics', () => ({
        status: 200,
        body: { metrics: [...this.metrics].sort() }
      })),
      r('create-metrics', 'POST', '/metrics', (q) =>
        this.#guard(q, () => this.#createMetrics(q))
      ),
      r('status', 'GET', '/status/(?<task>[^/]+)', (_q, p) => ({
        status: 200,
        body: { status: 'SUCCESS', task_id: p.task }
      })),
      r('version', 'GET', '/version', () => ({
        status: 200,
        body: { version: '1.0.0-emulated' }
      }))
    ]
  }

  #root(): Record<string, string> {
    const names = [
      'auth',
      'job',
      'jobs',
      'metrics',
      'specs',
      'measurements',
      'datasets',
      'packages',
      'users',
      'register',
      'monitor',
      'stats',
      'version',
      'kpms'
    ]
    return Object.fromEntries(names.map((n) => [n, `${this.url}/${n}`]))
  }

  #auth(req: LoggedRequest): Reply {
    const body = jsonBody(req) as
      { username?: unknown; password?: unknown } | undefined
    const user = typeof body?.username === 'string' ? body.username : ''
    const pass = typeof body?.password === 'string' ? body.password : ''
    if (body === undefined || user === '' || pass === '') {
      return jwtError('Invalid credentials', 'Bad Request')
    }
    const known = this.#users[user]
    if (known === undefined || !safeEqual(known, pass))
      return jwtError('Invalid credentials', 'Bad Request')
    return { status: 200, body: { access_token: this.token(user) } }
  }

  /** Flask-JWT's `jwt_required`: `Authorization: JWT <token>`, valid and fresh. */
  #guard(req: LoggedRequest, handle: (user: string) => Reply): Reply {
    const header = req.headers.authorization
    if (header === undefined)
      return jwtError('Request does not contain an access token')
    const [prefix, token, extra] = header.split(' ')
    if (prefix?.toLowerCase() !== 'jwt')
      return jwtError('Unsupported authorization type', 'Invalid JWT header')
    if (token === undefined || extra !== undefined)
      return jwtError('Token missing or contains spaces', 'Invalid JWT header')
    const [head, body, sig] = token.split('.')
    const expected = createHmac('sha256', this.#secret)
      .update(`${head ?? ''}.${body ?? ''}`)
      .digest('base64url')
    if (sig === undefined || !safeEqual(sig, expected))
      return jwtError('Signature verification failed', 'Invalid token')
    const claims = JSON.parse(
      Buffer.from(body ?? '', 'base64url').toString()
    ) as {
      identity: string
      exp: number
    }
    if (claims.exp * 1000 < Date.now())
      return jwtError('Signature has expired', 'Invalid token')
    return handle(claims.identity)
  }

  #createJob(req: LoggedRequest, user: string): Reply {
    const data = jsonBody(req)
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return { status: 400, body: { message: 'Failed to decode JSON object' } }
    const doc = data as Record<string, unknown>
    const meta = (doc.meta ?? {}) as Record<string, unknown>
    const env = meta.env as Record<string, unknown> | undefined
    if (env !== undefined && typeof env.env_name !== 'string')
      return {
        status: 400,
        body: { message: 'Missing env_name in env metadata.' }
      }
    const packages = meta.packages as
      Record<string, Record<string, unknown>> | undefined
    if (packages === undefined)
      return { status: 400, body: { message: 'Missing packages metadata.' } }
    const measurements = Array.isArray(doc.measurements) ? doc.measurements : []
    for (const m of measurements as Record<string, unknown>[]) {
      if (typeof m.metric !== 'string')
        return {
          status: 400,
          body: { message: 'Missing metric name in measurement.' }
        }
      // The real server warns, then uses an unbound variable: a 500 page.
      if (!this.metrics.has(m.metric)) {
        return {
          status: 500,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n'
        }
      }
    }
    const { env: _env, packages: _packages, ...rest } = meta
    const id = this.jobs.length + 1
    this.jobs.push({
      id,
      date_created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      ci_dataset:
        ((env?.ci_dataset ?? env?.dataset) as string | undefined) ?? null,
      env: env ?? { env_name: 'unknown' },
      meta: rest,
      packages: Object.entries(packages).map(([name, p]) => ({ name, ...p })),
      measurements: measurements as Record<string, unknown>[],
      blobs: Array.isArray(doc.blobs) ? doc.blobs : [],
      user
    })
    const task = `task-${++this.#task}`
    return {
      status: 202,
      body: {
        message: `Request for creating Job \`${id}\` received`,
        status: `${this.url}/status/${task}`
      }
    }
  }

  #getJob(id: number): Reply {
    const job = this.jobs.find((j) => j.id === id)
    if (job === undefined)
      return { status: 404, body: { message: `Job \`${id}\` not found.` } }
    return {
      status: 200,
      body: {
        id: job.id,
        date_created: job.date_created,
        ci_dataset: job.ci_dataset,
        s3_uri: `s3://squash-emulated/jobs/${job.id}.json`,
        measurements: job.measurements,
        meta: { ...job.meta, packages: job.packages, env: job.env }
      }
    }
  }

  #createMetrics(req: LoggedRequest): Reply {
    const data = jsonBody(req) as { metrics?: unknown } | unknown[] | undefined
    const list = Array.isArray(data) ? data : data?.metrics
    if (!Array.isArray(list))
      return { status: 400, body: { message: 'Expected a list of metrics.' } }
    for (const m of list as { name?: unknown; package?: unknown }[]) {
      if (typeof m.name !== 'string')
        return { status: 400, body: { message: 'Missing metric name.' } }
      this.metrics.add(
        m.name.includes('.') || typeof m.package !== 'string'
          ? m.name
          : `${m.package}.${m.name}`
      )
    }
    return { status: 201, body: { message: 'Metrics created.' } }
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
