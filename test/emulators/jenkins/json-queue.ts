/** Queue documents: one item (each of the four classes) and the queue. */

import {
  JOB_CLASS,
  causeAction,
  jobColor,
  jobUrl,
  parametersAction,
  ref,
  type Doc
} from './json-common.js'
import type { JenkinsModel, QueueItem } from './model.js'

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
    actions: [
      ...parametersAction(item.job, item.params),
      causeAction(item.user)
    ],
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

export function queueJson(model: JenkinsModel, root: string, now: number): Doc {
  return {
    _class: 'hudson.model.Queue',
    discoverableItems: [],
    items: [...model.items.values()]
      .filter((i) => i.state !== 'left')
      .map((i) => queueItemJson(i, root, now))
  }
}
