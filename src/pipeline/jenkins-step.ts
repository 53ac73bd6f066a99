/**
 * The jenkins-build step: the profile's Jenkins job with the run id as a
 * build parameter, followed to its end. No Jenkins URL: skipped, saying so.
 */

import { ConfigError } from '../core/errors.js'
import {
  DEFAULT_TIMEOUT_MS,
  jenkinsClientFor,
  maskCredentials
} from '../jenkins/build-inputs.js'
import { reporterConsoleSink } from '../jenkins/console.js'
import { DEFAULT_FAIL_ON } from '../jenkins/results.js'
import { runJenkinsBuild } from '../jenkins/run-build.js'
import type { RunState, StepDone } from './state.js'

export const DEFAULT_RUN_ID_PARAMETER = 'STACKCI_RUN_ID'

/** The job this profile runs, or undefined when none is named. */
export function jenkinsJobFor(run: RunState): string | undefined {
  return (
    run.profile.section['jenkins-job'] ??
    run.config.jenkins?.jobs?.[run.profile.name]
  )
}

const nonEmpty = (v: string | undefined): string | undefined =>
  v === undefined || v === '' ? undefined : v

export async function jenkinsStep(run: RunState): Promise<StepDone> {
  const section = run.config.jenkins
  const url = section?.url
  if (url === undefined) {
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
  const userVar = section?.['user-env'] ?? 'JENKINS_USER'
  const tokenVar = section?.['token-env'] ?? 'JENKINS_TOKEN'
  const user = nonEmpty(run.env[userVar])
  const token = nonEmpty(run.env[tokenVar])
  maskCredentials(run.reporter, user, token)
  const parameters: [string, string][] = Object.entries({
    ...section?.parameters,
    ...run.profile.section['jenkins-parameters'],
    [section?.['run-id-parameter'] ?? DEFAULT_RUN_ID_PARAMETER]: run.runId
  })
  const jenkins = jenkinsClientFor({ url, user, token }, run.reporter)
  const outcome = await runJenkinsBuild(
    {
      job,
      parameters,
      wait: true,
      timeoutMs: section?.timeout ?? DEFAULT_TIMEOUT_MS,
      streamLog: section?.['stream-log'] ?? true,
      failOn: new Set(section?.['fail-on'] ?? DEFAULT_FAIL_ON),
      cancelOnAbort: true
    },
    {
      jenkins,
      reporter: run.reporter,
      console: reporterConsoleSink(run.reporter, {
        protectCommands: run.options.protectCommands === true
      }),
      ...(run.options.signal === undefined
        ? {}
        : { signal: run.options.signal })
    }
  )
  run.jenkins = outcome
  return {
    status: outcome.failed ? 'failed' : 'passed',
    detail: [
      `${job} #${outcome.buildNumber ?? '?'}`,
      outcome.result,
      outcome.buildUrl
    ]
      .filter((part) => part !== undefined)
      .join(' ')
  }
}
