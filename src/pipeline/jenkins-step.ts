/**
 * The jenkins-build step: the profile's Jenkins job with the run's identity
 * as build parameters — jenkins-dm-jobs' parameters of its release kind by
 * default, then `jenkins.parameters` and the profile's, variables expanded,
 * and the run id — followed to its end; then its JUnit summary and named
 * artifacts. No Jenkins URL: skipped, saying so.
 */

import { join } from 'node:path'
import { ConfigError } from '../core/errors.js'
import { plural } from '../core/format.js'
import {
  describeTests,
  jenkinsBuildInputsFromConfig,
  jenkinsBuildSummary,
  reporterConsoleSink,
  runJenkinsBuildStep
} from '../jenkins/index.js'
import { variablesOf } from './preflight.js'
import { type RunState, type StepDone } from './state.js'
import { expandMap, variablesIn, type VariableName } from './variables.js'

export const DEFAULT_RUN_ID_PARAMETER = 'STACKCI_RUN_ID'

/**
 * jenkins-dm-jobs' parameters per release kind (lsst.md §7): the nightly
 * and weekly release jobs take the date, official-release the refs, tag and
 * whether `o_latest` moves (finals only), stack-os-matrix the PR's branch.
 * `jenkins.parameters` or the profile's `jenkins-parameters` override them.
 */
export const RELEASE_PARAMETERS: Partial<
  Record<RunState['profile']['kind'], Record<string, string>>
> = {
  daily: {
    YEAR: '{release.year}',
    MONTH: '{release.month}',
    DAY: '{release.day}'
  },
  weekly: { YEAR: '{release.year}', WEEK: '{release.week}' },
  release: {
    SOURCE_GIT_REFS: '{git.ref}',
    RELEASE_GIT_TAG: '{release.git}',
    O_LATEST: 'true'
  },
  rc: {
    SOURCE_GIT_REFS: '{git.ref}',
    RELEASE_GIT_TAG: '{release.git}',
    O_LATEST: 'false'
  },
  pr: { REFS: '{pr.head_ref}' }
}

/** The parameter maps written in stackci.yml, with where they are. */
export function jenkinsParameterSources(
  run: RunState
): { path: string[]; map: Readonly<Record<string, string>> }[] {
  return [
    {
      path: ['jenkins', 'parameters'],
      map: run.config.jenkins?.parameters ?? {}
    },
    {
      path: ['profiles', run.profile.name, 'jenkins-parameters'],
      map: run.profile.section['jenkins-parameters'] ?? {}
    }
  ]
}

/** Every parameter the build gets, variables expanded; see the module comment. */
export function jenkinsParameters(run: RunState): [string, string][] {
  const variables = variablesOf(run)
  const kind = run.release?.kind ?? run.profile.kind
  const defaults: Record<string, string> = {}
  // A default whose value this run lacks (REFS on a push) is left out.
  for (const [key, value] of Object.entries(RELEASE_PARAMETERS[kind] ?? {}))
    if (
      variablesIn(value).every(
        (v) => variables[v as VariableName].value !== undefined
      )
    )
      defaults[key] = value
  const file = run.config.file
  const out: Record<string, string> = expandMap(
    defaults,
    { file, path: [] },
    variables
  )
  for (const { path, map } of jenkinsParameterSources(run))
    Object.assign(out, expandMap(map, { file, path }, variables))
  out[run.config.jenkins?.['run-id-parameter'] ?? DEFAULT_RUN_ID_PARAMETER] =
    run.runId
  return Object.entries(out)
}

/** The job this profile runs, or undefined when none is named. */
export function jenkinsJobFor(run: RunState): string | undefined {
  return (
    run.profile.section['jenkins-job'] ??
    run.config.jenkins?.jobs?.[run.profile.name]
  )
}

export async function jenkinsStep(run: RunState): Promise<StepDone> {
  const section = run.config.jenkins
  if (section?.url === undefined) {
    return {
      status: 'skipped',
      detail:
        'no Jenkins URL configured (set jenkins.url in stackci.yml to run it)'
    }
  }
  const job = jenkinsJobFor(run)
  if (job === undefined) {
    throw new ConfigError(`no Jenkins job for profile ${run.profile.name}`, {
      where: { file: run.config.file, path: 'jenkins.jobs' },
      hint: `add jenkins.jobs.${run.profile.name} or profiles.${run.profile.name}.jenkins-job`
    })
  }
  const parameters = jenkinsParameters(run)
  const inputs = jenkinsBuildInputsFromConfig(run.config, {
    job,
    parameters,
    env: run.env
  })
  run.reporter.info(
    `parameters: ${parameters.map(([k, v]) => `${k}=${v}`).join(' ')}`
  )
  const names = section.artifacts
  const result = await runJenkinsBuildStep(inputs, {
    reporter: run.reporter,
    signal: run.options.signal,
    console: reporterConsoleSink(run.reporter, {
      protectCommands: run.options.protectCommands === true
    }),
    artifacts: {
      names:
        names === undefined ? [] : typeof names === 'string' ? [names] : names,
      dir: join(run.dir, 'jenkins')
    }
  })
  const { outcome, tests, artifacts } = result
  run.jenkins = outcome
  if (tests !== undefined) run.tests = tests
  let published = ''
  if (outcome.result !== undefined && outcome.buildNumber !== undefined) {
    published = `; tests: ${describeTests(tests)}`
    if (artifacts.length > 0)
      published += `; ${plural(artifacts.length, 'artifact')} downloaded`
    await run.reporter.summary(`${jenkinsBuildSummary(result)}\n`)
  }
  return {
    status: outcome.failed ? 'failed' : 'passed',
    detail:
      [
        `${job} #${outcome.buildNumber ?? '?'}`,
        outcome.result,
        outcome.buildUrl
      ]
        .filter((part) => part !== undefined)
        .join(' ') + published
  }
}
