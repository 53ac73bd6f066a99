/**
 * The stack-image step: build the image from `image:`, tagged by the
 * profile's release kind, labelled with the run id and the Jenkins build.
 * Where it pushes (a registry, and push on: by default only in CI and never
 * in `local`), it pushes one *candidate* tag, `candidate-<run id>`, and
 * records its digest: the release tags and aliases are the promote step's,
 * after everything else passed. The release's EUPS tag and the Jenkins
 * build go in as build args (`EUPS_TAG`, `JENKINS_BUILD_ID`,
 * `JENKINS_BUILD_URL`) unless `image.build-args` sets them.
 */

import { spawnSync } from 'node:child_process'
import { existsSync, realpathSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import type { DockerEngine } from '../docker/client.js'
import { defaultVersion } from '../docker/stack-image-inputs.js'
import { runStackImage } from '../docker/stack-image.js'
import { variablesOf } from './preflight.js'
import type { Env } from '../core/env.js'
import type { RunState, StepDone } from './state.js'
import { expandMap, expandVariables, setJenkinsVariables } from './variables.js'

/** The label every image of a pipeline run carries. */
export const RUN_ID_LABEL = 'stackci.run-id'
export const PROFILE_LABEL = 'stackci.profile'
/** The project an image belongs to: its untagged leftovers are pruned by it. */
export const PROJECT_LABEL = 'stackci.project'

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : undefined
}

/** The commit checked out in `dir`, when it is a git work tree. */
export function gitHead(dir: string): string | undefined {
  const sha = git(dir, ['rev-parse', 'HEAD']) ?? ''
  return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined
}

/** The project's name: its git checkout's directory, else the config's. */
export function projectName(baseDir: string): string {
  const top = git(baseDir, ['rev-parse', '--show-toplevel'])
  const name = basename(top === undefined || top === '' ? baseDir : top)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
  return name === '' ? 'stack' : name
}

/** The tag an image is pushed under until promotion. */
export function candidateTag(runId: string): string {
  return `candidate-${runId}`
}

/** Running in CI (Actions, Jenkins, any runner setting CI). */
export function inCi(env: Env): boolean {
  return (
    env.CI === 'true' ||
    env.GITHUB_ACTIONS === 'true' ||
    (env.JENKINS_URL ?? '') !== ''
  )
}

/** Whether this run pushes: the profile's `push`, else in CI with a registry, never in `local`. */
export function pushes(run: RunState): boolean {
  const given = run.profile.section.push
  if (given !== undefined) return given
  return (
    run.config.registry !== undefined &&
    run.profile.name !== 'local' &&
    inCi(run.env)
  )
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
  dirty?: boolean
} {
  const explicit = run.profile.section.kind !== undefined
  const given = run.options.version
  let kind = run.profile.kind
  for (;;) {
    try {
      const version = releaseVersion(run, kind)
      // A commit tag from a work tree with changes is not that commit.
      const fromTree =
        kind === 'sha' &&
        (given === undefined || given === '') &&
        defaultVersion(kind, run.env) === undefined
      const dirty =
        fromTree &&
        (git(run.config.baseDir, [
          'status',
          '--porcelain',
          '--untracked-files=no'
        ]) ?? '') !== ''
      return dirty ? { kind, version, dirty } : { kind, version }
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

/** Removes the untagged images earlier runs of this project left. */
async function pruneLeftovers(
  engine: DockerEngine,
  project: string,
  run: RunState
): Promise<void> {
  try {
    const pruned = await engine.docker.pruneImages({
      filters: { dangling: ['true'], label: [`${PROJECT_LABEL}=${project}`] }
    })
    // The engine sends null when it deleted nothing.
    const deleted = pruned.ImagesDeleted as unknown[] | null
    const n = deleted?.length ?? 0
    if (n > 0)
      run.reporter.info(
        `pruned ${n} untagged image layer(s) of earlier ${project} builds`
      )
  } catch (error) {
    // Housekeeping: a busy engine must not fail the build.
    run.reporter.warning(
      `could not prune old ${project} images: ${String(error)}`
    )
  }
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
  const push = pushes(run)
  if (!push && registry !== undefined && run.profile.section.push === undefined)
    run.reporter.info(
      `not pushing to ${registry.repository}: ${run.profile.name === 'local' ? 'the local profile never pushes' : 'not in CI'} (set push: true in the profile to push)`
    )
  const { kind, version, dirty } = run.release ?? releaseOf(run)
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
  const variables = variablesOf(run)
  if (run.jenkins !== undefined) setJenkinsVariables(variables, run.jenkins)
  const file = run.config.file
  const eups = run.release?.tags.eups
  const buildArgs: Record<string, string> = {
    ...(eups === undefined ? {} : { EUPS_TAG: eups }),
    ...(run.jenkins?.buildNumber === undefined
      ? {}
      : { JENKINS_BUILD_ID: String(run.jenkins.buildNumber) }),
    ...(run.jenkins?.buildUrl === undefined
      ? {}
      : { JENKINS_BUILD_URL: run.jenkins.buildUrl }),
    ...expandMap(
      section['build-args'],
      { file, path: ['image', 'build-args'] },
      variables
    )
  }
  for (const [arg, variable] of Object.entries(
    section['build-args-env'] ?? {}
  )) {
    const value = run.env[variable]
    if (value !== undefined && value !== '') buildArgs[arg] = value
  }
  const written = section['tag-template']
  const templates = (
    typeof written === 'string' ? [written] : (written ?? [])
  ).map((t, i) =>
    expandVariables(
      t,
      {
        file,
        path:
          typeof written === 'string'
            ? ['image', 'tag-template']
            : ['image', 'tag-template', i]
      },
      variables
    )
  )
  if (dirty === true) {
    run.reporter.warning(
      'the work tree has uncommitted changes: tagging the image sha-<commit>-dirty'
    )
  }
  const project = projectName(run.config.baseDir)
  const engine = await run.engine()
  const result = await runStackImage(
    engine,
    {
      release: {
        kind,
        date: run.options.date,
        version,
        timeZone: section['time-zone'],
        templates:
          dirty === true
            ? (templates.length > 0 ? templates : ['{tag}']).map(
                (t) => `${t}-dirty`
              )
            : templates,
        ...(run.options.now === undefined ? {} : { now: run.options.now() })
      },
      context: at(section.context),
      dockerfile:
        section.dockerfile === undefined ? undefined : at(section.dockerfile),
      registry: registry?.repository,
      localRepository: project,
      username,
      password,
      buildArgs,
      labels: {
        ...expandMap(
          section.labels,
          { file, path: ['image', 'labels'] },
          variables
        ),
        [RUN_ID_LABEL]: run.runId,
        [PROFILE_LABEL]: run.profile.name,
        [PROJECT_LABEL]: project
      },
      target: section.target,
      noCache: section['no-cache'],
      push,
      ...(push ? { candidateTag: candidateTag(run.runId) } : {}),
      timeoutMs: section.timeout,
      env,
      signal: run.options.signal
    },
    run.reporter
  )
  run.image = result
  await pruneLeftovers(engine, project, run)
  const release = result.release.tags.join(', ')
  return {
    status: 'passed',
    detail:
      result.digest === undefined
        ? `${result.image}${result.tags.length > 1 ? ` (+${result.tags.length - 1} tags)` : ''}, not pushed`
        : `${result.image} pushed ${result.digest.slice(0, 19)}; ${release} wait for promote`
  }
}
