/**
 * From queue item to build: poll `/queue/item/<id>/` (never `lastBuild`,
 * which races with every other trigger of the job), say why the item waits
 * when that changes, and return the build once it exists. Jenkins forgets an
 * item 5 minutes after it leaves the queue; if ours vanished before we saw
 * its build, the job's recent builds are searched for its `queueId`.
 */

import { JenkinsError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import type { Clock } from '../core/clock.js'
import type { JenkinsClient } from './client.js'
import { jobName } from './paths.js'
import { DEFAULT_POLL_POLICY, queuePollDelay, type PollPolicy } from './poll.js'
import type { BuildRef, QueueItem } from './types.js'

export interface FollowOptions {
  clock: Clock
  reporter: Reporter
  signal?: AbortSignal
  policy?: PollPolicy
}

/** The queue item was cancelled (in Jenkins) before a build started. */
export class QueueCancelledError extends JenkinsError {}

/** How many times a vanished item is looked for among the builds. */
const VANISHED_LOOKUPS = 3

export async function followQueueItem(
  client: JenkinsClient,
  job: string,
  queueId: number,
  options: FollowOptions
): Promise<BuildRef> {
  const { clock, reporter, signal } = options
  const policy = options.policy ?? DEFAULT_POLL_POLICY
  const call = signal === undefined ? {} : { signal }
  const started = clock.now()
  const name = jobName(client.jobPath(job))
  let said = ''
  let misses = 0
  for (;;) {
    const item = await client.queueItem(queueId, call)
    let quietRemaining: number | undefined
    let soon = false
    if (item === undefined) {
      const found = (await client.recentBuilds(job, call)).find(
        (b) => b.queueId === queueId
      )
      if (found !== undefined) return found
      if (++misses >= VANISHED_LOOKUPS) {
        throw new JenkinsError(
          `queue item ${queueId} of '${name}' is gone and no recent build of the job came from it`,
          {
            where: { url: `${client.baseUrl}/queue/item/${queueId}/` },
            hint: 'Jenkins forgets queue items 5 minutes after they leave the queue; was it deleted or the controller restarted?'
          }
        )
      }
    } else if (item.state === 'cancelled') {
      throw new QueueCancelledError(
        `queue item ${queueId} of '${name}' was cancelled in Jenkins before a build started`,
        { where: { url: `${client.baseUrl}/queue/item/${queueId}/` } }
      )
    } else if (item.executable !== undefined) {
      return item.executable
    } else {
      const line = describeQueueItem(item)
      if (line !== said) {
        reporter.info(line)
        said = line
      }
      quietRemaining = quietPeriodLeft(item, clock.now() - started)
      // Left without a build yet: the build object appears in a moment.
      soon = item.state === 'left'
    }
    await clock.sleep(
      soon
        ? policy.minMs / 2
        : queuePollDelay(clock.now() - started, quietRemaining, policy),
      signal
    )
  }
}

/** One line for the log: where the item is and why. */
export function describeQueueItem(item: QueueItem): string {
  const why = item.why === null ? '' : `: ${item.why}`
  switch (item.state) {
    case 'waiting':
      return `queued (quiet period)${why}`
    case 'blocked':
      return `queued, blocked${why}`
    case 'buildable':
      return `queued, waiting for an executor${why}${item.stuck ? ' (Jenkins marks it stuck)' : ''}`
    case 'left':
      return 'left the queue; the build is starting'
    case 'cancelled':
      return 'cancelled'
  }
}

/**
 * Time left in a quiet period, from Jenkins' own two timestamps (its clock
 * may not agree with ours) and the time we have been watching.
 */
function quietPeriodLeft(
  item: QueueItem,
  watchedMs: number
): number | undefined {
  if (item.state !== 'waiting') return undefined
  if (item.timestamp === undefined || item.inQueueSince === undefined) {
    return undefined
  }
  return item.timestamp - item.inQueueSince - watchedMs
}
