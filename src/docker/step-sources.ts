/**
 * Where the stack-image step's inputs come from besides the action: the
 * project's `image:` and `registry:` sections as a source keyed like the
 * action's inputs, and the layering that merges build args and labels key
 * by key. The step module (`step.ts`) reads them through its one parser.
 */

import { resolve } from 'node:path'
import type { StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import {
  StepInputs,
  configSource,
  layered,
  type InputSource
} from '../core/step-inputs.js'
import { parseKeyValues } from './labels.js'
import type { ReleaseKind } from './release-kinds.js'

/** KEY=VALUE lines or repeated flags, or a map from the file. */
export function keyValues(r: StepInputs, key: string): Record<string, string> {
  const raw = r.source.get(key)
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw))
    return Object.fromEntries(
      Object.entries(raw as Record<string, unknown>).map(([k, v]) => [
        k,
        String(v)
      ])
    )
  return parseKeyValues(r.lines(key), r.source.describe(key))
}

/** A `stackci.yml` the step reads `image:` and `registry:` from. */
export interface StackImageProject {
  config: StackciConfig
  env: Env
  /** The profile's release kind: what `kind` is unless given. */
  kind?: ReleaseKind | undefined
  /** Expands the pipeline's variables in a string of `image:` at `path`. */
  expand?: (text: string, path: (string | number)[]) => string
}

/**
 * `image:` and `registry:` as a source with the action's keys: paths made
 * absolute (relative to the file; a symlinked context is what it points
 * to), variables expanded, `build-args-env` read from the environment.
 */
export function projectSource(project: StackImageProject): InputSource[] {
  const { config, env } = project
  const section = config.image
  const registry = config.registry
  const expand = project.expand ?? ((text: string): string => text)
  const map = (
    key: 'build-args' | 'labels'
  ): Record<string, string> | undefined => {
    const written = section?.[key]
    if (written === undefined) return undefined
    return Object.fromEntries(
      Object.entries(written).map(([k, v]) => [k, expand(v, ['image', key, k])])
    )
  }
  const fromEnv: Record<string, string> = {}
  for (const [arg, variable] of Object.entries(
    section?.['build-args-env'] ?? {}
  )) {
    const value = env[variable]
    if (value !== undefined && value !== '') fromEnv[arg] = value
  }
  const written = section?.['tag-template']
  const templates =
    typeof written === 'string'
      ? [expand(written, ['image', 'tag-template'])]
      : written?.map((t, i) => expand(t, ['image', 'tag-template', i]))
  const at = (p: string | undefined): string | undefined =>
    p === undefined ? undefined : resolve(config.baseDir, p)
  const credential = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : env[name]
  return [
    configSource(config.file, 'image', {
      ...section,
      context: at(section?.context),
      dockerfile: at(section?.dockerfile),
      'tag-template': templates,
      'build-args': { ...map('build-args'), ...fromEnv },
      labels: map('labels'),
      kind: project.kind
    }),
    configSource(
      config.file,
      'registry',
      {
        repository: registry?.repository,
        username: credential(registry?.['username-env']),
        password: credential(registry?.['password-env'])
      },
      { registry: 'repository' }
    )
  ]
}

/**
 * Layered sources where `build-args` and `labels` merge key by key (a
 * `--build-arg` overrides the file's value of that argument, not the whole
 * map); each source's values are checked as that source names them.
 */
export function mergedMaps(sources: InputSource[]): InputSource {
  const base = layered(...sources)
  return {
    describe: (key) => base.describe(key),
    get: (key) => {
      if (key !== 'build-args' && key !== 'labels') return base.get(key)
      const merged: Record<string, string> = {}
      for (const source of [...sources].reverse())
        Object.assign(merged, keyValues(new StepInputs(source), key))
      return merged
    }
  }
}
