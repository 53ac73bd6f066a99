/**
 * The two Jenkins reads the bridge makes: a build's authoritative state
 * (`<build>/api/json?tree=…`) and its console log tail
 * (`<build>/logText/progressiveText?start=0`, streamed, keeping only the last
 * lines). A minimal client behind {@link JenkinsBuildSource}, so the full
 * Jenkins client of src/jenkins can replace it.
 *
 * Credentials are only ever sent to URLs under the configured JENKINS_URL:
 * event payloads are not trusted to say where Jenkins is.
 */

import { JenkinsError } from '../core/errors.js'
import { retry, parseRetryAfter, withTimeout } from '../core/retry.js'
import { basicAuthHeader, redactUrl } from '../core/secrets.js'
import { isBuildResult } from '../jenkins/types.js'
import type { AuthoritativeBuild } from './build-state.js'

export interface JenkinsBuildSource {
  fetchBuild(buildUrl: string): Promise<AuthoritativeBuild>
  fetchLogTail(buildUrl: string, lines: number): Promise<string>
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

  /** The build URL, if it is under JENKINS_URL; throws otherwise. */
  buildUrl(url: string): URL {
    const u = new URL(url.replace(/\/?$/, '/'), this.#base)
    if (
      u.origin !== this.#base.origin ||
      !u.pathname.startsWith(this.#base.pathname)
    ) {
      throw new JenkinsError(
        `refusing to call ${redactUrl(u.toString())}: it is not under JENKINS_URL`,
        {
          where: { url: redactUrl(u.toString()) },
          hint: 'set JENKINS_URL to the root URL Jenkins puts in its build URLs'
        }
      )
    }
    return u
  }

  async #get<T>(
    url: URL,
    what: string,
    read: (r: Response) => Promise<T>
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
          what
        ),
      { retries: this.#retries, minDelayMs: 500, maxDelayMs: 5000 }
    )
  }

  async fetchBuild(buildUrl: string): Promise<AuthoritativeBuild> {
    const url = new URL(
      `api/json?tree=${encodeURIComponent(TREE)}`,
      this.buildUrl(buildUrl)
    )
    const json: unknown = await this.#get(
      url,
      'fetching the build',
      async (r): Promise<unknown> => (await r.json()) as unknown
    )
    return readBuildJson(json)
  }

  async fetchLogTail(buildUrl: string, lines: number): Promise<string> {
    if (lines <= 0) return ''
    const url = new URL(
      'logText/progressiveText?start=0',
      this.buildUrl(buildUrl)
    )
    return this.#get(url, 'fetching the console log', async (r) => {
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
    })
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
