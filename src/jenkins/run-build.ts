/**
 * The `jenkins-build` step: trigger a job, follow its queue item to the
 * build, stream the console, map the result through `fail-on`, and stop the
 * build when we are cancelled or run out of time. The action, the CLI and
 * the pipeline call this one function with their own Reporter and sink.
 */

import { TimeoutError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { formatMs } from '../core/format.js'
import { systemClock, type Clock } from '../core/clock.js'
import { leftBehind, stopLeftBehind, type BuildState } from './cancel.js'
import type { JenkinsClient, StopMode } from './client.js'
import type { BuildParameters } from './trigger.js'
import { reporterConsoleSink, type ConsoleSink } from './console.js'
import { QueueCancelledError, followQueueItem } from './follow.js'
import { jobName } from './paths.js'
import type { PollPolicy } from './poll.js'
import type { JenkinsBuildOutcome } from './results.js'
import type { BuildResult } from './types.js'
import { watchBuild } from './watch.js'

export interface JenkinsBuildRequest {
  job: string
  parameters: BuildParameters
  /** Follow the build to its end (false: return once queued). */
  wait: boolean
  /** For the whole wait, queue included. */
  timeoutMs: number
  streamLog: boolean
  failOn: ReadonlySet<BuildResult>
  /** Stop the build when we are cancelled or time out. */
  cancelOnAbort: boolean
  stopMode?: StopMode
}

export interface JenkinsBuildDeps {
  jenkins: JenkinsClient
  reporter: Reporter
  clock?: Clock
  /** Aborted on SIGINT/SIGTERM: the build is stopped, then the reason is thrown. */
  signal?: AbortSignal
  /** Where the console goes (default: the Reporter's info lines). */
  console?: ConsoleSink
  /** Called whenever there is more to know for a later stop (the post step's state). */
  saveState?: (state: BuildState) => void
  policy?: PollPolicy
}

/** How long stopping may take once we have been cancelled. */
const STOP_DEADLINE_MS = 30_000

export async function runJenkinsBuild(
  request: JenkinsBuildRequest,
  deps: JenkinsBuildDeps
): Promise<JenkinsBuildOutcome> {
  const { jenkins, reporter } = deps
  const clock = deps.clock ?? systemClock
  const name = jobName(jenkins.jobPath(request.job))
  const triggered = await reporter.group(
    `Trigger Jenkins job ${name}`,
    async () => {
      const t = await jenkins.trigger(
        request.job,
        request.parameters,
        deps.signal === undefined ? {} : { signal: deps.signal }
      )
      reporter.info(`queued as item ${t.queueId}: ${t.queueUrl}`)
      if (t.coalesced) {
        reporter.notice(
          `Jenkins merged this trigger into queue item ${t.queueId}: an identical request for '${name}' was already queued`
        )
      }
      return t
    }
  )
  const state: BuildState = {
    job: request.job,
    queueId: triggered.queueId,
    done: !request.wait
  }
  deps.saveState?.({ ...state })
  const outcome: JenkinsBuildOutcome = {
    job: name,
    queueId: triggered.queueId,
    queueUrl: triggered.queueUrl,
    coalesced: triggered.coalesced,
    failed: false,
    message: `queued '${name}' as item ${triggered.queueId} (not waiting for it)`
  }
  if (!request.wait) return outcome

  const controller = new AbortController()
  const onCancel = (): void => {
    controller.abort(deps.signal?.reason)
  }
  if (deps.signal?.aborted === true) onCancel()
  deps.signal?.addEventListener('abort', onCancel, { once: true })
  const deadline = new AbortController()
  const timeout = new TimeoutError(
    `'${name}' did not finish within ${formatMs(request.timeoutMs)}`,
    {
      hint: 'raise the timeout, or look at the build in Jenkins'
    }
  )
  clock.sleep(request.timeoutMs, deadline.signal).then(
    () => {
      controller.abort(timeout)
    },
    () => undefined
  )
  const signal = controller.signal
  try {
    const ref = await followQueueItem(jenkins, request.job, triggered.queueId, {
      clock,
      reporter,
      signal,
      ...(deps.policy === undefined ? {} : { policy: deps.policy })
    })
    state.build = ref.number
    deps.saveState?.({ ...state })
    outcome.buildNumber = ref.number
    outcome.buildUrl =
      ref.url === '' ? jenkins.pageUrl(request.job, ref.number) : ref.url
    reporter.info(`started ${name} #${ref.number}: ${outcome.buildUrl}`)
    const watch = {
      clock,
      reporter,
      signal,
      ...(deps.policy === undefined ? {} : { policy: deps.policy })
    }
    const info = request.streamLog
      ? await reporter.group(`Console of ${name} #${ref.number}`, async () => {
          const sink = deps.console ?? reporterConsoleSink(reporter)
          await sink.open?.()
          try {
            return await watchBuild(jenkins, request.job, ref.number, {
              ...watch,
              console: sink
            })
          } finally {
            await sink.close?.()
          }
        })
      : await watchBuild(jenkins, request.job, ref.number, watch)
    const result = info.result ?? 'NOT_BUILT'
    outcome.result = result
    outcome.durationMs = info.duration
    outcome.failed = request.failOn.has(result)
    outcome.message = `${name} #${ref.number} finished: ${result}${info.duration > 0 ? ` after ${formatMs(info.duration)}` : ''}${outcome.failed ? ` (fail-on: ${[...request.failOn].join(', ')})` : ''}`
    state.done = true
    if (!outcome.failed) reporter.info(outcome.message)
    return outcome
  } catch (error) {
    if (error instanceof QueueCancelledError) {
      // Someone cancelled it in Jenkins: the closest result is ABORTED.
      state.done = true
      outcome.result = 'ABORTED'
      outcome.failed = request.failOn.has('ABORTED')
      outcome.message = `${error.message}; counted as ABORTED`
      return outcome
    }
    if (!signal.aborted) {
      // Not ours to stop: the build runs on; say where it is.
      state.done = true
      throw error
    }
    const reason: unknown = signal.reason
    state.done = await abandon(jenkins, state, request, reporter, reason)
    if (reason === timeout) {
      outcome.failed = true
      outcome.message = `${timeout.message}${state.done && request.cancelOnAbort ? '; stopped it' : ''}`
      return outcome
    }
    throw reason
  } finally {
    deadline.abort()
    deps.signal?.removeEventListener('abort', onCancel)
    deps.saveState?.({ ...state })
  }
}

/** Stops what we leave behind; true when nothing is left running. */
async function abandon(
  jenkins: JenkinsClient,
  state: BuildState,
  request: JenkinsBuildRequest,
  reporter: Reporter,
  reason: unknown
): Promise<boolean> {
  try {
    await stopLeftBehind(jenkins, state, {
      reporter,
      cancelOnAbort: request.cancelOnAbort,
      why: errorMessage(reason).split('\n')[0] ?? 'cancelled',
      signal: AbortSignal.timeout(STOP_DEADLINE_MS),
      ...(request.stopMode === undefined ? {} : { mode: request.stopMode })
    })
    return true
  } catch (error) {
    reporter.error(
      `could not stop ${leftBehind(state)}: ${errorMessage(error)}`
    )
    return false
  }
}
