/**
 * The two Jenkins reads the bridge makes: a build's authoritative state
 * (`<build>/api/json?tree=…`) and its console log tail
 * (`<build>/logText/progressiveText?start=0`, streamed, keeping only the last
 * lines). A minimal client behind {@link JenkinsBuildSource}, so the full
 * Jenkins client of src/jenkins can replace it.
 *
 * Callers name a build by job and number, never by URL: the URL is
 * JENKINS_URL + the job's path + the number, so an event cannot make the
 * bridge read another job's build (and post its log) with the bridge's
 * credentials by claiming that build's URL.
 */

import { JenkinsError } from '../core/errors.js'
import { retry, parseRetryAfter, withTimeout } from '../core/retry.js'
import { basicAuthHeader, redactUrl } from '../core/secrets.js'
import { isBuildResult } from '../jenkins/types.js'
import type { AuthoritativeBuild } from './build-state.js'

/** A build, as the bridge names it to Jenkins. */
export interface BuildRef {
  /** Full job name with folders (`team/app`). */
  job: string
  number: number
}

export interface JenkinsBuildSource {
  fetchBuild(build: BuildRef, signal?: AbortSignal): Promise<AuthoritativeBuild>
  fetchLogTail(
    build: BuildRef,
    lines: number,
    signal?: AbortSignal
  ): Promise<string>
}

/** `team/app`, 42 → `job/team/job/app/42/` (each name URL-encoded). */
export function jenkinsBuildPath(job: string, number: number): string {
  const jobs = job
    .split('/')
    .map((name) => `job/${encodeURIComponent(name)}`)
    .join('/')
  return `${jobs}/${number}/`
}

/** JENKINS_URL + the build's path. */
export function jenkinsBuildUrl(jenkinsUrl: string, b: BuildRef): string {
  return new URL(
    jenkinsBuildPath(b.job, b.number),
    jenkinsUrl.replace(/\/?$/, '/')
  ).toString()
}

export interface HttpJenkinsSourceOptions {
  url: string
  user?: string
  token?: string
  timeoutMs?: number
  retries?: number
  /** Registers derived secrets (the Basic header) with the log masker. */
  mask?: (secret: string) => void
}

const TREE =
  'number,url,building,result,duration,timestamp,actions[parameters[name,value],lastBuiltRevision[SHA1]]'
/** Text kept while streaming a log, from which the last lines are cut. */
const TAIL_BYTES = 64 * 1024

export class HttpJenkinsSource implements JenkinsBuildSource {
  readonly #base: URL
  readonly #auth: string | undefined
  readonly #timeoutMs: number
  readonly #retries: number

  constructor(o: HttpJenkinsSourceOptions) {
    this.#base = new URL(o.url.replace(/\/?$/, '/'))
    this.#auth =
      o.user !== undefined && o.token !== undefined
        ? basicAuthHeader(o.user, o.token)
        : undefined
    if (this.#auth !== undefined) o.mask?.(this.#auth)
    this.#timeoutMs = o.timeoutMs ?? 15_000
    this.#retries = o.retries ?? 2
  }

  /** The build's URL: JENKINS_URL + the job's path + the number. */
  buildUrl(b: BuildRef): URL {
    if (!Number.isSafeInteger(b.number) || b.number < 1)
      throw new JenkinsError(`build number ${b.number} is not a build number`)
    return new URL(jenkinsBuildUrl(this.#base.toString(), b))
  }

  async #get<T>(
    url: URL,
    what: string,
    read: (r: Response) => Promise<T>,
    signal: AbortSignal | undefined
  ): Promise<T> {
    const where = { url: redactUrl(url.toString()) }
    return retry(
      async () =>
        withTimeout(
          async (signal) => {
            const r = await fetch(url, {
              signal,
              headers: {
                accept: 'application/json',
                ...(this.#auth === undefined
                  ? {}
                  : { authorization: this.#auth })
              }
            })
            if (!r.ok) {
              await r.body?.cancel()
              const err = new JenkinsError(`${what}: HTTP ${r.status}`, {
                status: r.status,
                where,
                ...(r.status === 401 || r.status === 403
                  ? {
                      hint: 'check JENKINS_USER and JENKINS_TOKEN (an API token with Job/Read)'
                    }
                  : {})
              })
              const after = parseRetryAfter(r.headers.get('retry-after'))
              if (after !== undefined)
                Object.assign(err, { retryAfterMs: after })
              throw err
            }
            return read(r)
          },
          this.#timeoutMs,
          what,
          signal
        ),
      {
        retries: this.#retries,
        minDelayMs: 500,
        maxDelayMs: 5000,
        ...(signal === undefined ? {} : { signal })
      }
    )
  }

  async fetchBuild(
    build: BuildRef,
    signal?: AbortSignal
  ): Promise<AuthoritativeBuild> {
    const url = new URL(
      `api/json?tree=${encodeURIComponent(TREE)}`,
      this.buildUrl(build)
    )
    const json: unknown = await this.#get(
      url,
      'fetching the build',
      async (r): Promise<unknown> => (await r.json()) as unknown,
      signal
    )
    return readBuildJson(json)
  }

  async fetchLogTail(
    build: BuildRef,
    lines: number,
    signal?: AbortSignal
  ): Promise<string> {
    if (lines <= 0) return ''
    const url = new URL('logText/progressiveText?start=0', this.buildUrl(build))
    return this.#get(
      url,
      'fetching the console log',
      async (r) => {
        let kept = ''
        const decoder = new TextDecoder()
        if (r.body !== null) {
          for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
            kept += decoder.decode(chunk, { stream: true })
            if (kept.length > 2 * TAIL_BYTES) kept = kept.slice(-TAIL_BYTES)
          }
        }
        kept += decoder.decode()
        return lastLines(kept, lines)
      },
      signal
    )
  }
}

/** The last `n` lines of `text` (without a trailing empty line). */
export function lastLines(text: string, n: number): string {
  const all = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n')
  return all.slice(-n).join('\n')
}

/** Reads the fields the bridge needs out of `<build>/api/json`. */
export function readBuildJson(json: unknown): AuthoritativeBuild {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<
    string,
    unknown
  >
  const result = isBuildResult(o.result) ? o.result : undefined
  const parameters: Record<string, string> = {}
  let sha: string | undefined
  for (const action of Array.isArray(o.actions)
    ? (o.actions as unknown[])
    : []) {
    const a = (action ?? {}) as {
      parameters?: unknown
      lastBuiltRevision?: { SHA1?: unknown }
    }
    if (Array.isArray(a.parameters)) {
      for (const p of a.parameters as { name?: unknown; value?: unknown }[]) {
        if (
          typeof p.name === 'string' &&
          ['string', 'number', 'boolean'].includes(typeof p.value)
        )
          parameters[p.name] = String(p.value)
      }
    }
    if (sha === undefined && typeof a.lastBuiltRevision?.SHA1 === 'string')
      sha = a.lastBuiltRevision.SHA1
  }
  return {
    building: o.building === true || o.inProgress === true,
    ...(result === undefined ? {} : { result }),
    ...(typeof o.duration === 'number' ? { durationMs: o.duration } : {}),
    ...(typeof o.timestamp === 'number' ? { timestamp: o.timestamp } : {}),
    ...(typeof o.url === 'string' ? { url: o.url } : {}),
    ...(sha === undefined ? {} : { sha }),
    parameters
  }
}
