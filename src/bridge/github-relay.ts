/**
 * The GitHub relay: a commit status on the built SHA for every routed build
 * (also the scheduled, non-multibranch jobs the GitHub Checks plugin cannot
 * serve), and a check run when the token is a GitHub App installation token
 * (BRIDGE_GITHUB_MODE=checks|both). One call per state change: updates that
 * pile up coalesce, and a shared budget keeps under GitHub's 80
 * content-creating requests per minute.
 *
 * Check runs are found again by `external_id` after a crash, like Slack
 * messages by their tag, so a build never gets two.
 */

import { createHash } from 'node:crypto'
import type { Octokit } from '@octokit/rest'
import { errorMessage, isUserError } from '../core/errors.js'
import {
  buildCheckRun,
  buildCommitStatus,
  checkExternalId
} from '../notify/build-github.js'
import type { DeliveryStore, Target } from './delivery-store.js'
import type {
  Classified,
  DeliveryHooks,
  DeliveryOutcome,
  RelayBackend
} from './dispatcher.js'
import type { GithubAppTokens } from './github-app.js'
import type { GithubPlan } from './routing.js'
import type { TokenBucket } from './token-bucket.js'

export interface GithubRelayOptions {
  octokit: Octokit
  deliveries: DeliveryStore
  budget: TokenBucket
  unstable: 'failure' | 'neutral'
  /** With a GitHub App: renewed after a 401. */
  tokens?: GithubAppTokens
  timeoutMs?: number
  now?: () => number
}

interface OctokitError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined>; data?: unknown }
}

export class GithubRelay implements RelayBackend {
  readonly name = 'github'
  readonly #o: GithubRelayOptions
  readonly #now: () => number

  constructor(options: GithubRelayOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
  }

  #request(): { request: { signal: AbortSignal } } {
    return {
      request: { signal: AbortSignal.timeout(this.#o.timeoutMs ?? 15_000) }
    }
  }

  async deliver(t: Target, hooks: DeliveryHooks): Promise<DeliveryOutcome> {
    const build = this.#o.deliveries.getBuild(t.buildKey)
    if (build === undefined)
      throw new Error(`build ${t.buildKey} is not in the store`)
    const plan = t.payload as unknown as GithubPlan
    const [owner = '', repo = ''] = plan.repo.split('/')
    const b = { ...build.snapshot, sha: plan.sha }
    const rest = this.#o.octokit.rest
    if (t.kind === 'status') {
      const status = buildCommitStatus(b, plan.context)
      // One status per state change: a new event that changes nothing
      // GitHub shows costs no call (and none of the 80/min budget).
      const hash = digest({ ...status, sha: plan.sha })
      if (hash === t.sentHash)
        return { version: build.version, hash, skipped: true }
      if (!this.#o.budget.take())
        return { waitMs: this.#o.budget.waitMs(), lane: true }
      await rest.repos.createCommitStatus({
        owner,
        repo,
        sha: plan.sha,
        ...status,
        ...this.#request()
      })
      return { version: build.version, hash }
    }
    if (!this.#o.budget.take())
      return { waitMs: this.#o.budget.waitMs(), lane: true }
    const check = buildCheckRun(b, plan.context, {
      unstable: this.#o.unstable,
      ...(b.log === undefined ? {} : { logTail: b.log })
    })
    let id = t.ref
    if (id === undefined && t.intentAt !== undefined) {
      const runs = await rest.checks.listForRef({
        owner,
        repo,
        ref: plan.sha,
        check_name: plan.context,
        per_page: 100,
        ...this.#request()
      })
      id = runs.data.check_runs
        .find((r) => r.external_id === checkExternalId(b))
        ?.id.toString()
    }
    if (id === undefined) {
      hooks.markIntent()
      const r = await rest.checks.create({
        owner,
        repo,
        ...check,
        ...this.#request()
      })
      return { version: build.version, ref: String(r.data.id) }
    }
    hooks.markRef(id)
    const { name: _n, head_sha: _h, external_id: _e, ...update } = check
    await rest.checks.update({
      owner,
      repo,
      check_run_id: Number(id),
      ...update,
      ...this.#request()
    })
    return { version: build.version, ref: id }
  }

  classify(error: unknown): Classified {
    if (isUserError(error))
      return { retry: false, message: errorMessage(error) }
    const e = error as OctokitError
    const status = e.status
    const headers = e.response?.headers ?? {}
    const retryAfter = Number(headers['retry-after'])
    const afterMs =
      Number.isFinite(retryAfter) && retryAfter > 0
        ? retryAfter * 1000
        : undefined
    const what = `GitHub answered ${status ?? 'nothing'}: ${(e.message ?? errorMessage(error)).split('\n')[0] ?? ''}`
    if (status === undefined || e.response === undefined)
      return {
        retry: true,
        message: `cannot reach GitHub: ${errorMessage(error)}`
      }
    if (
      status === 429 ||
      (status === 403 &&
        (headers['x-ratelimit-remaining'] === '0' ||
          /rate limit/i.test(e.message ?? '')))
    ) {
      const reset = Number(headers['x-ratelimit-reset'])
      const untilReset =
        Number.isFinite(reset) && reset > 0
          ? reset * 1000 - this.#now() + 1000
          : undefined
      return {
        retry: true,
        rateLimited: true,
        afterMs: afterMs ?? untilReset ?? 60_000,
        message: what
      }
    }
    if (status === 401 && this.#o.tokens !== undefined) {
      // An installation token revoked or expired early: mint another.
      this.#o.tokens.invalidate()
      return {
        retry: true,
        message: `${what} (renewing the installation token)`
      }
    }
    if (status >= 500 || status === 408)
      return {
        retry: true,
        ...(afterMs === undefined ? {} : { afterMs }),
        message: what
      }
    return {
      retry: false,
      message: `${what}${githubHint(status, e.message ?? '')}`
    }
  }
}

function githubHint(status: number, message: string): string {
  if (status === 401) return ' (check GITHUB_TOKEN)'
  if (status === 403 && message.includes('GitHub App'))
    return ' (check runs need a GitHub App installation token: use BRIDGE_GITHUB_MODE=status with a personal token)'
  if (status === 403)
    return ' (the token lacks the statuses: write or checks: write permission)'
  if (status === 404)
    return ' (the repository does not exist or the token cannot see it: check the routing file)'
  if (status === 422)
    return ' (GitHub refused the content: is the SHA pushed to this repository?)'
  return ''
}

/** A short digest of what a call would send. */
function digest(content: unknown): string {
  return createHash('sha1').update(JSON.stringify(content)).digest('base64url')
}
