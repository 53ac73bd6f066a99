/**
 * A thin typed Jenkins client on undici's fetch: trigger, queue items,
 * builds, the progressive console, stop. It speaks the REST API as the real
 * server answers it (protocols.md §1–5) and nothing more; waiting and
 * streaming live in `follow.ts`, `watch.ts` and `run-build.ts`.
 */

import { JenkinsError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { silentReporter } from '../core/reporter.js'
import {
  JenkinsHttp,
  JenkinsHttpError,
  type JenkinsHttpOptions
} from './http.js'
import {
  buildPath,
  jobName,
  jobPath,
  normalizeBaseUrl,
  queueIdFromLocation
} from './paths.js'
import {
  BUILD_TREE,
  QUEUE_TREE,
  parseBuildInfo,
  parseBuildList,
  parseQueueItem,
  type BuildInfo,
  type BuildRef,
  type QueueItem
} from './types.js'

export interface JenkinsClientOptions extends Omit<
  JenkinsHttpOptions,
  'base' | 'reporter'
> {
  /** Jenkins' base URL, e.g. `https://ci.example.org/jenkins` (credentials in it are used, then dropped). */
  url: string
  reporter?: Reporter
}

/** Parameters in the order given; names may repeat only if Jenkins allows it. */
export type BuildParameters = readonly (readonly [string, string])[]

export interface TriggerResult {
  queueId: number
  /** The `Location` Jenkins sent: `<scheme>://<host>/queue/item/<id>/`. */
  queueUrl: string
  /** True on a 303: an identical request was already queued, and this one was merged into it. */
  coalesced: boolean
}

export interface ConsoleChunk {
  /** Raw bytes from `start` (console notes already removed by Jenkins). */
  bytes: Uint8Array
  /** Opaque offset for the next call (`X-Text-Size`): never derived from the body length. */
  next: number
  /** `X-More-Data: true`: the build is still writing. Absent means finished. */
  more: boolean
}

/** How to stop a build: `stop` (any job), `term` and `kill` (Pipeline only). */
export type StopMode = 'stop' | 'term' | 'kill'

interface Call {
  signal?: AbortSignal
}

export class JenkinsClient {
  readonly http: JenkinsHttp
  /** The base URL without credentials. */
  readonly baseUrl: string
  readonly user: string | undefined

  constructor(options: JenkinsClientOptions) {
    const { base, user, password } = normalizeBaseUrl(options.url)
    this.baseUrl = base
    this.user = options.user ?? user
    const token = options.token ?? password
    this.http = new JenkinsHttp({
      ...options,
      base,
      reporter: options.reporter ?? silentReporter,
      ...(this.user === undefined ? {} : { user: this.user }),
      ...(token === undefined ? {} : { token })
    })
  }

  /** `/job/a/job/b` for `a/b` (or a job URL under our base). */
  jobPath(job: string): string {
    return jobPath(job, this.baseUrl)
  }

  /** The browser URL of a job or build under our base URL. */
  pageUrl(job: string, number?: number): string {
    const path = this.jobPath(job)
    return `${this.baseUrl}${number === undefined ? path : buildPath(path, number)}/`
  }

  /**
   * Queues a build: `buildWithParameters` when parameters are given, `build`
   * otherwise (falling back to `buildWithParameters` with the job's defaults
   * when Jenkins says the job is parameterized). A retried trigger is safe
   * while the first is still queued: Jenkins merges identical requests.
   */
  async trigger(
    job: string,
    parameters: BuildParameters = [],
    options: Call & { delaySeconds?: number } = {}
  ): Promise<TriggerResult> {
    const path = this.jobPath(job)
    const name = jobName(path)
    const query =
      options.delaySeconds === undefined
        ? undefined
        : { delay: `${options.delaySeconds}sec` }
    const post = async (
      endpoint: string,
      form?: URLSearchParams
    ): Promise<TriggerResult> => {
      const res = await this.http.post(`${path}/${endpoint}`, {
        accept: [200, 201, 302, 303],
        ...(query === undefined ? {} : { query }),
        ...(form === undefined ? {} : { form }),
        ...(options.signal === undefined ? {} : { signal: options.signal })
      })
      const location = res.headers.get('location') ?? ''
      const queueId = queueIdFromLocation(location)
      if (queueId === undefined) {
        throw new JenkinsError(
          `Jenkins accepted the trigger of '${name}' (${res.status}) but sent no queue item Location (got ${JSON.stringify(location)})`,
          {
            where: { url: res.url },
            hint: 'a very old Jenkins, or a proxy rewriting redirects'
          }
        )
      }
      return { queueId, queueUrl: location, coalesced: res.status === 303 }
    }
    try {
      if (parameters.length === 0) {
        try {
          return await post('build')
        } catch (error) {
          // A parameterized job refuses `build` without a form: use its defaults.
          if (error instanceof JenkinsHttpError && error.status === 400) {
            return await post('buildWithParameters', new URLSearchParams())
          }
          throw error
        }
      }
      return await post(
        'buildWithParameters',
        new URLSearchParams(
          parameters.map(([k, v]): [string, string] => [k, v])
        )
      )
    } catch (error) {
      throw this.#triggerError(error, name, parameters)
    }
  }

  #triggerError(
    error: unknown,
    name: string,
    parameters: BuildParameters
  ): unknown {
    if (!(error instanceof JenkinsHttpError)) return error
    const url = this.pageUrl(name)
    const where = { url }
    switch (error.status) {
      case 404:
        return new JenkinsError(`job '${name}' not found: ${url} (404)`, {
          hint: `check the name and folders (a/b/c); Jenkins also answers 404 when ${this.user === undefined ? 'anonymous users' : `user '${this.user}'`} may not see the job`
        })
      case 409:
        return new JenkinsError(
          `job '${name}' is disabled in Jenkins (409: not buildable)`,
          {
            where,
            hint: 'enable the job in Jenkins, or trigger another one'
          }
        )
      case 400:
      case 500:
        if (/not parameterized/i.test(error.text)) {
          return new JenkinsError(
            `job '${name}' takes no parameters, but ${parameters.map(([k]) => k).join(', ')} ${parameters.length === 1 ? 'was' : 'were'} given (${error.status})`,
            {
              where,
              hint: 'remove the parameters, or add them to the job in Jenkins'
            }
          )
        }
        return error
      default:
        return error
    }
  }

  /** A queue item, or undefined once Jenkins has forgotten it (404, ~5 min after it left). */
  async queueItem(
    id: number,
    options: Call = {}
  ): Promise<QueueItem | undefined> {
    const res = await this.http.get(`/queue/item/${id}/api/json`, {
      query: { tree: QUEUE_TREE },
      accept: [200, 404],
      ...options
    })
    if (res.status === 404) return undefined
    return parseQueueItem(
      JSON.parse(new TextDecoder().decode(res.body)) as unknown,
      res.url
    )
  }

  /** Cancels a queued item; `gone` when it had already left the queue. */
  async cancelQueueItem(
    id: number,
    options: Call = {}
  ): Promise<'cancelled' | 'gone'> {
    const res = await this.http.post('/queue/cancelItem', {
      query: { id },
      accept: [200, 204, 302, 303, 404],
      ...options
    })
    return res.status === 404 ? 'gone' : 'cancelled'
  }

  /** A build's state, through a `tree` of the ten fields we read. */
  async build(
    job: string,
    number: number,
    options: Call = {}
  ): Promise<BuildInfo> {
    const { json, url } = await this.http.json(
      `${buildPath(this.jobPath(job), number)}/api/json`,
      {
        query: { tree: BUILD_TREE },
        ...options
      }
    )
    return parseBuildInfo(json, url)
  }

  /** The job's most recent builds with their queue ids (to find a build whose queue item expired). */
  async recentBuilds(
    job: string,
    options: Call & { limit?: number } = {}
  ): Promise<(BuildRef & { queueId?: number })[]> {
    const { json, url } = await this.http.json(
      `${this.jobPath(job)}/api/json`,
      {
        query: { tree: `builds[number,url,queueId]{0,${options.limit ?? 50}}` },
        ...(options.signal === undefined ? {} : { signal: options.signal })
      }
    )
    return parseBuildList(json, url)
  }

  /** The console from byte offset `start` (`logText/progressiveText`). */
  async progressiveText(
    job: string,
    number: number,
    start: number,
    options: Call = {}
  ): Promise<ConsoleChunk> {
    const res = await this.http.get(
      `${buildPath(this.jobPath(job), number)}/logText/progressiveText`,
      {
        query: { start },
        ...options
      }
    )
    const size = Number(res.headers.get('x-text-size'))
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new JenkinsError(`GET ${res.url} sent no valid X-Text-Size header`)
    }
    return {
      bytes: res.body,
      next: size,
      more: res.headers.get('x-more-data') === 'true'
    }
  }

  /** The whole console as it is now (`consoleText`). */
  async consoleText(
    job: string,
    number: number,
    options: Call = {}
  ): Promise<Uint8Array> {
    return (
      await this.http.get(
        `${buildPath(this.jobPath(job), number)}/consoleText`,
        options
      )
    ).body
  }

  /**
   * Stops a build (Jenkins answers 302 whether or not it was running). `term`
   * and `kill` exist only for Pipelines; elsewhere we fall back to `stop`.
   * Returns the mode used.
   */
  async stop(
    job: string,
    number: number,
    mode: StopMode = 'stop',
    options: Call = {}
  ): Promise<StopMode> {
    const path = `${buildPath(this.jobPath(job), number)}/${mode}`
    const res = await this.http.post(path, {
      accept: [200, 302, 303, 404],
      ...options
    })
    if (res.status !== 404) return mode
    if (mode !== 'stop') return this.stop(job, number, 'stop', options)
    throw new JenkinsError(
      `cannot stop build #${number} of '${jobName(this.jobPath(job))}': not found (404)`,
      {
        where: { url: res.url }
      }
    )
  }
}
