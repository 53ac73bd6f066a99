/**
 * Never leave a Jenkins build running that nobody waits for. Shared by the
 * step itself (on SIGINT/SIGTERM or its own timeout), the action's post step
 * (when the job was cancelled or timed out and the step was killed), and
 * `stackci jenkins stop`.
 */

import { JenkinsError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import type { JenkinsClient, StopMode } from './client.js'

/** The name the action saves its {@link BuildState} under (`GITHUB_STATE`). */
export const STATE_KEY = 'jenkins-build'

/** What the step knew, saved as it learns it (the post step reads it back). */
export interface BuildState {
  /** The job as given (`folder/job`). */
  job: string
  queueId: number
  /** Known once the item has left the queue. */
  build?: number
  /** True once nothing is left to stop (finished, stopped, or not waited for). */
  done: boolean
}

/** Reads a saved state; undefined when empty or not ours. */
export function parseBuildState(
  text: string | undefined
): BuildState | undefined {
  if (text === undefined || text.trim() === '') return undefined
  try {
    const value = JSON.parse(text) as Partial<BuildState>
    if (typeof value.job !== 'string' || typeof value.queueId !== 'number') {
      return undefined
    }
    return {
      job: value.job,
      queueId: value.queueId,
      done: value.done === true,
      ...(typeof value.build === 'number' ? { build: value.build } : {})
    }
  } catch {
    return undefined
  }
}

export interface StopOptions {
  reporter: Reporter
  mode?: StopMode
  signal?: AbortSignal
}

/**
 * Stops the build, or cancels the queue item when no build is known yet. A
 * cancel that comes too late (the item just became a build) stops that build.
 * Returns what was stopped, for the log.
 */
export async function stopBuildOrItem(
  jenkins: JenkinsClient,
  state: Pick<BuildState, 'job' | 'queueId' | 'build'>,
  options: StopOptions
): Promise<string> {
  const call = options.signal === undefined ? {} : { signal: options.signal }
  let number = state.build
  if (number === undefined) {
    const outcome = await jenkins.cancelQueueItem(state.queueId, call)
    const item = await jenkins.queueItem(state.queueId, call)
    number = item?.executable?.number
    if (number === undefined && outcome === 'gone' && item === undefined) {
      // Forgotten by the queue: find the build that came from it.
      const builds = await jenkins.recentBuilds(state.job, call)
      number = builds.find((b) => b.queueId === state.queueId)?.number
    }
    if (number === undefined) {
      if (outcome === 'gone' && item === undefined) {
        throw new JenkinsError(
          `queue item ${state.queueId} of '${state.job}' is gone and its build is unknown; nothing was stopped`,
          {
            hint: `look for the build in Jenkins: ${jenkins.pageUrl(state.job)}`
          }
        )
      }
      const what = `queue item ${state.queueId} of '${state.job}'`
      options.reporter.info(`cancelled ${what}`)
      return what
    }
  }
  const mode = await jenkins.stop(
    state.job,
    number,
    options.mode ?? 'stop',
    call
  )
  const what = `'${state.job}' #${number}`
  options.reporter.info(
    `asked Jenkins to ${mode} ${what}: ${jenkins.pageUrl(state.job, number)}`
  )
  return what
}

/** `#3 of 'job'`, or `queue item 7 of 'job'` while it had not started. */
export function leftBehind(
  state: Pick<BuildState, 'job' | 'queueId' | 'build'>
): string {
  const what =
    state.build === undefined
      ? `queue item ${state.queueId}`
      : `#${state.build}`
  return `${what} of '${state.job}'`
}

/**
 * Stops what a step leaves behind (`why` says why, first) unless
 * cancel-on-abort is off, when it warns that the build runs on.
 */
export async function stopLeftBehind(
  jenkins: JenkinsClient,
  state: Pick<BuildState, 'job' | 'queueId' | 'build'>,
  options: StopOptions & { cancelOnAbort: boolean; why: string }
): Promise<void> {
  const what = leftBehind(state)
  if (!options.cancelOnAbort) {
    options.reporter.warning(
      `${options.why}; leaving ${what} running (cancel-on-abort is off)`
    )
    return
  }
  options.reporter.info(`${options.why}: stopping ${what}`)
  await stopBuildOrItem(jenkins, state, options)
}

/**
 * The post step: when the step never got to the end (the job was cancelled
 * or timed out and the runner killed it), stop what it left running.
 */
export async function stopAbandoned(
  jenkins: JenkinsClient,
  state: BuildState | undefined,
  options: StopOptions & { cancelOnAbort: boolean }
): Promise<void> {
  if (state === undefined || state.done) {
    options.reporter.info(
      'the Jenkins build finished or was stopped by the step; nothing to stop'
    )
    return
  }
  await stopLeftBehind(jenkins, state, {
    ...options,
    why: 'the step did not finish (cancelled or timed out)'
  })
}
