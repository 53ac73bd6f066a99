/**
 * A thin typed Jenkins client on node:http: trigger, queue items,
 * builds, the progressive console, stop. It speaks the REST API as the real
 * server answers it (protocols.md §1–5) and nothing more; waiting and
 * streaming live in `follow.ts`, `watch.ts` and `run-build.ts`.
 */

import { JenkinsError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { silentReporter } from '../core/reporter.js'
import { JenkinsHttp, type JenkinsHttpOptions } from './http.js'
import { buildPath, jobName, jobPath, normalizeBaseUrl } from './paths.js'
import {
  triggerBuild,
  type BuildParameters,
  type TriggerOptions,
  type TriggerResult
} from './trigger.js'
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
   * otherwise (see trigger.ts).
   */
  async trigger(
    job: string,
    parameters: BuildParameters = [],
    options: TriggerOptions = {}
  ): Promise<TriggerResult> {
    const path = this.jobPath(job)
    return triggerBuild(this.http, path, parameters, {
      ...options,
      pageUrl: this.pageUrl(job),
      user: this.user
    })
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
