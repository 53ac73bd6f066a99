/**
 * Image labels: the OCI `org.opencontainers.image.*` annotations (source,
 * revision, created, version, title) and stackci's provenance
 * (`stackci.*`: the Jenkins build and the workflow run that made the image,
 * the release it is). Read from the environment of GitHub Actions or
 * Jenkins by a pure function, so the same build labels the same way from
 * either.
 */

import { InputError } from '../core/errors.js'
import type { ReleaseTags } from './release-tags.js'
import type { Env } from '../core/env.js'

export interface Provenance {
  /** The repository URL (`https://github.com/owner/repo`). */
  source?: string
  /** The commit built. */
  revision?: string
  /** The Jenkins build URL. */
  jenkinsBuildUrl?: string
  /** The GitHub Actions run URL. */
  workflowRunUrl?: string
}

function set(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/**
 * Provenance from the environment: GitHub Actions (`GITHUB_SERVER_URL`,
 * `GITHUB_REPOSITORY`, `GITHUB_SHA`, `GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`)
 * or Jenkins (`BUILD_URL`, `GIT_URL`, `GIT_COMMIT`); `STACKCI_JENKINS_BUILD_URL`
 * names the Jenkins build a workflow triggered.
 */
export function readProvenance(env: Env): Provenance {
  const server = set(env.GITHUB_SERVER_URL) ?? 'https://github.com'
  const repo = set(env.GITHUB_REPOSITORY)
  const out: Provenance = {}
  const source =
    repo === undefined
      ? set(env.GIT_URL)?.replace(/\.git$/, '')
      : `${server}/${repo}`
  if (source !== undefined) out.source = source
  const revision = set(env.GITHUB_SHA) ?? set(env.GIT_COMMIT)
  if (revision !== undefined) out.revision = revision
  const jenkins = set(env.STACKCI_JENKINS_BUILD_URL) ?? set(env.BUILD_URL)
  if (jenkins !== undefined) out.jenkinsBuildUrl = jenkins
  const runId = set(env.GITHUB_RUN_ID)
  if (repo !== undefined && runId !== undefined) {
    const attempt = set(env.GITHUB_RUN_ATTEMPT)
    out.workflowRunUrl = `${server}/${repo}/actions/runs/${runId}${attempt === undefined ? '' : `/attempts/${attempt}`}`
  }
  return out
}

/** Label keys stackci writes besides the OCI ones. */
export const STACKCI_LABELS = {
  jenkinsBuildUrl: 'stackci.jenkins.build-url',
  workflowRunUrl: 'stackci.github.run-url',
  kind: 'stackci.release.kind',
  gitTag: 'stackci.release.git-tag',
  eupsTag: 'stackci.release.eups-tag'
} as const

/**
 * Every label of an image: OCI, then stackci provenance, then the user's
 * own (which win on a clash).
 */
export function imageLabels(options: {
  provenance: Provenance
  release: ReleaseTags
  repository: string
  created: Date
  extra?: Readonly<Record<string, string>> | undefined
}): Record<string, string> {
  const { provenance: p, release } = options
  const oci = 'org.opencontainers.image'
  const labels: Record<string, string> = {
    [`${oci}.created`]: options.created.toISOString(),
    [`${oci}.version`]: release.git ?? release.tag,
    [`${oci}.title`]: options.repository.split('/').pop() ?? options.repository,
    [STACKCI_LABELS.kind]: release.kind
  }
  if (p.source !== undefined) labels[`${oci}.source`] = p.source
  if (p.revision !== undefined) labels[`${oci}.revision`] = p.revision
  if (p.jenkinsBuildUrl !== undefined)
    labels[STACKCI_LABELS.jenkinsBuildUrl] = p.jenkinsBuildUrl
  if (p.workflowRunUrl !== undefined)
    labels[STACKCI_LABELS.workflowRunUrl] = p.workflowRunUrl
  if (release.git !== undefined) labels[STACKCI_LABELS.gitTag] = release.git
  if (release.eups !== undefined) labels[STACKCI_LABELS.eupsTag] = release.eups
  return { ...labels, ...options.extra }
}

/**
 * `KEY=VALUE` lines (build args, labels) into a record; `what` names the
 * input in errors. A value may contain `=`; a key may not be empty.
 */
export function parseKeyValues(
  lines: readonly string[],
  what: string
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of lines) {
    const eq = line.indexOf('=')
    const key = eq === -1 ? '' : line.slice(0, eq).trim()
    if (key === '') {
      throw new InputError(
        `${what}: ${JSON.stringify(line)} is not KEY=VALUE`,
        {
          hint: 'one KEY=VALUE per line, e.g. EUPS_TAG=w_2021_01'
        }
      )
    }
    out[key] = line.slice(eq + 1)
  }
  return out
}
