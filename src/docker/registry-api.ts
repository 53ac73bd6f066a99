/**
 * The registry's own HTTP API (OCI distribution spec), spoken directly: a
 * manifest or index read and written as the exact bytes the registry holds,
 * blobs mounted from one repository into another. Promotion goes through
 * here and never through an engine, which would pull one platform of a
 * multi-platform index and push back a different, flattened image.
 *
 * Authentication follows the registry's challenge: Basic (htpasswd
 * registries) or a Bearer token from the realm it names (ghcr.io, Docker
 * Hub), fetched with the credentials for the scopes a call needs.
 */

import { createHash } from 'node:crypto'
import { DockerError, HttpError } from '../core/errors.js'
import { httpRequest, type HttpRawResponse } from '../core/http-request.js'
import type { Reporter } from '../core/reporter.js'
import { describeRetry, retry } from '../core/retry.js'
import { basicAuthHeader } from '../core/secrets.js'

/** Every manifest kind asked for: an index stays an index. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
] as const

const INDEX_TYPES = new Set<string>(MANIFEST_TYPES.slice(0, 2))

export interface Manifest {
  mediaType: string
  digest: string
  /** The bytes as the registry holds them: the digest is theirs. */
  bytes: Buffer
  /** Parsed, for the references it holds. */
  json: ManifestJson
}

export interface Descriptor {
  mediaType?: string
  digest: string
  size?: number
  platform?: { os?: string; architecture?: string; variant?: string }
}

export interface ManifestJson {
  mediaType?: string
  config?: Descriptor
  layers?: Descriptor[]
  manifests?: Descriptor[]
}

/** Whether a manifest is an index (OCI image index or Docker manifest list). */
export function isIndex(manifest: Manifest): boolean {
  return INDEX_TYPES.has(manifest.mediaType)
}

export interface RegistryCredentials {
  username: string
  password: string
}

export interface RegistryApiOptions {
  credentials?: RegistryCredentials | undefined
  reporter: Reporter
  signal?: AbortSignal | undefined
  /** Retries of transient faults (default 3). */
  retries?: number
}

/** `127.0.0.1:5000`, `localhost`: spoken to over http, as the engine does. */
function schemeOf(host: string): string {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return /^(localhost|127\.\d+\.\d+\.\d+|::1)$/.test(name) ? 'http' : 'https'
}

function challenge(header: string | string[] | undefined): {
  scheme: string
  params: Record<string, string>
} {
  const text = Array.isArray(header) ? (header[0] ?? '') : (header ?? '')
  const scheme = text.split(' ', 1)[0]?.toLowerCase() ?? ''
  const params: Record<string, string> = {}
  for (const m of text.matchAll(/(\w+)="([^"]*)"/g))
    if (m[1] !== undefined) params[m[1]] = m[2] ?? ''
  return { scheme, params }
}

/** A client of one registry host. */
export class RegistryApi {
  readonly base: string
  readonly #options: RegistryApiOptions
  #authorization: string | undefined
  readonly #tokens = new Map<string, string>()

  constructor(
    readonly host: string,
    options: RegistryApiOptions
  ) {
    this.base = `${schemeOf(host)}://${host}`
    this.#options = options
    const c = options.credentials
    if (c !== undefined) options.reporter.mask(c.password)
  }

