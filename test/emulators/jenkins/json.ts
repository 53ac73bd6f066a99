/**
 * The JSON documents the emulator serves, shaped after the real recordings in
 * shared/fixtures/recorded/jenkins (Jenkins 2.x: `_class` everywhere, `{}`
 * placeholder actions, absolute URLs from the configured root URL, relative
 * queue item URLs). `depth` 0 reduces nested builds to `{_class,number,url}`.
 */

import type { BuildResult } from '../../../src/jenkins/types.js'
import {
  Build,
  Folder,
  Job,
  type JenkinsModel,
  type QueueItem
} from './model.js'

type Doc = Record<string, unknown>

export const JOB_CLASS = {
  freestyle: 'hudson.model.FreeStyleProject',
  pipeline: 'org.jenkinsci.plugins.workflow.job.WorkflowJob'
} as const
export const RUN_CLASS = {
  freestyle: 'hudson.model.FreeStyleBuild',
  pipeline: 'org.jenkinsci.plugins.workflow.job.WorkflowRun'
} as const
const FOLDER_CLASS = 'com.cloudbees.hudson.plugins.folder.Folder'

export function jobUrl(root: string, names: string[]): string {
  return `${root}${names.map((n) => `job/${encodeURIComponent(n)}/`).join('')}`
}

export function buildUrl(root: string, build: Build): string {
  return `${jobUrl(root, build.job.names)}${build.number}/`
}

