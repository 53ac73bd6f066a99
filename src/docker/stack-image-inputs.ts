/**
 * The stack-image action's inputs, read and checked in one place (keys
 * mirror action.yml), and the step options they make. Pure: the env and the
 * event payload are arguments, so tests pass literals.
 */

import { isAbsolute, join } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import type { Env } from '../core/env.js'
import { readGitHubEvent } from '../core/github-event.js'
import { parseKeyValues } from './labels.js'
import { RELEASE_KINDS, type ReleaseKind } from './release-tags.js'
import type { StackImageOptions } from './stack-image.js'

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
  // Beyond the list:
  target: string | undefined
  'no-cache': boolean
  'time-zone': string | undefined
  branch: string | undefined
  timeout: number | undefined
  'docker-host': string | undefined
}

/** Reads every input; errors name the input and the bad value. */
export function readStackImageInputs(env: Env): StackImageInputs {
  const input = new ActionInputs('stack-image', env)
  return {
    context: input.string('context') ?? '.',
    dockerfile: input.string('dockerfile'),
    kind: input.choice('kind', RELEASE_KINDS),
    date: input.string('date'),
    version: input.string('version'),
    'tag-template': input.lines('tag-template'),
    registry: input.string('registry'),
    username: input.string('username'),
    password: input.string('password'),
    'build-args': parseKeyValues(
      input.lines('build-args'),
      "stack-image: input 'build-args'"
    ),
    labels: parseKeyValues(
      input.lines('labels'),
      "stack-image: input 'labels'"
    ),
    push: input.boolean('push', false),
    'promote-from': input.string('promote-from'),
    target: input.string('target'),
    'no-cache': input.boolean('no-cache', false),
    'time-zone': input.string('time-zone'),
    branch: input.string('branch'),
    timeout: input.duration('timeout'),
    'docker-host': input.string('docker-host')
  }
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

/** The step options from the inputs, paths resolved in the workspace. */
export function stackImageOptions(
  inputs: StackImageInputs,
  env: Env
): StackImageOptions {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
  const at = (p: string): string => (isAbsolute(p) ? p : join(workspace, p))
  const version = inputs.version ?? defaultVersion(inputs.kind, env)
  return {
    release: {
      kind: inputs.kind,
      date: inputs.date,
      version,
      timeZone: inputs['time-zone'],
      templates: inputs['tag-template'],
      branch: inputs.branch
    },
    context: at(inputs.context),
    dockerfile:
      inputs.dockerfile === undefined ? undefined : at(inputs.dockerfile),
    registry: inputs.registry,
    username: inputs.username,
    password: inputs.password,
    buildArgs: inputs['build-args'],
    labels: inputs.labels,
    target: inputs.target,
    noCache: inputs['no-cache'],
    push: inputs.push,
    promoteFrom: inputs['promote-from'],
    timeoutMs: inputs.timeout,
    env
  }
}

/** The action's four outputs. */
export function stackImageOutputs(result: {
  image: string
  tags: string[]
  digest?: string
  imageId: string
}): Record<'image' | 'tags' | 'digest' | 'image-id', string> {
  return {
    image: result.image,
    tags: result.tags.join('\n'),
    digest: result.digest ?? '',
    'image-id': result.imageId
  }
}