  /** One call, answering the registry's auth challenge once. */
  async call(
    method: string,
    path: string,
    scopes: readonly string[],
    init: { headers?: Record<string, string>; body?: Buffer } = {}
  ): Promise<HttpRawResponse> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`
    const what = `${method} ${url}`
    return retry(
      async () => {
        const send = async (): Promise<HttpRawResponse> =>
          httpRequest(url, {
            method,
            headers: {
              ...init.headers,
              ...(this.#authorization === undefined
                ? {}
                : { Authorization: this.#authorization })
            },
            ...(init.body === undefined ? {} : { body: init.body }),
            ...(this.#options.signal === undefined
              ? {}
              : { signal: this.#options.signal })
          })
        let response = await send()
        if (response.status === 401) {
          await this.#authenticate(response, scopes)
          response = await send()
        }
        if ([429, 502, 503, 504].includes(response.status))
          throw new HttpError(`${what}: ${response.status}`, {
            status: response.status,
            where: { url }
          })
        return response
      },
      {
        retries: this.#options.retries ?? 3,
        minDelayMs: 300,
        onRetry: (info) => {
          this.#options.reporter.warning(describeRetry(what, info))
        },
        ...(this.#options.signal === undefined
          ? {}
          : { signal: this.#options.signal })
      }
    )
  }

  async #authenticate(
    response: HttpRawResponse,
    scopes: readonly string[]
  ): Promise<void> {
    const c = this.#options.credentials
    const { scheme, params } = challenge(response.headers['www-authenticate'])
    if (scheme === 'basic') {
      if (c === undefined) throw this.#refused('it needs credentials')
      this.#authorization = basicAuthHeader(c.username, c.password)
      this.#options.reporter.mask(this.#authorization)
      return
    }
    if (scheme !== 'bearer' || params.realm === undefined)
      throw this.#refused('it answered 401 with no usable challenge')
    const key = scopes.join(' ')
    let token = this.#tokens.get(key)
    if (token === undefined) {
      const url = new URL(params.realm)
      if (params.service !== undefined)
        url.searchParams.set('service', params.service)
      for (const s of scopes) url.searchParams.append('scope', s)
      const answer = await httpRequest(url.toString(), {
        method: 'GET',
        headers:
          c === undefined
            ? {}
            : { Authorization: basicAuthHeader(c.username, c.password) },
        ...(this.#options.signal === undefined
          ? {}
          : { signal: this.#options.signal })
      })
      if (answer.status !== 200)
        throw this.#refused(`its token service answered ${answer.status}`)
      const body = JSON.parse(answer.body.toString('utf8')) as {
        token?: string
        access_token?: string
      }
      token = body.token ?? body.access_token ?? ''
      this.#options.reporter.mask(token)
      this.#tokens.set(key, token)
    }
    this.#authorization = `Bearer ${token}`
  }

  #refused(why: string): DockerError {
    return new DockerError(`registry ${this.host} refused access: ${why}`, {
      where: { url: this.base },
      hint:
        this.#options.credentials === undefined
          ? 'give the registry username and password (or token)'
          : 'check the username and the password or token (it is not shown); it also needs the right to push'
    })
  }

  #fail(what: string, response: HttpRawResponse, url: string): DockerError {
    const body = response.body.toString('utf8').slice(0, 300)
    const hint =
      response.status === 401 || response.status === 403
        ? 'the credentials may not push to this repository'
        : `the registry said: ${body || '(nothing)'}`
    return new DockerError(`${what}: registry answered ${response.status}`, {
      where: { url },
      hint
    })
  }

  /** The manifest or index `repo:reference` as stored, or undefined if none. */
  async getManifest(
    repo: string,
    reference: string
  ): Promise<Manifest | undefined> {
    const path = `/v2/${repo}/manifests/${reference}`
    const response = await this.call('GET', path, [pull(repo)], {
      headers: { Accept: MANIFEST_TYPES.join(', ') }
    })
    if (response.status === 404) return undefined
    if (response.status !== 200)
      throw this.#fail(`read ${repo}:${reference}`, response, this.base + path)
    const bytes = response.body
    const json = JSON.parse(bytes.toString('utf8')) as ManifestJson
    const type = response.headers['content-type']?.split(';')[0]?.trim()
    return {
      mediaType: json.mediaType ?? type ?? MANIFEST_TYPES[3],
      digest: sha256(bytes),
      bytes,
      json
    }
  }

  /** The digest `repo:tag` has now, or undefined when there is no such tag. */
  async digestOf(repo: string, tag: string): Promise<string | undefined> {
    return (await this.getManifest(repo, tag))?.digest
  }

  /** Writes `manifest` under `reference` (a tag or its digest); returns the digest stored. */
  async putManifest(
    repo: string,
    reference: string,
    manifest: Manifest
  ): Promise<string> {
    const path = `/v2/${repo}/manifests/${reference}`
    const response = await this.call('PUT', path, [push(repo)], {
      headers: { 'Content-Type': manifest.mediaType },
      body: manifest.bytes
    })
    if (response.status !== 201)
      throw this.#fail(`write ${repo}:${reference}`, response, this.base + path)
    const header = response.headers['docker-content-digest']
    const digest = typeof header === 'string' ? header : manifest.digest
    if (digest !== manifest.digest)
      throw new DockerError(
        `${repo}:${reference} was stored as ${digest}, not ${manifest.digest}`,
        {
          hint: 'the registry rewrote the manifest; promotion needs it byte for byte'
        }
      )
    return digest
  }

  /** Makes blob `digest` of `from` present in `repo`: mounted, or copied when the registry will not mount. */
  async mountBlob(repo: string, digest: string, from: string): Promise<void> {
    const head = await this.call('HEAD', `/v2/${repo}/blobs/${digest}`, [
      push(repo)
    ])
    if (head.status === 200) return
    const path = `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`
    const mounted = await this.call('POST', path, [push(repo), pull(from)])
    if (mounted.status === 201) return
    if (mounted.status !== 202)
      throw this.#fail(
        `mount ${digest} into ${repo}`,
        mounted,
        this.base + path
      )
    // The registry opened an upload instead: finish it with the bytes.
    const blob = await this.call('GET', `/v2/${from}/blobs/${digest}`, [
      pull(from)
    ])
    if (blob.status !== 200)
      throw this.#fail(`read blob ${digest} of ${from}`, blob, this.base)
    const location = mounted.headers.location ?? ''
    const target = new URL(location, this.base)
    target.searchParams.set('digest', digest)
    const put = await this.call('PUT', target.toString(), [push(repo)], {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: blob.body
    })
    if (put.status !== 201)
      throw this.#fail(`upload ${digest} into ${repo}`, put, target.toString())
  }
}

const pull = (repo: string): string => `repository:${repo}:pull`
const push = (repo: string): string => `repository:${repo}:pull,push`

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** `host/path:tag` or `host/path@sha256:…` split; the host must be explicit. */
export function parseRegistryRef(
  ref: string
): { host: string; repo: string; reference: string } | undefined {
  const m =
    /^([^/]+[.:][^/]*|localhost)\/(.+?)(?:@(sha256:[0-9a-f]{64})|:([\w][\w.-]{0,127}))$/.exec(
      ref
    )
  if (m === null) return undefined
  return {
    host: m[1] ?? '',
    repo: m[2] ?? '',
    reference: m[3] ?? m[4] ?? ''
  }
}
