/**
 * The `stack-image` step in one module: its inputs (keys as in action.yml)
 * read from the action, from CLI flags (over `image:` and `registry:` of
 * `stackci.yml` inside a project) or from the file for the pipeline, through
 * one parser; `runStackImageStep`, the only place the step is composed
 * (the registry password masked here, once); its outputs and its summary.
 *
 * What this module imports up front is small: the action says what it will
 * build ({@link stackImagePlan}) before the release tag, git and Docker
 * code is loaded (by `runStackImageStep`, on first use).
 */

import { existsSync, realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Env } from '../core/env.js'
import { ActionInputs } from '../core/action-inputs.js'
import { readGitHubEvent } from '../core/github-event.js'
import type { Reporter } from '../core/reporter.js'
import {
  StepInputs,
  flagSource,
  layered,
  valuesSource
} from '../core/step-inputs.js'
import type { DockerEngine } from './client.js'
import {
  keyValues,
  mergedMaps,
  projectSource,
  type StackImageProject
} from './step-sources.js'
import { RELEASE_KINDS, type ReleaseKind } from './release-kinds.js'
import type { StackImageResult } from './stack-image.js'
import { describeMove } from './tag-moves.js'

/** The action's inputs, parsed; keys as in `actions/stack-image/action.yml`. */
export interface StackImageInputs {
  context: string
  dockerfile: string | undefined
  kind: ReleaseKind
  date: string | undefined
  version: string | undefined
  'tag-template': string[]
  registry: string | undefined
  username: string | undefined
  password: string | undefined
  'build-args': Record<string, string>
  labels: Record<string, string>
  push: boolean
  'promote-from': string | undefined
  target: string | undefined
  'no-cache': boolean
  'time-zone': string | undefined
  branch: string | undefined
  timeout: number | undefined
  'docker-host': string | undefined
}

/** The one parser: every source validates and words its errors alike. */
export function readStackImageInputs(r: StepInputs): StackImageInputs {
  return {
    context: r.string('context') ?? '.',
    dockerfile: r.string('dockerfile'),
    kind: r.choice('kind', RELEASE_KINDS),
    date: r.string('date'),
    version: r.string('version'),
    'tag-template': r.lines('tag-template'),
    registry: r.string('registry'),
    username: r.string('username'),
    password: r.string('password'),
    'build-args': keyValues(r, 'build-args'),
    labels: keyValues(r, 'labels'),
    push: r.boolean('push', false),
    'promote-from': r.string('promote-from'),
    target: r.string('target'),
    'no-cache': r.boolean('no-cache', false),
    'time-zone': r.string('time-zone'),
    branch: r.string('branch'),
    timeout: r.duration('timeout'),
    'docker-host': r.string('docker-host')
  }
}

export type { StackImageProject } from './step-sources.js'

/** The action's inputs (`INPUT_*`). */
export function stackImageInputsFromAction(env: Env): StackImageInputs {
  return readStackImageInputs(new ActionInputs('stack-image', env))
}

/** What `stackci image build|promote` parses, normalised by the command. */
export interface StackImageFlags {
  context?: string | undefined
  file?: string
  kind?: string
  date?: string
  version?: string | undefined
  timeZone?: string
  tagTemplate?: string[]
  branch?: string
  registry?: string
  username?: string
  password?: string | undefined
  buildArg?: string[]
  label?: string[]
  target?: string
  noCache?: boolean | undefined
  push?: boolean | undefined
  promoteFrom?: string
  timeout?: string
  dockerHost?: string
}

/**
 * The CLI's flags, over `STACKCI_REGISTRY_USERNAME`/`_PASSWORD`, over the
 * project's `image:` and `registry:` when there is a project.
 */
