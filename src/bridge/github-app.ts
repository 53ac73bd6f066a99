/**
 * Authenticating as a GitHub App installation, which check runs require: a
 * JWT signed with the app's private key (RS256, valid ten minutes) is traded
 * at `POST /app/installations/{id}/access_tokens` for a token that expires
 * after an hour. A long-running bridge cannot live on one such token, so it
 * mints them itself and renews each well before it expires.
 */

import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { HttpError } from '../core/errors.js'
import { retry, withTimeout } from '../core/retry.js'

export interface GithubAppOptions {
  appId: string
  installationId: string
  /** The app's private key (PEM, as GitHub gives it). */
  privateKey: string
  apiUrl: string
  now?: () => number
  /** Registers each JWT and installation token with the log masker. */
  mask?: (secret: string) => void
}

/** The app's JWT: `iat` a minute back for clock drift, `exp` nine minutes on. */
export function appJwt(appId: string, key: KeyObject, nowMs: number): string {
  const now = Math.floor(nowMs / 1000)
  const enc = (o: unknown): string =>
    Buffer.from(JSON.stringify(o)).toString('base64url')
  const unsigned = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iat: now - 60, exp: now + 540, iss: appId })}`
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`
}

export class GithubAppTokens {
  readonly #o: GithubAppOptions
  readonly #key: KeyObject
  readonly #now: () => number
  #token: { value: string; renewAt: number } | undefined
  #pending: Promise<string> | undefined

  constructor(options: GithubAppOptions) {
    this.#o = options
    this.#key = createPrivateKey(options.privateKey)
    this.#now = options.now ?? Date.now
  }

  /** A valid installation token (minted, or renewed, when needed). */
  async token(): Promise<string> {
    const t = this.#token
    if (t !== undefined && this.#now() < t.renewAt) return t.value
    this.#pending ??= this.#mint().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  /** Forgets the token (after a 401), so the next call mints a new one. */
  invalidate(): void {
    this.#token = undefined
  }

  #jwt(): string {
    const jwt = appJwt(this.#o.appId, this.#key, this.#now())
    this.#o.mask?.(jwt)
    return jwt
  }

  async #mint(): Promise<string> {
    const { apiUrl, installationId } = this.#o
    const url = `${apiUrl.replace(/\/$/, '')}/app/installations/${installationId}/access_tokens`
    const body = await retry(
      async () =>
        withTimeout(
          async (signal) => {
            const r = await fetch(url, {
              method: 'POST',
              signal,
              headers: {
                accept: 'application/vnd.github+json',
                authorization: `Bearer ${this.#jwt()}`,
                'user-agent': 'stackci-jenkins-bridge'
              }
            })
            const json = (await r.json().catch(() => ({}))) as {
              token?: string
              expires_at?: string
              message?: string
            }
            if (!r.ok || json.token === undefined) {
              throw new HttpError(
                `cannot get a GitHub App installation token: HTTP ${r.status} ${json.message ?? ''}`.trim(),
                {
                  status: r.status,
                  where: { url },
                  hint: 'check GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY'
                }
              )
            }
            return json as { token: string; expires_at?: string }
          },
          15_000,
          'getting a GitHub App installation token'
        ),
      { retries: 2, minDelayMs: 500, maxDelayMs: 5000 }
    )
    // Mask first: a token that reaches a log line is a token to revoke.
    this.#o.mask?.(body.token)
    const now = this.#now()
    const expires =
      body.expires_at === undefined
        ? now + 3600_000
        : Date.parse(body.expires_at)
    // Renew at three quarters of its life (45 min of GitHub's hour).
    this.#token = {
      value: body.token,
      renewAt: now + Math.max(0, expires - now) * 0.75
    }
    return body.token
  }
}
