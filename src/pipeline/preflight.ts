/**
 * What is checked before the first step, so that nothing runs until the
 * file is right: the release this run makes, every variable of every string
 * the steps will send (Jenkins parameters, build args, labels, tag
 * templates), and the paths the steps will read (datasets, definitions,
 * build context, Dockerfile) — not when `integration` starts, after a
 * Jenkins build of hours. Every problem is reported at once.
 */

import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Problem } from '../core/errors.js'
import { releaseTags } from '../docker/release-tags.js'
import { releaseOf } from './image-step.js'
import { jenkinsParameterSources } from './jenkins-step.js'
import type { RunState } from './state.js'
import {
  runVariables,
  variableProblems,
  problemsError,
  type VariableName,
  type Variables
} from './variables.js'

const JENKINS_LATER: VariableName[] = [
  'jenkins.build_number',
  'jenkins.build_url'
]

/** Whether this run's steps include a Jenkins build that will run. */
function runsJenkins(run: RunState): boolean {
  return (
    run.profile.steps.includes('jenkins-build') &&
    run.config.jenkins?.url !== undefined
  )
}

/** The release of this run, worked out once (its warnings said once). */
function resolveRelease(run: RunState): RunState['release'] {
  const steps = run.profile.steps
  if (
    !steps.includes('stack-image') &&
    !steps.includes('promote') &&
    !runsJenkins(run)
  )
    return undefined
  const { kind, version, dirty } = releaseOf(run)
  const tags = releaseTags({
    kind,
    date: run.options.date,
    version,
    timeZone: run.config.image?.['time-zone'],
    ...(run.options.now === undefined ? {} : { now: run.options.now() })
  })
  return { kind, version, tags, ...(dirty === true ? { dirty } : {}) }
}

/** The run's variables, made once. */
export function variablesOf(run: RunState): Variables {
  run.variables ??= runVariables({
    runId: run.runId,
    env: run.env,
    baseDir: run.config.baseDir,
    release:
      run.release === undefined
        ? undefined
        : { tags: run.release.tags, version: run.release.version },
    jenkins: runsJenkins(run)
  })
  return run.variables
}

function stringProblems(run: RunState): Problem[] {
  const variables = variablesOf(run)
  const file = run.config.file
  const problems: Problem[] = []
  if (runsJenkins(run)) {
    for (const { path, map } of jenkinsParameterSources(run))
      for (const [key, value] of Object.entries(map))
        problems.push(
          ...variableProblems(value, { file, path: [...path, key] }, variables)
        )
  }
  const image = run.config.image
  if (image !== undefined && run.profile.steps.includes('stack-image')) {
    const later = runsJenkins(run) ? JENKINS_LATER : []
    for (const key of ['build-args', 'labels'] as const)
      for (const [k, v] of Object.entries(image[key] ?? {}))
        problems.push(
          ...variableProblems(
            v,
            { file, path: ['image', key, k] },
            variables,
            later
          )
        )
    const templates = image['tag-template']
    ;(typeof templates === 'string' ? [templates] : (templates ?? [])).forEach(
      (t, i) =>
        problems.push(
          ...variableProblems(
            t,
            {
              file,
              path:
                typeof templates === 'string'
                  ? ['image', 'tag-template']
                  : ['image', 'tag-template', i]
            },
            variables,
            later
          )
        )
    )
  }
  return problems
}

function pathProblems(run: RunState): Problem[] {
  const { config, profile } = run
  const problems: Problem[] = []
  const need = (
    path: string,
    at: (string | number)[],
    what: string,
    kind: 'dir' | 'file'
  ): void => {
    const full = resolve(config.baseDir, path)
    const ok =
      existsSync(full) &&
      (kind === 'dir' ? statSync(full).isDirectory() : statSync(full).isFile())
    if (!ok)
      problems.push({
        where: { file: config.file, path: at.join('.') },
        message: `${what} ${path} is not ${kind === 'dir' ? 'a directory' : 'a file'} (looked for ${full})`,
        hint: `paths in stackci.yml are relative to the directory it is in (${config.baseDir})`
      })
  }
  const steps = profile.steps
  const image = config.image
  if (image !== undefined && steps.includes('stack-image')) {
    need(image.context, ['image', 'context'], 'the build context', 'dir')
    need(
      image.dockerfile ?? resolve(config.baseDir, image.context, 'Dockerfile'),
      ['image', image.dockerfile === undefined ? 'context' : 'dockerfile'],
      'the Dockerfile',
      'file'
    )
  }
  const integration = config.integration
  if (integration !== undefined && steps.includes('integration')) {
    const wanted = profile.section.datasets
    for (const [name, path] of Object.entries(integration.datasets))
      if (wanted === undefined || wanted.includes(name))
        need(path, ['integration', 'datasets', name], `dataset ${name}`, 'dir')
  }
  const definitions = config.metrics?.definitions ?? config.verify?.definitions
  if (
    definitions !== undefined &&
    (steps.includes('verify') || steps.includes('dispatch-metrics'))
  )
    need(
      definitions,
      config.metrics?.definitions === undefined
        ? ['verify', 'definitions']
        : ['metrics', 'definitions'],
      'the definitions directory',
      'dir'
    )
  return problems
}

/**
 * Checks the run before its first step; see the module comment. Sets the
 * run's release and variables for the steps.
 */
export function preflight(run: RunState): void {
  run.release = resolveRelease(run)
  const problems = [...stringProblems(run), ...pathProblems(run)]
  if (problems.length > 0) throw problemsError(run.config.file, problems)
}
