/**
 * Pieces every emulated JSON document shares: `_class` names, absolute URLs
 * from the configured root URL, job colours, build references, parameter and
 * cause actions.
 */

import type { BuildResult } from '../../../src/jenkins/types.js'
import type { Build, Job } from './model.js'

export type Doc = Record<string, unknown>

export const JOB_CLASS = {
  freestyle: 'hudson.model.FreeStyleProject',
  pipeline: 'org.jenkinsci.plugins.workflow.job.WorkflowJob'
} as const
export const RUN_CLASS = {
  freestyle: 'hudson.model.FreeStyleBuild',
  pipeline: 'org.jenkinsci.plugins.workflow.job.WorkflowRun'
} as const
export const FOLDER_CLASS = 'com.cloudbees.hudson.plugins.folder.Folder'

export function jobUrl(root: string, names: string[]): string {
  return `${root}${names.map((n) => `job/${encodeURIComponent(n)}/`).join('')}`
}

export function buildUrl(root: string, build: Build): string {
  return `${jobUrl(root, build.job.names)}${build.number}/`
}

export function ref(root: string, build: Build | undefined): Doc | null {
  if (build === undefined) return null
  return {
    _class: RUN_CLASS[build.job.kind],
    number: build.number,
    url: buildUrl(root, build)
  }
}

const COLOR: Record<BuildResult, string> = {
  SUCCESS: 'blue',
  UNSTABLE: 'yellow',
  FAILURE: 'red',
  NOT_BUILT: 'notbuilt',
  ABORTED: 'aborted'
}

export function jobColor(job: Job, now: number): string {
  if (job.config.disabled === true) return 'disabled'
  const last = job.builds[job.builds.length - 1]
  if (last === undefined) return 'notbuilt'
  const done = [...job.builds].reverse().find((b) => !b.building(now))
  const base = done === undefined ? 'notbuilt' : COLOR[done.result]
  return last.building(now) ? `${base}_anime` : base
}

/** Boolean parameters export a JSON boolean, the rest strings. */
export function parameterValue(job: Job, name: string, value: string): Doc {
  const def = job.config.parameters?.find((p) => p.name === name)
  return def?.type === 'boolean'
    ? {
        _class: 'hudson.model.BooleanParameterValue',
        name,
        value: value === 'true'
      }
    : { _class: 'hudson.model.StringParameterValue', name, value }
}

export function parametersAction(job: Job, params: [string, string][]): Doc[] {
  if (params.length === 0) return []
  return [
    {
      _class: 'hudson.model.ParametersAction',
      parameters: params.map(([name, value]) =>
        parameterValue(job, name, value)
      )
    }
  ]
}

export function causeAction(user: string): Doc {
  return {
    _class: 'hudson.model.CauseAction',
    causes: [
      {
        _class: 'hudson.model.Cause$UserIdCause',
        shortDescription: `Started by user ${user}`,
        userId: user,
        userName: user
      }
    ]
  }
}
