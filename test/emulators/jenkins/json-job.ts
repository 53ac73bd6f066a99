/** Job, folder and root documents. */

import { buildJson } from './json-build.js'
import {
  FOLDER_CLASS,
  JOB_CLASS,
  jobColor,
  jobUrl,
  ref,
  type Doc
} from './json-common.js'
import { queueItemJson } from './json-queue.js'
import { Folder, type Build, type Job, type JenkinsModel } from './model.js'

function paramDefs(job: Job): Doc[] {
  return (job.config.parameters ?? []).map((p) => {
    const kind = p.type === 'boolean' ? 'Boolean' : 'String'
    const value =
      p.type === 'boolean' ? p.default === 'true' : (p.default ?? '')
    return {
      _class: `hudson.model.${kind}ParameterDefinition`,
      defaultParameterValue: {
        _class: `hudson.model.${kind}ParameterValue`,
        name: p.name,
        value
      },
      description: p.description ?? '',
      name: p.name,
      type: `${kind}ParameterDefinition`
    }
  })
}

export function jobJson(
  model: JenkinsModel,
  job: Job,
  root: string,
  now: number,
  depth: number
): Doc {
  const builds = [...job.builds].reverse()
  const done = builds.filter((b) => !b.building(now))
  const find = (pred: (b: Build) => boolean): Doc | null =>
    ref(root, done.find(pred))
  const pending = [...model.items.values()].find(
    (i) => i.job === job && i.state !== 'left'
  )
  const property = job.parameterized
    ? [
        {
          _class: 'hudson.model.ParametersDefinitionProperty',
          parameterDefinitions: paramDefs(job)
        }
      ]
    : []
  const lastDone = done[0]
  return {
    _class: JOB_CLASS[job.kind],
    actions: [
      ...property,
      {},
      { _class: 'org.jenkinsci.plugins.displayurlapi.actions.JobDisplayAction' }
    ],
    description: job.config.description ?? '',
    displayName: job.name,
    displayNameOrNull: null,
    fullDisplayName: job.names.join(' » '),
    fullName: job.fullName,
    name: job.name,
    url: jobUrl(root, job.names),
    buildable: job.config.disabled !== true,
    builds: builds.map((b) =>
      depth > 0 ? buildJson(model, b, root, now, depth - 1) : ref(root, b)
    ),
    color: jobColor(job, now),
    firstBuild: ref(root, job.builds[0]),
    healthReport:
      lastDone === undefined
        ? []
        : [
            {
              description: 'Build stability: No recent builds failed.',
              iconClassName: 'icon-health-80plus',
              iconUrl: 'health-80plus.png',
              score: 100
            }
          ],
    inQueue: pending !== undefined,
    keepDependencies: false,
    lastBuild: ref(root, builds[0]),
    lastCompletedBuild: ref(root, lastDone),
    lastFailedBuild: find((b) => b.result === 'FAILURE'),
    lastStableBuild: find((b) => b.result === 'SUCCESS'),
    lastSuccessfulBuild: find(
      (b) => b.result === 'SUCCESS' || b.result === 'UNSTABLE'
    ),
    lastUnstableBuild: find((b) => b.result === 'UNSTABLE'),
    lastUnsuccessfulBuild: find((b) => b.result !== 'SUCCESS'),
    nextBuildNumber: job.nextBuildNumber,
    property,
    queueItem: pending === undefined ? null : queueItemJson(pending, root, now),
    concurrentBuild: job.config.concurrent === true,
    disabled: job.config.disabled === true,
    downstreamProjects: [],
    labelExpression: null,
    scm: { _class: 'hudson.scm.NullSCM' },
    upstreamProjects: [],
    resumeBlocked: false
  }
}

/** Children of a folder (or the root) as job lists show them. */
function children(folder: Folder, root: string, now: number): Doc[] {
  return [...folder.children.values()].map((c) =>
    c instanceof Folder
      ? {
          _class: FOLDER_CLASS,
          name: c.names[c.names.length - 1],
          url: jobUrl(root, c.names)
        }
      : {
          _class: JOB_CLASS[c.kind],
          name: c.name,
          url: jobUrl(root, c.names),
          color: jobColor(c, now)
        }
  )
}

export function folderJson(folder: Folder, root: string, now: number): Doc {
  const url = jobUrl(root, folder.names)
  const name = folder.names[folder.names.length - 1] ?? ''
  return {
    _class: FOLDER_CLASS,
    actions: [
      {},
      {},
      { _class: 'com.cloudbees.plugins.credentials.ViewCredentialsAction' }
    ],
    description: null,
    displayName: name,
    displayNameOrNull: null,
    fullDisplayName: folder.names.join(' » '),
    fullName: folder.names.join('/'),
    name,
    url,
    healthReport: [],
    jobs: children(folder, root, now),
    primaryView: { _class: 'hudson.model.AllView', name: 'All', url },
    views: [{ _class: 'hudson.model.AllView', name: 'All', url }]
  }
}

export function rootJson(
  model: JenkinsModel,
  root: string,
  now: number,
  security: { useCrumbs: boolean }
): Doc {
  return {
    _class: 'hudson.model.Hudson',
    assignedLabels: [{ name: 'built-in' }],
    mode: 'NORMAL',
    nodeDescription: "the Jenkins controller's built-in node",
    nodeName: '',
    numExecutors: model.options.executors,
    description: null,
    jobs: children(model.root, root, now),
    overallLoad: {},
    primaryView: { _class: 'hudson.model.AllView', name: 'all', url: root },
    quietDownReason: null,
    quietingDown: false,
    slaveAgentPort: -1,
    unlabeledLoad: { _class: 'jenkins.model.UnlabeledLoadStatistics' },
    url: root,
    useCrumbs: security.useCrumbs,
    useSecurity: true,
    views: [{ _class: 'hudson.model.AllView', name: 'all', url: root }]
  }
}
