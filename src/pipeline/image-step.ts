/**
 * The stack-image step: build the image from `image:`, tagged by the
 * profile's release kind, labelled with the run id and the Jenkins build,
 * pushed when a registry is configured.
 */

import { spawnSync } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import { defaultVersion } from '../docker/stack-image-inputs.js'
import { runStackImage } from '../docker/stack-image.js'
import type { RunState, StepDone } from './state.js'

/** The label every image of a pipeline run carries. */
export const RUN_ID_LABEL = 'stackci.run-id'
export const PROFILE_LABEL = 'stackci.profile'

/** The commit checked out in `dir`, when it is a git work tree. */
export function gitHead(dir: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], {
    cwd: dir,
    encoding: 'utf8'
  })
  const sha = r.status === 0 ? r.stdout.trim() : ''
  return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined
}

type Kind = RunState['profile']['kind']

/** What a kind falls back to when its version cannot be known here. */
const FALLBACK: Partial<Record<Kind, { to: Kind; why: string }>> = {
  pr: {
    to: 'sha',
    why: 'no pull request here (a push, e.g. the check after a merge): tagging the image by commit'
  },
  sha: {
    to: 'daily',
    why: "no commit is known here (not a git checkout, no GITHUB_SHA): tagging the image by today's date"
  }
}

/**
 * The release kind and version: the version given, from the event, or from
 * git. A kind taken from the profile's name (not written as `kind:`) falls
 * back when its version cannot be known — `pr` on a push tags by commit,
 * `sha` outside any git checkout by date — saying so.
 */
export function releaseOf(run: RunState): {
  kind: Kind
  version: string | undefined
} {
  const explicit = run.profile.section.kind !== undefined
  const given = run.options.version
  let kind = run.profile.kind
  for (;;) {
    try {
      return { kind, version: releaseVersion(run, kind) }
    } catch (error) {
      const next = FALLBACK[kind]
      const hasGiven = given !== undefined && given !== ''
      if (explicit || hasGiven || next === undefined) throw error
      run.reporter.warning(`${next.why} (pass --version to choose)`)
      kind = next.to
    }
  }
}

/** The version the release kind needs: given, from the event, or from git. */
export function releaseVersion(
  run: RunState,
  kind: Kind = run.profile.kind
): string | undefined {
  const given = run.options.version
  if (given !== undefined && given !== '') return given
  if (kind === 'daily' || kind === 'weekly') return undefined
  const fromEvent = defaultVersion(kind, run.env)
  if (fromEvent !== undefined) return fromEvent
  if (kind === 'sha') {
    const head = gitHead(run.config.baseDir)
    if (head !== undefined) return head
  }
  const what =
    kind === 'pr'
      ? 'the pull request number (a pull_request event, or --version N)'
      : kind === 'sha'
        ? 'a commit (GITHUB_SHA, a git checkout, or --version SHA)'
        : 'the release version (--version 29.0.0, or the version input)'
  throw new InputError(
    `profile ${run.profile.name} tags images by ${kind}, which needs ${what}`
  )
}

export async function imageStep(run: RunState): Promise<StepDone> {
  const section = run.config.image
  if (section === undefined) {
    return { status: 'skipped', detail: 'no image: section' }
  }
  const registry = run.config.registry
  const username =
    registry?.['username-env'] === undefined
      ? undefined
      : run.env[registry['username-env']]
  const password =
    registry?.['password-env'] === undefined
      ? undefined
      : run.env[registry['password-env']]
  run.reporter.mask(password)
  const push = run.profile.section.push ?? registry !== undefined
  const { kind, version } = releaseOf(run)
  // A symlinked context (a vendored checkout) is the directory it points to.
  const at = (p: string): string => {
    const path = resolve(run.config.baseDir, p)
    return existsSync(path) ? realpathSync(path) : path
  }
  const env = {
    ...run.env,
    ...(run.jenkins?.buildUrl === undefined
      ? {}
      : { STACKCI_JENKINS_BUILD_URL: run.jenkins.buildUrl })
  }
  const buildArgs: Record<string, string> = { ...section['build-args'] }
  for (const [arg, variable] of Object.entries(
    section['build-args-env'] ?? {}
  )) {
    const value = run.env[variable]
    if (value !== undefined && value !== '') buildArgs[arg] = value
  }
  const result = await runStackImage(
    await run.engine(),
    {
      release: {
        kind,
        date: run.options.date,
        version,
        timeZone: section['time-zone'],
        templates: section['tag-template'],
        ...(run.options.now === undefined ? {} : { now: run.options.now() })
      },
      context: at(section.context),
      dockerfile:
        section.dockerfile === undefined ? undefined : at(section.dockerfile),
      registry: registry?.repository,
      username,
      password,
      buildArgs,
      labels: {
        ...section.labels,
        [RUN_ID_LABEL]: run.runId,
        [PROFILE_LABEL]: run.profile.name
      },
      target: section.target,
      noCache: section['no-cache'],
      push,
      timeoutMs: section.timeout,
      env,
      signal: run.options.signal
    },
    run.reporter
  )
  run.image = result
  return {
    status: 'passed',
    detail: `${result.image}${result.tags.length > 1 ? ` (+${result.tags.length - 1} tags)` : ''}${result.digest === undefined ? ', not pushed' : `, pushed ${result.digest.slice(0, 19)}`}`
  }
}
