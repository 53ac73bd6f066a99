/**
 * A GitHub REST emulator, written from ../shared/research/protocols.md §11
 * and checked against the recorded responses in test/fixtures/recorded:
 * commit statuses (create, combined, list), check runs (create, update, get,
 * list for a ref, annotations), issue comments (list with pagination,
 * create, update, delete) and `/rate_limit`, with GitHub's validation (422),
 * token kinds (a PAT gets 403 on check runs), and rate-limit headers on every
 * answer. Point Octokit at it with `baseUrl: url`.
 */

import {
  HttpEmulator,
  credential,
  jsonBody,
  type LoggedRequest,
  type Reply,
  type Route
} from '../http-emulator.js'
import { checkAppJwt, type EmulatedApp } from './app-auth.js'

export type TokenKind = 'app' | 'actions' | 'pat'

export interface GitHubEmulatorOptions {
  tokens?: Record<string, { kind: TokenKind; login?: string }>
  /** `owner/repo` → known commit SHAs (any 40-hex SHA when omitted). */
  repos?: Record<string, string[] | undefined>
  rateLimit?: number
  /** GitHub Apps (app id → public key, installations) that can mint tokens. */
  apps?: Record<string, EmulatedApp>
  /** Lifetime of minted installation tokens, seconds (GitHub: 3600). */
  installationTokenTtl?: number
}

interface Status {
  id: number
  sha: string
  repo: string
  state: string
  description: string | null
  target_url: string | null
  context: string
  created_at: string
  login: string
}

interface CheckRun {
  id: number
  repo: string
  name: string
  head_sha: string
  external_id: string
  details_url: string | null
  status: string
  conclusion: string | null
  started_at: string | null
  completed_at: string | null
  output: { title: string | null; summary: string | null; text: string | null }
  annotations: Record<string, unknown>[]
}

interface Comment {
  id: number
  repo: string
  issue: number
  body: string
  login: string
  created_at: string
  updated_at: string
}

const DOCS = 'https://docs.github.com/rest'
const STATES = ['error', 'failure', 'pending', 'success']
const CHECK_STATUSES = ['queued', 'in_progress', 'completed']
const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'timed_out'
]

export class GitHubEmulator extends HttpEmulator {
  readonly statuses: Status[] = []
  readonly checkRuns: CheckRun[] = []
  readonly comments: Comment[] = []
  readonly #tokens: Record<string, { kind: TokenKind; login?: string }>
  readonly #repos: Record<string, string[] | undefined>
  readonly #limit: number
  readonly #apps: Record<string, EmulatedApp>
  readonly #ttl: number
  /** Minted installation tokens → when they expire (ms). */
  readonly #expiry = new Map<string, number>()
  #minted = 0
  #used = 0
  #reset = Math.floor(Date.now() / 1000) + 3600
  #nextId = 1000

