/**
 * A build's document, shaped after the recordings: `_class`, `{}` placeholder
 * actions, freestyle `changeSet` + `builtOn` (and `changeSets` from
 * RunWithSCM), Pipeline `previousBuild`/`nextBuild`; `depth` > 0 inlines more.
 */

import {
  RUN_CLASS,
  buildUrl,
  causeAction,
  parametersAction,
  ref,
  type Doc
} from './json-common.js'
import type { Build, JenkinsModel } from './model.js'

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
      ...parametersAction(job, build.item.params),
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
      ...testResultAction(build.script.testReport, building),
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

/** The JUnit plugin's action, with its counts, once the report is published. */
function testResultAction(
  cases: readonly { status: string }[] | undefined,
  building: boolean
): Doc[] {
  if (cases === undefined || building) return []
  const failCount = cases.filter(
    (c) => c.status === 'FAILED' || c.status === 'REGRESSION'
  ).length
  return [
    {
      _class: 'hudson.tasks.junit.TestResultAction',
      failCount,
      skipCount: cases.filter((c) => c.status === 'SKIPPED').length,
      totalCount: cases.length,
      urlName: 'testReport'
    }
  ]
}