export function stackImageInputsFromFlags(
  flags: StackImageFlags,
  env: Env,
  project?: StackImageProject
): StackImageInputs {
  return readStackImageInputs(
    new StepInputs(
      mergedMaps([
        flagSource(flags, {
          dockerfile: 'file',
          'build-args': 'build-arg',
          labels: 'label'
        }),
        valuesSource('environment', {
          username: env.STACKCI_REGISTRY_USERNAME,
          password: env.STACKCI_REGISTRY_PASSWORD
        }),
        ...(project === undefined ? [] : projectSource(project)),
        valuesSource('default', { timeout: '6h' })
      ])
    )
  )
}

/**
 * The pipeline's inputs: `image:` and `registry:` of the file, under what
 * the run decided (kind, version, date, push, tag templates); `buildArgs`
 * go under the file's, `labels` over them.
 */
export function stackImageInputsFromConfig(
  project: StackImageProject,
  run: {
    kind: ReleaseKind
    version: string | undefined
    date: string | undefined
    push: boolean
    buildArgs: Record<string, string>
    labels: Record<string, string>
    /** Tagged from a work tree with changes: `<template>-dirty`. */
    dirty?: boolean | undefined
  }
): StackImageInputs {
  const file = readStackImageInputs(
    new StepInputs(
      layered(
        valuesSource('pipeline', {
          kind: run.kind,
          version: run.version,
          date: run.date,
          push: run.push
        }),
        ...projectSource(project)
      )
    )
  )
  return {
    ...file,
    'tag-template':
      run.dirty === true
        ? dirtyTemplates(file['tag-template'])
        : file['tag-template'],
    'build-args': { ...run.buildArgs, ...file['build-args'] },
    labels: { ...file.labels, ...run.labels }
  }
}

/** Tag templates for a work tree with changes: never a plain commit tag. */
export function dirtyTemplates(templates: readonly string[]): string[] {
  return (templates.length > 0 ? templates : ['{tag}']).map((t) => `${t}-dirty`)
}

/** The step's first line: what it will make, before any of it is loaded. */
export function stackImagePlan(inputs: StackImageInputs): string {
  const what =
    inputs['promote-from'] === undefined
      ? `build a ${inputs.kind} image from ${inputs.context}`
      : `promote ${inputs['promote-from']} as a ${inputs.kind} image`
  const to = inputs.registry ?? 'the local engine'
  return `stack-image: ${what}${inputs.version === undefined ? '' : ` (${inputs.version})`}, ${inputs.push ? `pushing to ${to}` : 'not pushing'}`
}

/**
 * The version a pr or sha tag gets when none is given: the pull request's
 * number, and its head commit rather than the merge commit GitHub checks
 * out (GITHUB_SHA), which would name an image after a commit nobody pushed.
 */
export function defaultVersion(
  kind: ReleaseKind,
  env: Env
): string | undefined {
  const event = readGitHubEvent(env)
  if (kind === 'pr') {
    const n = event.pull_request?.number
    return n === undefined ? undefined : String(n)
  }
  if (kind === 'sha') return event.pull_request?.head?.sha ?? env.GITHUB_SHA
  return undefined
}

export interface StackImageStepDeps {
  reporter: Reporter
  /** Where provenance is read from (GitHub, Jenkins) and versions default from. */
  env: Env
  /** Relative paths in the inputs are relative to this; git is asked here. */
  workspace: string
  signal?: AbortSignal | undefined
  /** The engine (default: `docker-host`, else DOCKER_HOST, else the socket). */
  engine?: () => Promise<DockerEngine>
  /** Push only this tag (the pipeline's candidate); the release tags wait for promote. */
  candidateTag?: string | undefined
  /**
   * The project: the image's name without a registry, a `stackci.project`
   * label, and its earlier untagged images pruned after the build.
   */
  project?: string | undefined
  /** `--no-o-latest`: a final release leaves o_latest where it is. */
  oLatest?: boolean | undefined
  now?: Date | undefined
}

/**
 * The context and Dockerfile in the workspace (absolute paths stay); a
 * symlinked context (a vendored checkout) is the directory it points to.
 */