function ref(root: string, build: Build | undefined): Doc | null {
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

function parametersAction(params: [string, string][]): Doc[] {
  if (params.length === 0) return []
  return [
    {
      _class: 'hudson.model.ParametersAction',
      parameters: params.map(([name, value]) => ({
        _class: 'hudson.model.StringParameterValue',
        name,
        value
      }))
    }
  ]
}

function causeAction(user: string): Doc {
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

export function queueItemJson(item: QueueItem, root: string, now: number): Doc {
  const job = item.job
  const kind =
    item.state === 'left'
      ? 'LeftItem'
      : item.state === 'waiting'
        ? 'WaitingItem'
        : item.state === 'blocked'
          ? 'BlockedItem'
          : 'BuildableItem'
  const doc: Doc = {
    _class: `hudson.model.Queue$${kind}`,
    actions: [...parametersAction(item.params), causeAction(item.user)],
    blocked: item.state === 'blocked',
    buildable: item.state === 'buildable',
    id: item.id,
    inQueueSince: item.inQueueSince,
    params: item.params.map(([k, v]) => `\n${k}=${v}`).join(''),
    stuck: false,
    task: {
      _class: JOB_CLASS[job.kind],
      name: job.name,
      url: jobUrl(root, job.names),
      color: jobColor(job, now)
    },
    url: `queue/item/${item.id}/`,
    why:
      item.state === 'waiting'
        ? `In the quiet period. Expires in ${Math.max(0, (item.due - now) / 1000).toFixed(1)} sec`
        : item.why
  }
  if (item.state === 'waiting') doc.timestamp = item.due
  if (item.state === 'blocked' || item.state === 'buildable')
    doc.buildableStartMilliseconds = item.buildableSince ?? now
  if (item.state === 'buildable') doc.pending = false
  if (item.state === 'left') {
    doc.cancelled = item.cancelled
    doc.executable = ref(root, item.build)
  }
  return doc
}

export function buildJson(
  model: JenkinsModel,
  build: Build,
  root: string,
  now: number,
  depth: number
): Doc {
  const job = build.job
  const building = build.building(now)
  const url = buildUrl(root, build)
  const index = job.builds.indexOf(build)
  const changes = build.script.changes ?? []
  const changeItems = changes.map((c) => ({
    _class: 'hudson.plugins.git.GitChangeSet',
    affectedPaths: c.paths,
    commitId: c.commitId,
    timestamp: build.startedAt,
    author: { absoluteUrl: `${root}user/${c.author}`, fullName: c.author },
    authorEmail: `${c.author}@example.org`,
    comment: `${c.message}\n`,
    date: new Date(build.startedAt).toISOString(),
    id: c.commitId,
    msg: c.message,
    paths: c.paths.map((file) => ({ editType: 'edit', file }))
  }))
  const changeSets =
    changes.length === 0
      ? []
      : [
          {
            _class: 'hudson.plugins.git.GitChangeSetList',
            items: changeItems,
            kind: 'git'
          }
        ]
  const culprits = [...new Set(changes.map((c) => c.author))].map((a) => ({
    absoluteUrl: `${root}user/${a}`,
    fullName: a
  }))
  const timeInQueue: Doc = { _class: 'jenkins.metrics.impl.TimeInQueueAction' }
  if (depth > 0) {
    Object.assign(timeInQueue, {
      blockedDurationMillis: 0,
      blockedTimeMillis: 0,
      buildableDurationMillis: 0,
      buildableTimeMillis: 0,
      buildingDurationMillis: building
        ? now - build.startedAt
        : build.endAt - build.startedAt,
      executingTimeMillis: building
        ? now - build.startedAt
        : build.endAt - build.startedAt,
      executorUtilization: 1,
      subTaskCount: 0,
      waitingDurationMillis: build.startedAt - build.item.inQueueSince,
      waitingTimeMillis: build.startedAt - build.item.inQueueSince
    })
  }
  const doc: Doc = {
    _class: RUN_CLASS[job.kind],
    actions: [
      ...parametersAction(build.item.params),
      causeAction(build.item.user),
      timeInQueue,
      {},
      {},
      ...(job.kind === 'pipeline'
        ? [
            {
              _class: 'org.jenkinsci.plugins.workflow.job.views.FlowGraphAction'
            }
          ]
        : []),
      {}
    ],
    artifacts: building
      ? []
      : (build.script.artifacts ?? []).map((p) => ({
          displayPath: p.split('/').pop(),
          fileName: p.split('/').pop(),
          relativePath: p
        })),
    building,
    description: null,
    displayName: `#${build.number}`,
    duration: building ? 0 : build.endAt - build.startedAt,
    estimatedDuration: model.estimatedDuration(job),
    executor: building
      ? depth > 0
        ? {
            _class: 'hudson.model.OneOffExecutor',
            currentExecutable: ref(root, build),
            idle: false,
            likelyStuck: false,
            number: -1,
            progress: -1
          }
        : { _class: 'hudson.model.OneOffExecutor' }
      : null,
    fullDisplayName: `${job.names.join(' » ')} #${build.number}`,
    id: String(build.number),
    keepLog: false,
    number: build.number,
    queueId: build.item.id,
    result: build.resultAtTime(now),
    timestamp: build.startedAt,
    url,
    changeSets,
    culprits,
    inProgress: building
  }
  if (job.kind === 'freestyle') {
    doc.builtOn = ''
    doc.changeSet = {
      _class:
        changes.length === 0
          ? 'hudson.scm.EmptyChangeLogSet'
          : 'hudson.plugins.git.GitChangeSetList',
      items: changeItems,
      kind: changes.length === 0 ? null : 'git'
    }
  } else {
    doc.nextBuild = ref(root, job.builds[index + 1])
    doc.previousBuild = ref(root, job.builds[index - 1])
  }
  return doc
}

function paramDefs(job: Job): Doc[] {
  return (job.config.parameters ?? []).map((p) => ({
    _class: 'hudson.model.StringParameterDefinition',
    defaultParameterValue: {
      _class: 'hudson.model.StringParameterValue',
      name: p.name,
      value: p.default ?? ''
    },
    description: p.description ?? '',
    name: p.name,
    type: 'StringParameterDefinition'
  }))
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

export function queueJson(model: JenkinsModel, root: string, now: number): Doc {
  return {
    _class: 'hudson.model.Queue',
    discoverableItems: [],
    items: [...model.items.values()]
      .filter((i) => i.state !== 'left')
      .map((i) => queueItemJson(i, root, now))
  }
}
