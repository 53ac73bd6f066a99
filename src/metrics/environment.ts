/**
 * The CI environment a job was produced in, as dispatch_verify records it in
 * `meta.env` (`--env jenkins`: BUILD_ID, PRODUCT, dataset, label, refs,
 * BUILD_URL) plus the GitHub Actions equivalent (run id and URL, workflow,
 * sha, ref), and the defaults it gives the provenance and the history series.
 */

import { InputError } from '../core/errors.js'
import { STACKCI_META, type Provenance } from '../core/provenance.js'
import type { Env } from '../core/env.js'

export type EnvName = 'jenkins' | 'github'

/** `auto`: Jenkins when BUILD_URL/JENKINS_URL is set, else GitHub when in Actions. */
export type EnvChoice = EnvName | 'auto' | 'none'

export const ENV_CHOICES: readonly EnvChoice[] = [
  'auto',
  'jenkins',
  'github',
  'none'
]

const set = (v: string | undefined): v is string =>
  v !== undefined && v.trim() !== ''

/** Which CI we run in, or undefined outside CI. */
export function detectEnv(env: Env): EnvName | undefined {
  if (set(env.BUILD_URL) || set(env.JENKINS_URL)) return 'jenkins'
  if (env.GITHUB_ACTIONS === 'true') return 'github'
  return undefined
}