export function stackImagePaths(
  inputs: Pick<StackImageInputs, 'context' | 'dockerfile'>,
  workspace: string
): { context: string; dockerfile: string | undefined } {
  const at = (p: string): string => {
    const path = resolve(workspace, p)
    return existsSync(path) ? realpathSync(path) : path
  }
  return {
    context: at(inputs.context),
    dockerfile:
      inputs.dockerfile === undefined ? undefined : at(inputs.dockerfile)
  }
}

/** Runs the step; see the module comment. */
export async function runStackImageStep(
  inputs: StackImageInputs,
  deps: StackImageStepDeps
): Promise<StackImageResult> {
  const { reporter, env, workspace } = deps
  // Mask first: nothing below may print the password.
  reporter.mask(inputs.password)
  const [{ runStackImage }, project, client] = await Promise.all([
    import('./stack-image.js'),
    import('./project.js'),
    import('./client.js')
  ])
  let version = inputs.version ?? defaultVersion(inputs.kind, env)
  let templates = inputs['tag-template']
  if (version === undefined && inputs.kind === 'sha') {
    // Off Actions the commit is the work tree's, as `stackci run` takes it.
    version = project.gitHead(workspace)
    if (version !== undefined && project.worktreeDirty(workspace)) {
      reporter.warning(
        'the work tree has uncommitted changes: tagging the image sha-<commit>-dirty'
      )
      templates = dirtyTemplates(templates)
    }
  }
  const engine = await (
    deps.engine ?? (async () => client.connectDocker(inputs['docker-host']))
  )()
  const name = deps.project
  const result = await runStackImage(
    engine,
    {
      release: {
        kind: inputs.kind,
        date: inputs.date,
        version,
        timeZone: inputs['time-zone'],
        templates,
        branch: inputs.branch,
        oLatest: deps.oLatest,
        ...(deps.now === undefined ? {} : { now: deps.now })
      },
      ...stackImagePaths(inputs, workspace),
      registry: inputs.registry,
      username: inputs.username,
      password: inputs.password,
      buildArgs: inputs['build-args'],
      labels:
        name === undefined
          ? inputs.labels
          : { ...inputs.labels, [project.PROJECT_LABEL]: name },
      target: inputs.target,
      noCache: inputs['no-cache'],
      push: inputs.push,
      promoteFrom: inputs['promote-from'],
      candidateTag: deps.candidateTag,
      localRepository: name,
      timeoutMs: inputs.timeout,
      env,
      signal: deps.signal
    },
    reporter
  )
  if (name !== undefined && inputs['promote-from'] === undefined)
    await project.pruneProjectLeftovers(engine, name, reporter)
  return result
}

/** The action's four outputs. */
export function stackImageOutputs(
  result: Pick<StackImageResult, 'image' | 'tags' | 'digest' | 'imageId'>
): Record<'image' | 'tags' | 'digest' | 'image-id', string> {
  return {
    image: result.image,
    tags: result.tags.join('\n'),
    digest: result.digest ?? '',
    'image-id': result.imageId
  }
}

/** The job summary: image, tags, digest, id, and any alias moves. */
export function stackImageSummary(result: StackImageResult): string {
  const r = result.release
  const lines = [
    `### Stack image \`${result.image}\``,
    '',
    '| | |',
    '| --- | --- |',
    `| release | ${r.kind} \`${r.git ?? r.tag}\`${r.eups === undefined ? '' : ` (EUPS \`${r.eups}\`)`} |`,
    `| digest | ${result.digest === undefined ? 'not pushed' : `\`${result.digest}\``} |`,
    `| image id | \`${result.imageId}\` |`
  ]
  if (result.promotedFrom !== undefined)
    lines.push(`| promoted from | \`${result.promotedFrom}\` (no rebuild) |`)
  lines.push('', '**Tags**', '', ...result.tags.map((t) => `- \`${t}\``))
  if (result.moves !== undefined && result.pushed) {
    lines.push(
      '',
      '**Tag moves**',
      '',
      ...result.moves.map((m) => `- ${describeMove(m)}`)
    )
  }
  return `${lines.join('\n')}\n`
}
