/**
 * The two Jenkins build endpoints the bridge reads, written from
 * ../shared/research/protocols.md §1, §4 and §5: `<build>/api/json` (with
 * `_class`, `{}` placeholder actions, ParametersAction, BuildData;
 * `building`/`inProgress`) and `<build>/logText/progressiveText?start=N`
 * (`X-Text-Size`, `X-More-Data: true` only while building, the whole log
 * when `start` is past the end). Basic auth with API tokens: none → 403
 * (anonymous has no Job/Read), a wrong one → 401. A small stand-in until the
 * full Jenkins emulator of the Jenkins client can serve the bridge tests.
 */

import {
  HttpEmulator,
  type LoggedRequest,
  type Reply,
  type Route
} from '../http-emulator.js'

export interface EmulatedBuild {
  job: string
  number: number
  result: string | null
  building: boolean
  duration: number
  timestamp: number
  parameters: Record<string, string>
  sha?: string
  log: string
}

export class JenkinsBuildsEmulator extends HttpEmulator {
  readonly builds = new Map<string, EmulatedBuild>()
  readonly #users: Record<string, string>

  /** `users`: user → API token. */
  constructor(
    users: Record<string, string> = { 'ci-bot': 'jenkins-api-token-0001' }
  ) {
    super()
    this.#users = users
  }

  /** The build's path: `job/team/job/app/42/`. */
  static buildPath(job: string, number: number): string {
    return `${job
      .split('/')
      .map((s) => `job/${encodeURIComponent(s)}`)
      .join('/')}/${number}/`
  }

  /** Adds (or replaces) a build; returns its absolute URL. */
  addBuild(
    b: Partial<EmulatedBuild> & { job: string; number: number }
  ): string {
    const path = JenkinsBuildsEmulator.buildPath(b.job, b.number)
    this.builds.set(`/${path}`, {
      result: null,
      building: false,
      duration: 0,
      timestamp: Date.now(),
      parameters: {},
      log: '',
      ...b
    })
    return `${this.url}/${path}`
  }

  protected routes(): Route[] {
    const build = '(?<build>/(?:job/[^/]+/)+\\d+/)'
    return [
      {
        name: 'build-json',
        method: 'GET',
        pattern: new RegExp(`^${build}api/json$`),
        handle: (req, p) => this.#guard(req, p, (b) => this.#json(b))
      },
      {
        name: 'progressive-text',
        method: 'GET',
        pattern: new RegExp(`^${build}logText/progressiveText$`),
        handle: (req, p) => this.#guard(req, p, (b) => this.#log(req, b))
      }
    ]
  }

  #guard(
    req: LoggedRequest,
    p: Record<string, string>,
    answer: (b: EmulatedBuild) => Reply
  ): Reply {
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    if (basic === null)
      return {
        status: 403,
        body: 'Access Denied: anonymous is missing the Job/Read permission'
      }
    const [user = '', token = ''] = Buffer.from(basic[1] ?? '', 'base64')
      .toString()
      .split(':')
    if (this.#users[user] !== token)
      return { status: 401, body: 'Invalid password/token for user: ' + user }
    const b = this.builds.get(p.build ?? '')
    return b === undefined ? { status: 404, body: 'Not Found' } : answer(b)
  }

  #json(b: EmulatedBuild): Reply {
    const url = `${this.url}/${JenkinsBuildsEmulator.buildPath(b.job, b.number)}`
    return {
      status: 200,
      body: {
        _class: 'org.jenkinsci.plugins.workflow.job.WorkflowRun',
        actions: [
          {
            _class: 'hudson.model.ParametersAction',
            parameters: Object.entries(b.parameters).map(([name, value]) => ({
              _class: 'hudson.model.StringParameterValue',
              name,
              value
            }))
          },
          {},
          ...(b.sha === undefined
            ? []
            : [
                {
                  _class: 'hudson.plugins.git.util.BuildData',
                  lastBuiltRevision: { SHA1: b.sha }
                }
              ])
        ],
        building: b.building,
        inProgress: b.building,
        duration: b.building ? 0 : b.duration,
        number: b.number,
        result: b.result,
        timestamp: b.timestamp,
        url
      }
    }
  }

  #log(req: LoggedRequest, b: EmulatedBuild): Reply {
    const bytes = Buffer.from(b.log, 'utf8')
    const start = Number(
      new URL(req.url, 'http://x').searchParams.get('start') ?? 0
    )
    // Past the end, Jenkins assumes the log rolled over and sends it all.
    const from = start > bytes.length ? 0 : start
    return {
      status: 200,
      headers: {
        'x-text-size': String(bytes.length),
        ...(b.building ? { 'x-more-data': 'true' } : {})
      },
      body: bytes.subarray(from).toString('utf8')
    }
  }
}