/** The workflow run URL, when running in GitHub Actions. */
export function workflowRunUrl(env: Env): string | undefined {
  if (!set(env.GITHUB_RUN_ID) || !set(env.GITHUB_REPOSITORY)) return undefined
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(
    /\/+$/,
    ''
  )
  const attempt = set(env.GITHUB_RUN_ATTEMPT) ? env.GITHUB_RUN_ATTEMPT : '1'
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${attempt}`
}

/**
 * `meta.env` for a job: dispatch_verify's jenkins keys (same defaults:
 * `unknown`, ci_url `https://example.com`, status 0), or the GitHub ones.
 * `date` is the job's creation date (ISO 8601, UTC).
 */
export function ciEnvironment(
  name: EnvName,
  env: Env,
  date: string
): Record<string, unknown> {
  const or = (v: string | undefined, fallback = 'unknown'): string =>
    set(v) ? v : fallback
  if (name === 'jenkins') {
    return {
      env_name: 'jenkins',
      ci_id: or(env.BUILD_ID),
      ci_name: or(env.PRODUCT),
      ci_dataset: or(env.dataset),
      ci_label: or(env.label),
      ci_refs: or(env.refs),
      ci_url: or(env.BUILD_URL, 'https://example.com'),
      status: 0,
      date
    }
  }
  return {
    env_name: 'github',
    ci_id: or(env.GITHUB_RUN_ID),
    ci_attempt: or(env.GITHUB_RUN_ATTEMPT, '1'),
    ci_name: or(env.GITHUB_WORKFLOW),
    ci_dataset: or(env.dataset ?? env.STACKCI_DATASET),
    ci_refs: or(env.GITHUB_REF),
    ci_url: or(workflowRunUrl(env), 'https://example.com'),
    git_sha: or(env.GITHUB_SHA),
    repository: or(env.GITHUB_REPOSITORY),
    status: 0,
    date
  }
}

/** Resolves `auto`; undefined means: add no `meta.env` (as dispatch_verify). */
export function chooseEnv(choice: EnvChoice, env: Env): EnvName | undefined {
  if (choice === 'none') return undefined
  if (choice === 'auto') return detectEnv(env)
  return choice
}

/** A metadata value as a string, when it is a scalar. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value)
  return undefined
}

/**
 * Provenance from explicit values first, then the job's metadata (the keys
 * validate_drp, gen3_to_job and dispatch_verify write), then the environment.
 */
export function provenanceOf(
  meta: Record<string, unknown>,
  env: Env,
  explicit: Provenance = {}
): Provenance {
  const metaEnv = (meta.env ?? {}) as Record<string, unknown>
  const first = (...values: unknown[]): string | undefined => {
    for (const v of values) {
      const t = text(v)
      if (t !== undefined) return t
    }
    return undefined
  }
  const out: Provenance = {
    imageDigest: first(
      explicit.imageDigest,
      meta.image_digest,
      // What the integration step stamps (src/integration/provenance.ts).
      meta[STACKCI_META.imageDigest],
      env.STACKCI_IMAGE_DIGEST
    ),
    jenkinsBuildUrl: first(
      explicit.jenkinsBuildUrl,
      meta.jenkins_build_url,
      metaEnv.env_name === 'jenkins' ? metaEnv.ci_url : undefined,
      env.BUILD_URL
    ),
    workflowRunUrl: first(
      explicit.workflowRunUrl,
      meta.workflow_run_url,
      workflowRunUrl(env)
    ),
    gitSha: first(
      explicit.gitSha,
      meta.git_sha,
      env.GITHUB_SHA,
      env.GIT_COMMIT
    ),
    releaseTag: first(
      explicit.releaseTag,
      meta.release_tag,
      meta.version_tag,
      metaEnv.version_tag,
      env.STACKCI_RELEASE_TAG
    ),
    dataset: first(
      explicit.dataset,
      meta[STACKCI_META.dataset],
      meta.ci_dataset,
      meta.dataset,
      meta.dataset_name,
      metaEnv.ci_dataset !== 'unknown' ? metaEnv.ci_dataset : undefined,
      metaEnv.dataset,
      env.dataset,
      env.STACKCI_DATASET
    ),
    instrument: first(explicit.instrument, meta.instrument),
    filter: first(
      explicit.filter,
      meta.filter_name,
      meta.filter,
      meta.physical_filter,
      meta.band
    )
  }
  for (const key of Object.keys(out) as (keyof Provenance)[]) {
    if (out[key] === undefined) Reflect.deleteProperty(out, key)
  }
  return out
}

/**
 * The history series a job belongs to: release tags give their cadence
 * (`w_…` weekly, `d_…` daily, `v…` release); else the pull request
 * (`pr/123`) or branch of the GitHub ref, Jenkins' BRANCH_NAME, or `local`.
 */
export function seriesOf(releaseTag: string | undefined, env: Env): string {
  if (releaseTag !== undefined) {
    if (/^w[._]\d{4}[._]\d{1,2}$/.test(releaseTag)) return 'weekly'
    if (/^d[._]\d{4}[._]\d{2}[._]\d{2}$/.test(releaseTag)) return 'daily'
    if (/^v\d+[._]\d+/.test(releaseTag)) return 'release'
  }
  const ref = env.GITHUB_REF ?? ''
  const pr = /^refs\/pull\/(\d+)\//.exec(ref)
  if (pr !== null) return `pr/${pr[1] ?? ''}`
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length)
  if (set(env.BRANCH_NAME)) return env.BRANCH_NAME
  if (set(env.CHANGE_ID)) return `pr/${env.CHANGE_ID}`
  return 'local'
}

/**
 * Reads `--date-created`: ISO 8601 with an explicit UTC offset (`Z` or
 * `+00:00`), as dispatch_verify demands. Returns epoch ms.
 */
export function parseDateCreated(value: string, what: string): number {
  const ms = Date.parse(value)
  if (
    Number.isNaN(ms) ||
    !/(?:Z|[+-]00:?00)$/.test(value.trim()) ||
    !/^\d{4}-\d{2}-\d{2}T/.test(value.trim())
  ) {
    throw new InputError(
      `${what} must be an ISO 8601 date-time in UTC, got ${JSON.stringify(value)}`,
      { hint: 'write it like 2026-11-27T22:28:25Z' }
    )
  }
  return ms
}

/** dispatch_verify's stored date format: `2021-06-30T22:28:25+00:00`. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00')
}
