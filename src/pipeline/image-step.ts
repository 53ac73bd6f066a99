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

import type { StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import { InputError } from '../core/errors.js'
import {
  defaultVersion,
  gitHead,
  projectName,
  releaseTags,
  runStackImageStep,
  stackImageInputsFromConfig,
  worktreeDirty,
  type ReleaseKind,
  type StackImageProject
} from '../docker/index.js'
import { resolveProfile } from './profile.js'
import { pipelineRunId } from './run-id.js'
import { variablesOf } from './preflight.js'
import type { RunState, StepDone } from './state.js'
import {
  expandVariables,
  runVariables,
  setJenkinsVariables,
  type Variables
} from './variables.js'

/** The label every image of a pipeline run carries. */
export const RUN_ID_LABEL = 'stackci.run-id'
export const PROFILE_LABEL = 'stackci.profile'

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
      const dirty = fromTree && worktreeDirty(run.config.baseDir)
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

/** `image:` strings with the run's variables expanded, errors naming file and path. */
function expander(
  file: string,
  variables: Variables
): NonNullable<StackImageProject['expand']> {
  return (text, path) => expandVariables(text, { file, path }, variables)
}

export async function imageStep(run: RunState): Promise<StepDone> {
  const section = run.config.image
  if (section === undefined) {
    return { status: 'skipped', detail: 'no image: section' }
  }
  const registry = run.config.registry
  const push = pushes(run)
  if (!push && registry !== undefined && run.profile.section.push === undefined)
    run.reporter.info(
      `not pushing to ${registry.repository}: ${run.profile.name === 'local' ? 'the local profile never pushes' : 'not in CI'} (set push: true in the profile to push)`
    )
  const { kind, version, dirty } = run.release ?? releaseOf(run)
  const variables = variablesOf(run)
  if (run.jenkins !== undefined) setJenkinsVariables(variables, run.jenkins)
  const eups = run.release?.tags.eups
  const jenkins = run.jenkins
  const project = projectName(run.config.baseDir)
  const inputs = stackImageInputsFromConfig(
    {
      config: run.config,
      env: run.env,
      expand: expander(run.config.file, variables)
    },
    {
      kind,
      version,
      date: run.options.date,
      push,
      dirty,
      // Under image.build-args: the file may set them otherwise.
      buildArgs: {
        ...(eups === undefined ? {} : { EUPS_TAG: eups }),
        ...(jenkins?.buildNumber === undefined
          ? {}
          : { JENKINS_BUILD_ID: String(jenkins.buildNumber) }),
        ...(jenkins?.buildUrl === undefined
          ? {}
          : { JENKINS_BUILD_URL: jenkins.buildUrl })
      },
      labels: { [RUN_ID_LABEL]: run.runId, [PROFILE_LABEL]: run.profile.name }
    }
  )
  if (dirty === true) {
    run.reporter.warning(
      'the work tree has uncommitted changes: tagging the image sha-<commit>-dirty'
    )
  }
  const result = await runStackImageStep(inputs, {
    reporter: run.reporter,
    env: {
      ...run.env,
      ...(jenkins?.buildUrl === undefined
        ? {}
        : { STACKCI_JENKINS_BUILD_URL: jenkins.buildUrl })
    },
    workspace: run.config.baseDir,
    signal: run.options.signal,
    engine: run.engine,
    project,
    ...(push ? { candidateTag: candidateTag(run.runId) } : {}),
    ...(run.options.now === undefined ? {} : { now: run.options.now() })
  })
  run.image = result
  const release = result.release.tags.join(', ')
  return {
    status: 'passed',
    detail:
      result.digest === undefined
        ? `${result.image}${result.tags.length > 1 ? ` (+${result.tags.length - 1} tags)` : ''}, not pushed`
        : `${result.image} pushed ${result.digest.slice(0, 19)}; ${release} wait for promote`
  }
}

/**
 * `stackci image build` inside a project: what the pipeline's stack-image
 * step reads — `image:` and `registry:`, the profile's release kind (the
 * file's default profile unless `--profile`), its variables (git, pull
 * request, the release; no run, no Jenkins build) — for flags to override.
 */
export function standaloneImageProject(
  config: StackciConfig,
  env: Env,
  given: {
    profile?: string | undefined
    kind?: ReleaseKind | undefined
    version?: string | undefined
    date?: string | undefined
  }
): StackImageProject & { project: string } {
  const kind =
    given.kind ?? resolveProfile(config, given.profile, given.version).kind
  const variables = (): Variables => {
    const version =
      given.version ??
      defaultVersion(kind, env) ??
      (kind === 'sha' ? gitHead(config.baseDir) : undefined)
    let tags
    try {
      tags = releaseTags({
        kind,
        date: given.date,
        version,
        timeZone: config.image?.['time-zone']
      })
    } catch {
      // The step says what is missing, in its own words.
      tags = undefined
    }
    return runVariables({
      runId: pipelineRunId(env),
      env,
      baseDir: config.baseDir,
      release: tags === undefined ? undefined : { tags, version },
      jenkins: false
    })
  }
  let made: Variables | undefined
  return {
    config,
    env,
    kind,
    project: projectName(config.baseDir),
    // The variables are made at the first string that asks for them.
    expand: (text, path) => {
      made ??= variables()
      return expander(config.file, made)(text, path)
    }
  }
}
