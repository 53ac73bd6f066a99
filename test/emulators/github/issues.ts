/**
 * Issues for the GitHub emulator, as the REST API documents them
 * (docs.github.com/rest/issues/issues): create (`title` required, labels as
 * names), get, update (`state` open|closed with `state_reason`; reopening
 * clears `closed_at` and sets `state_reason: reopened`), and list for a
 * repository (`state` open by default, `labels` all required, newest
 * first, paginated with a Link header). Pull requests are not modelled.
 */

import {
  jsonBody,
  pagedReply,
  type LoggedRequest,
  type Reply
} from '../http-emulator.js'

export interface EmulatedIssue {
  repo: string
  number: number
  id: number
  title: string
  body: string | null
  labels: string[]
  state: 'open' | 'closed'
  state_reason: string | null
  login: string
  created_at: string
  updated_at: string
  closed_at: string | null
}

const DOC = 'https://docs.github.com/rest/issues/issues'

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z')
}

function failed(field: string, code: string, doc: string): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'Issue', code, field }],
      documentation_url: `${DOC}#${doc}`
    }
  }
}

function labelNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.map((l: unknown) => {
    if (typeof l === 'string') return l
    const name = (l as { name?: unknown }).name
    return typeof name === 'string' ? name : ''
  })
}

/** The issues of every repository, and their routes' handlers. */
export class IssueTracker {
  readonly issues: EmulatedIssue[] = []
  #nextId = 5000

  constructor(
    readonly url: () => string,
    readonly user: (login: string) => Record<string, unknown>
  ) {}

  json(i: EmulatedIssue): Record<string, unknown> {
    const url = `${this.url()}/repos/${i.repo}/issues/${i.number}`
    return {
      id: i.id,
      node_id: `I_${i.id}`,
      url,
      repository_url: `${this.url()}/repos/${i.repo}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `https://github.com/${i.repo}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      user: this.user(i.login),
      labels: i.labels.map((name, n) => ({
        id: 100 + n,
        node_id: `LA_${name}`,
        url: `${this.url()}/repos/${i.repo}/labels/${encodeURIComponent(name)}`,
        name,
        color: 'ededed',
        default: false,
        description: null
      })),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      comments: 0,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
      author_association: 'NONE'
    }
  }

  find(repo: string, number: string | undefined): EmulatedIssue | undefined {
    return this.issues.find(
      (i) => i.repo === repo && i.number === Number(number)
    )
  }

  create(req: LoggedRequest, repo: string, login: string): Reply {
    const b = jsonBody(req) as Record<string, unknown> | undefined
    const title = b?.title
    if (typeof title !== 'string' && typeof title !== 'number')
      return {
        status: 422,
        body: {
          message: 'Invalid request.\n\n"title" wasn\'t supplied.',
          documentation_url: `${DOC}#create-an-issue`,
          status: '422'
        }
      }
    const at = now()
    const issue: EmulatedIssue = {
      repo,
      number: this.issues.filter((i) => i.repo === repo).length + 1,
      id: this.#nextId++,
      title: String(title),
      body: typeof b?.body === 'string' ? b.body : null,
      labels: labelNames(b?.labels) ?? [],
      state: 'open',
      state_reason: null,
      login,
      created_at: at,
      updated_at: at,
      closed_at: null
    }
    this.issues.push(issue)
    const json = this.json(issue)
    return { status: 201, headers: { location: String(json.url) }, body: json }
  }

  update(req: LoggedRequest, repo: string, number: string | undefined): Reply {
    const issue = this.find(repo, number)
    if (issue === undefined)
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: DOC }
      }
    const b = (jsonBody(req) ?? {}) as Record<string, unknown>
    if (b.state !== undefined && b.state !== 'open' && b.state !== 'closed')
      return failed('state', 'invalid', 'update-an-issue')
    const reasons = ['completed', 'not_planned', 'reopened', null]
    if (
      b.state_reason !== undefined &&
      !reasons.includes(b.state_reason as string | null)
    )
      return failed('state_reason', 'invalid', 'update-an-issue')
    if (typeof b.title === 'string') issue.title = b.title
    if (typeof b.body === 'string') issue.body = b.body
    issue.labels = labelNames(b.labels) ?? issue.labels
    const at = now()
    if (b.state === 'closed' && issue.state === 'open') {
      issue.state = 'closed'
      issue.closed_at = at
      issue.state_reason = (b.state_reason as string | undefined) ?? 'completed'
    } else if (b.state === 'open' && issue.state === 'closed') {
      issue.state = 'open'
      issue.closed_at = null
      issue.state_reason = 'reopened'
    }
    issue.updated_at = at
    return { status: 200, body: this.json(issue) }
  }

  list(req: LoggedRequest, repo: string): Reply {
    const q = new URLSearchParams(req.url.split('?')[1] ?? '')
    const state = q.get('state') ?? 'open'
    if (!['open', 'closed', 'all'].includes(state))
      return failed('state', 'invalid', 'list-repository-issues')
    const labels = (q.get('labels') ?? '').split(',').filter((l) => l !== '')
    const all = this.issues
      .filter(
        (i) =>
          i.repo === repo &&
          (state === 'all' || i.state === state) &&
          labels.every((l) => i.labels.includes(l))
      )
      .reverse()
      .map((i) => this.json(i))
    return pagedReply(
      all,
      q,
      `${this.url()}/repos/${repo}/issues?state=${state}&labels=${encodeURIComponent(labels.join(','))}`
    )
  }
}