  constructor(options: GitHubEmulatorOptions = {}) {
    super()
    this.#tokens = options.tokens ?? {
      ghs_app_token: { kind: 'app', login: 'stackci[bot]' }
    }
    this.#repos = options.repos ?? { 'lsst/stack': undefined }
    this.#limit = options.rateLimit ?? 5000
    this.#apps = options.apps ?? {}
    this.#ttl = options.installationTokenTtl ?? 3600
  }

  /** Adds a token (e.g. one minted elsewhere) of the given kind. */
  addToken(token: string, kind: TokenKind, login?: string): void {
    this.#tokens[token] = { kind, ...(login === undefined ? {} : { login }) }
  }

  /** Uses up the primary rate limit: further calls get 403 until `resetIn` s. */
  exhaustRateLimit(resetInSeconds = 60): void {
    this.#used = this.#limit
    this.#reset = Math.floor(Date.now() / 1000) + resetInSeconds
  }

  /** The latest status of each context on a commit. */
  latestStatuses(repo: string, sha: string): Map<string, Status> {
    const out = new Map<string, Status>()
    for (const s of this.statuses)
      if (s.repo === repo && s.sha === sha) out.set(s.context, s)
    return out
  }

  protected override commonHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.#limit),
      'x-ratelimit-remaining': String(Math.max(0, this.#limit - this.#used)),
      'x-ratelimit-reset': String(this.#reset),
      'x-ratelimit-used': String(this.#used),
      'x-ratelimit-resource': 'core',
      'x-github-media-type': 'github.v3; format=json'
    }
  }

  protected override notFound(): Reply {
    return {
      status: 404,
      body: { message: 'Not Found', documentation_url: DOCS }
    }
  }

  protected routes(): Route[] {
    const repo = '/repos/(?<owner>[^/]+)/(?<repo>[^/]+)'
    const r = (
      name: string,
      method: string,
      path: string,
      handle: Route['handle']
    ): Route => ({
      name,
      method,
      pattern: new RegExp(`^${path}$`),
      handle: async (req, params) => this.#guard(req, params, handle)
    })
    return [
      {
        name: 'installation-token',
        method: 'POST',
        pattern: /^\/app\/installations\/(?<id>\d+)\/access_tokens$/,
        handle: (req, p) => this.#mintToken(req, p.id ?? '')
      },
      r('rate_limit', 'GET', '/rate_limit', () => this.#rateLimitBody()),
      r('create-status', 'POST', `${repo}/statuses/(?<sha>[^/]+)`, (q, p) =>
        this.#createStatus(q, p)
      ),
      r(
        'combined-status',
        'GET',
        `${repo}/commits/(?<ref>[^/]+)/status`,
        (_q, p) => this.#combined(p)
      ),
      r(
        'list-statuses',
        'GET',
        `${repo}/commits/(?<ref>[^/]+)/statuses`,
        (_q, p) => ({
          status: 200,
          body: this.#statusesOf(p)
            .reverse()
            .map((s) => this.#statusJson(s))
        })
      ),
      r('create-check-run', 'POST', `${repo}/check-runs`, (q, p) =>
        this.#createCheck(q, p)
      ),
      r('update-check-run', 'PATCH', `${repo}/check-runs/(?<id>\\d+)`, (q, p) =>
        this.#updateCheck(q, p)
      ),
      r('get-check-run', 'GET', `${repo}/check-runs/(?<id>\\d+)`, (_q, p) => {
        const run = this.#check(p)
        return run === undefined
          ? this.notFound()
          : { status: 200, body: this.#checkJson(run) }
      }),
      r(
        'check-run-annotations',
        'GET',
        `${repo}/check-runs/(?<id>\\d+)/annotations`,
        (_q, p) => {
          const run = this.#check(p)
          return run === undefined
            ? this.notFound()
            : { status: 200, body: run.annotations }
        }
      ),
      r(
        'check-runs-for-ref',
        'GET',
        `${repo}/commits/(?<ref>[^/]+)/check-runs`,
        (_q, p) => {
          const runs = this.checkRuns.filter(
            (c) => c.repo === key(p) && c.head_sha === p.ref
          )
          return {
            status: 200,
            body: {
              total_count: runs.length,
              check_runs: runs.map((c) => this.#checkJson(c))
            }
          }
        }
      ),
      r(
        'list-comments',
        'GET',
        `${repo}/issues/(?<issue>\\d+)/comments`,
        (q, p) => this.#listComments(q, p)
      ),
      r(
        'create-comment',
        'POST',
        `${repo}/issues/(?<issue>\\d+)/comments`,
        (q, p) => this.#createComment(q, p)
      ),
      r(
        'update-comment',
        'PATCH',
        `${repo}/issues/comments/(?<id>\\d+)`,
        (q, p) => this.#updateComment(q, p)
      ),
      r(
        'delete-comment',
        'DELETE',
        `${repo}/issues/comments/(?<id>\\d+)`,
        (_q, p) => {
          const i = this.comments.findIndex(
            (c) => c.repo === key(p) && c.id === Number(p.id)
          )
          if (i < 0) return this.notFound()
          this.comments.splice(i, 1)
          return { status: 204 }
        }
      )
    ]
  }

  /** Authentication, rate limiting and repository lookup for every route. */
  async #guard(
    req: LoggedRequest,
    params: Record<string, string>,
    handle: Route['handle']
  ): Promise<Reply> {
    const token = credential(req)
    if (token === undefined) {
      return {
        status: 401,
        body: { message: 'Requires authentication', documentation_url: DOCS }
      }
    }
    const expires = this.#expiry.get(token)
    if (
      this.#tokens[token] === undefined ||
      (expires !== undefined && expires <= Date.now())
    ) {
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: DOCS }
      }
    }
    if (req.path !== '/rate_limit') {
      if (this.#used >= this.#limit) {
        return {
          status: 403,
          body: {
            message: `API rate limit exceeded for installation ID 1.`,
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`
          }
        }
      }
      this.#used++
    }
    if (params.owner !== undefined && !(key(params) in this.#repos))
      return this.notFound()
    return handle(req, params)
  }

  /** Trades an app's JWT for an installation token. */
  #mintToken(req: LoggedRequest, installation: string): Reply {
    const jwt = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const checked =
      jwt === undefined
        ? { error: 'A JSON web token could not be decoded' }
        : checkAppJwt(jwt, this.#apps, Math.floor(Date.now() / 1000))
    if ('error' in checked)
      return {
        status: 401,
        body: { message: checked.error, documentation_url: DOCS }
      }
    if (
      !(this.#apps[checked.appId]?.installations ?? []).includes(
        Number(installation)
      )
    )
      return this.notFound()
    const token = `ghs_minted${String(++this.#minted).padStart(4, '0')}`
    const expiresAt = Date.now() + this.#ttl * 1000
    this.addToken(token, 'app', `app-${checked.appId}[bot]`)
    this.#expiry.set(token, expiresAt)
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'),
        permissions: { checks: 'write', statuses: 'write', metadata: 'read' },
        repository_selection: 'all'
      }
    }
  }

  #login(req: LoggedRequest): string {
    return this.#tokens[credential(req) ?? '']?.login ?? 'ci-bot'
  }

  #rateLimitBody(): Reply {
    const core = {
      limit: this.#limit,
      used: this.#used,
      remaining: Math.max(0, this.#limit - this.#used),
      reset: this.#reset
    }
    return {
      status: 200,
      body: { resources: { core, search: { ...core, limit: 30 } }, rate: core }
    }
  }

  #knownSha(p: Record<string, string>, sha: string): boolean {
    const known = this.#repos[key(p)]
    return known === undefined
      ? /^[0-9a-f]{40}$/.test(sha)
      : known.includes(sha)
  }

  #createStatus(req: LoggedRequest, p: Record<string, string>): Reply {
    const body = jsonBody(req) as Record<string, unknown> | undefined
    const sha = p.sha ?? ''
    if (!this.#knownSha(p, sha))
      return invalid(
        `No commit found for SHA: ${sha}`,
        'commits/statuses#create-a-commit-status'
      )
    const errors: Record<string, unknown>[] = []
    if (typeof body?.state !== 'string' || !STATES.includes(body.state)) {
      errors.push({
        resource: 'Status',
        code: 'custom',
        field: 'state',
        message: `state is not included in the list`
      })
    }
    if (
      typeof body?.description === 'string' &&
      body.description.length > 140
    ) {
      errors.push({
        resource: 'Status',
        code: 'custom',
        field: 'description',
        message: 'description is too long (maximum is 140 characters)'
      })
    }
    if (errors.length > 0)
      return validationFailed(errors, 'commits/statuses#create-a-commit-status')
    const status: Status = {
      id: this.#nextId++,
      sha,
      repo: key(p),
      state: body?.state as string,
      description:
        typeof body?.description === 'string' ? body.description : null,
      target_url: typeof body?.target_url === 'string' ? body.target_url : null,
      context: typeof body?.context === 'string' ? body.context : 'default',
      created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      login: this.#login(req)
    }
    this.statuses.push(status)
    return {
      status: 201,
      headers: { location: `${this.url}/repos/${status.repo}/statuses/${sha}` },
      body: this.#statusJson(status)
    }
  }

  #statusesOf(p: Record<string, string>): Status[] {
    return this.statuses.filter((s) => s.repo === key(p) && s.sha === p.ref)
  }

  #combined(p: Record<string, string>): Reply {
    const latest = [...this.latestStatuses(key(p), p.ref ?? '').values()]
    const state = latest.some(
      (s) => s.state === 'error' || s.state === 'failure'
    )
      ? 'failure'
      : latest.length === 0 || latest.some((s) => s.state === 'pending')
        ? 'pending'
        : 'success'
    return {
      status: 200,
      body: {
        state,
        statuses: latest.map((s) => this.#statusJson(s)),
        sha: p.ref,
        total_count: latest.length,
        repository: {
          id: 1,
          name: p.repo,
          full_name: key(p),
          owner: { login: p.owner }
        },
        commit_url: `${this.url}/repos/${key(p)}/commits/${p.ref ?? ''}`,
        url: `${this.url}/repos/${key(p)}/commits/${p.ref ?? ''}/status`
      }
    }
  }

  #statusJson(s: Status): Record<string, unknown> {
    return {
      url: `${this.url}/repos/${s.repo}/statuses/${s.sha}`,
      avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4',
      id: s.id,
      node_id: `SC_${s.id}`,
      state: s.state,
      description: s.description,
      target_url: s.target_url,
      context: s.context,
      created_at: s.created_at,
      updated_at: s.created_at,
      creator: userJson(this.url, s.login)
    }
  }

  #checkPermission(req: LoggedRequest): Reply | undefined {
    const kind = this.#tokens[credential(req) ?? '']?.kind
    if (kind === 'pat') {
      return {
        status: 403,
        body: {
          message: 'You must authenticate via a GitHub App.',
          documentation_url: `${DOCS}/reference/checks#create-a-check-run`
        }
      }
    }
    return undefined
  }

  #validateCheck(
    body: Record<string, unknown>,
    run: Partial<CheckRun>
  ): Reply | undefined {
    const errors: Record<string, unknown>[] = []
    if (
      body.status !== undefined &&
      (typeof body.status !== 'string' || !CHECK_STATUSES.includes(body.status))
    ) {
      errors.push({ resource: 'CheckRun', code: 'invalid', field: 'status' })
    }
    if (
      body.conclusion !== undefined &&
      body.conclusion !== null &&
      (typeof body.conclusion !== 'string' ||
        !CONCLUSIONS.includes(body.conclusion))
    ) {
      errors.push({
        resource: 'CheckRun',
        code: 'invalid',
        field: 'conclusion'
      })
    }
    const completing =
      body.status === 'completed' || body.completed_at !== undefined
    if (completing && (body.conclusion ?? run.conclusion) == null) {
      return invalid(
        'Invalid request.\n\nconclusion is required when status is completed.',
        'checks/runs'
      )
    }
    const output = body.output as
      { summary?: unknown; text?: unknown; annotations?: unknown } | undefined
    if (Array.isArray(output?.annotations) && output.annotations.length > 50) {
      return invalid(
        `Invalid request.\n\nNo more than 50 items are allowed; ${output.annotations.length} were supplied.`,
        'checks/runs'
      )
    }
    for (const field of ['summary', 'text'] as const) {
      const v = output?.[field]
      if (typeof v === 'string' && v.length > 65535) {
        return invalid(
          `Invalid request.\n\nOnly 65535 characters are allowed; ${v.length} were supplied.`,
          'checks/runs'
        )
      }
    }
    return errors.length > 0
      ? validationFailed(errors, 'checks/runs')
      : undefined
  }

  #applyCheck(run: CheckRun, body: Record<string, unknown>): void {
    for (const field of [
      'name',
      'external_id',
      'details_url',
      'started_at',
      'completed_at'
    ] as const) {
      if (typeof body[field] === 'string')
        (run as unknown as Record<string, unknown>)[field] = body[field]
    }
    if (typeof body.status === 'string') run.status = body.status
    if (typeof body.conclusion === 'string') {
      // A conclusion forces the run to completed.
      run.conclusion = body.conclusion
      run.status = 'completed'
      run.completed_at ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    }
    const output = body.output as Record<string, unknown> | undefined
    if (output !== undefined) {
      for (const f of ['title', 'summary', 'text'] as const)
        if (typeof output[f] === 'string') run.output[f] = output[f]
      // Annotations are appended across updates.
      if (Array.isArray(output.annotations))
        run.annotations.push(
          ...(output.annotations as Record<string, unknown>[])
        )
    }
  }

  #createCheck(req: LoggedRequest, p: Record<string, string>): Reply {
    const denied = this.#checkPermission(req)
    if (denied !== undefined) return denied
    const body = (jsonBody(req) ?? {}) as Record<string, unknown>
    if (typeof body.name !== 'string' || typeof body.head_sha !== 'string') {
      return validationFailed(
        [
          {
            resource: 'CheckRun',
            code: 'missing_field',
            field: typeof body.name !== 'string' ? 'name' : 'head_sha'
          }
        ],
        'checks/runs'
      )
    }
    if (!this.#knownSha(p, body.head_sha))
      return invalid(`No commit found for SHA: ${body.head_sha}`, 'checks/runs')
    const bad = this.#validateCheck(body, {})
    if (bad !== undefined) return bad
    const run: CheckRun = {
      id: this.#nextId++,
      repo: key(p),
      name: body.name,
      head_sha: body.head_sha,
      external_id: '',
      details_url: null,
      status: 'queued',
      conclusion: null,
      started_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      completed_at: null,
      output: { title: null, summary: null, text: null },
      annotations: []
    }
    this.#applyCheck(run, body)
    this.checkRuns.push(run)
    return {
      status: 201,
      headers: {
        location: `${this.url}/repos/${run.repo}/check-runs/${run.id}`
      },
      body: this.#checkJson(run)
    }
  }

  #check(p: Record<string, string>): CheckRun | undefined {
    return this.checkRuns.find(
      (c) => c.repo === key(p) && c.id === Number(p.id)
    )
  }

  #updateCheck(req: LoggedRequest, p: Record<string, string>): Reply {
    const denied = this.#checkPermission(req)
    if (denied !== undefined) return denied
    const run = this.#check(p)
    if (run === undefined) return this.notFound()
    const body = (jsonBody(req) ?? {}) as Record<string, unknown>
    const bad = this.#validateCheck(body, run)
    if (bad !== undefined) return bad
    this.#applyCheck(run, body)
    return { status: 200, body: this.#checkJson(run) }
  }

  #checkJson(c: CheckRun): Record<string, unknown> {
    const url = `${this.url}/repos/${c.repo}/check-runs/${c.id}`
    return {
      id: c.id,
      node_id: `CR_${c.id}`,
      head_sha: c.head_sha,
      external_id: c.external_id,
      url,
      html_url: `https://github.com/${c.repo}/runs/${c.id}`,
      details_url: c.details_url,
      status: c.status,
      conclusion: c.conclusion,
      started_at: c.started_at,
      completed_at: c.completed_at,
      output: {
        ...c.output,
        annotations_count: c.annotations.length,
        annotations_url: `${url}/annotations`
      },
      name: c.name,
      check_suite: { id: 1 },
      app: {
        id: 1,
        slug: 'stackci',
        node_id: 'A_1',
        owner: userJson(this.url, 'lsst', 'Organization'),
        name: 'stackci',
        description: 'stackci relays',
        external_url: 'https://github.com/apps/stackci',
        html_url: 'https://github.com/apps/stackci',
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z'
      },
      pull_requests: []
    }
  }

  #listComments(req: LoggedRequest, p: Record<string, string>): Reply {
    const query = new URLSearchParams(req.url.split('?')[1] ?? '')
    const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100)
    const page = Math.max(Number(query.get('page') ?? 1) || 1, 1)
    const all = this.comments.filter(
      (c) => c.repo === key(p) && c.issue === Number(p.issue)
    )
    const items = all.slice((page - 1) * perPage, page * perPage)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    const base = `${this.url}/repos/${key(p)}/issues/${p.issue ?? ''}/comments?per_page=${perPage}`
    const links =
      page < last
        ? [
            `<${base}&page=${page + 1}>; rel="next"`,
            `<${base}&page=${last}>; rel="last"`
          ]
        : []
    return {
      status: 200,
      ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
      body: items.map((c) => this.#commentJson(c))
    }
  }

  #createComment(req: LoggedRequest, p: Record<string, string>): Reply {
    const body = jsonBody(req) as { body?: unknown } | undefined
    if (typeof body?.body !== 'string' || body.body === '') {
      return validationFailed(
        [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
        'issues/comments#create-an-issue-comment'
      )
    }
    if (body.body.length > 65536) {
      return validationFailed(
        [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)'
          }
        ],
        'issues/comments'
      )
    }
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const comment: Comment = {
      id: this.#nextId++,
      repo: key(p),
      issue: Number(p.issue),
      body: body.body,
      login: this.#login(req),
      created_at: now,
      updated_at: now
    }
    this.comments.push(comment)
    return {
      status: 201,
      headers: {
        location: `${this.url}/repos/${comment.repo}/issues/comments/${comment.id}`
      },
      body: this.#commentJson(comment)
    }
  }

  #updateComment(req: LoggedRequest, p: Record<string, string>): Reply {
    const comment = this.comments.find(
      (c) => c.repo === key(p) && c.id === Number(p.id)
    )
    if (comment === undefined) return this.notFound()
    const body = jsonBody(req) as { body?: unknown } | undefined
    if (typeof body?.body !== 'string' || body.body === '') {
      return validationFailed(
        [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
        'issues/comments#update-an-issue-comment'
      )
    }
    comment.body = body.body
    comment.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    return { status: 200, body: this.#commentJson(comment) }
  }

  #commentJson(c: Comment): Record<string, unknown> {
    return {
      url: `${this.url}/repos/${c.repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${c.repo}/issues/${c.issue}`,
      id: c.id,
      node_id: `IC_${c.id}`,
      user: userJson(this.url, c.login),
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: 'NONE',
      body: c.body
    }
  }
}

/** A "simple user" object as GitHub returns it everywhere. */
function userJson(
  base: string,
  login: string,
  type = 'Bot'
): Record<string, unknown> {
  const url = `${base}/users/${encodeURIComponent(login)}`
  return {
    login,
    id: 1,
    node_id: 'U_1',
    avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4',
    gravatar_id: '',
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false
  }
}

function key(p: Record<string, string>): string {
  return `${p.owner ?? ''}/${p.repo ?? ''}`
}

function validationFailed(
  errors: Record<string, unknown>[],
  doc: string
): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors,
      documentation_url: `${DOCS}/${doc}`
    }
  }
}

function invalid(message: string, doc: string): Reply {
  return { status: 422, body: { message, documentation_url: `${DOCS}/${doc}` } }
}
