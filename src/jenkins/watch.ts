/**
 * Following a running build to its end. With a console sink, the progressive
 * console is the heartbeat: one request per poll brings both the new output
 * and, through `X-More-Data`, whether the build is still writing; the build
 * document is read only at the start (for the estimate) and at the end (for
 * the result). Without one, the build document is polled through a `tree`.
 * Completion is `building === false`, never a non-null `result`: Jenkins sets
 * the result while post-build steps still run.
 */

import type { Reporter } from '../core/reporter.js'
import type { Clock } from '../core/clock.js'
import type { JenkinsClient } from './client.js'
import { ConsoleDecoder, type ConsoleSink } from './console.js'
import {
  ConsoleSchedule,
  DEFAULT_POLL_POLICY,
  buildPollDelay,
  type PollPolicy
} from './poll.js'
import type { BuildInfo } from './types.js'

export interface WatchOptions {
  clock: Clock
  reporter: Reporter
  signal?: AbortSignal
  /** Stream the console here; status polling only when absent. */
  console?: ConsoleSink
  policy?: PollPolicy
}

export async function watchBuild(
  client: JenkinsClient,
  job: string,
  number: number,
  options: WatchOptions
): Promise<BuildInfo> {
  const { clock, signal } = options
  const call = signal === undefined ? {} : { signal }
  const policy = options.policy ?? DEFAULT_POLL_POLICY
  const started = clock.now()
  const first = await client.build(job, number, call)
  let info = first
  if (options.console !== undefined) {
    await streamConsole(client, job, number, first, started, options)
    // The console has ended, so the build is ending: read its result now.
    if (first.building) info = await client.build(job, number, call)
  }
  return pollUntilDone(client, job, number, info, started, options, policy)
}

async function streamConsole(
  client: JenkinsClient,
  job: string,
  number: number,
  first: BuildInfo,
  started: number,
  options: WatchOptions
): Promise<void> {
  const { clock, signal, reporter } = options
  const sink = options.console
  if (sink === undefined) return
  const call = signal === undefined ? {} : { signal }
  const schedule = new ConsoleSchedule(options.policy ?? DEFAULT_POLL_POLICY)
  const decoder = new ConsoleDecoder()
  let start = 0
  for (;;) {
    const chunk = await client.progressiveText(job, number, start, call)
    if (chunk.next < start) {
      // Jenkins restarts from 0 when our offset is past the end (log rotated).
      reporter.warning(
        `the console of #${number} was reset by Jenkins; showing it again from the start`
      )
    }
    const lines = decoder.push(chunk.bytes)
    if (lines !== '') await sink.write(lines)
    start = chunk.next
    if (!chunk.more) break
    await clock.sleep(
      schedule.next(
        chunk.bytes.length > 0,
        clock.now() - started,
        first.estimatedDuration
      ),
      signal
    )
  }
  const rest = decoder.flush()
  if (rest !== '') await sink.write(rest)
}

async function pollUntilDone(
  client: JenkinsClient,
  job: string,
  number: number,
  current: BuildInfo,
  started: number,
  options: WatchOptions,
  policy: PollPolicy
): Promise<BuildInfo> {
  const { clock, signal, reporter } = options
  const call = signal === undefined ? {} : { signal }
  const estimate = current.estimatedDuration
  const streamed = options.console !== undefined
  const progress =
    !streamed && current.building
      ? reporter.progress(
          `#${number} running`,
          estimate > 0 ? Math.round(estimate / 1000) : undefined
        )
      : undefined
  let info = current
  while (info.building) {
    const elapsed = clock.now() - started
    progress?.update(
      Math.round(elapsed / 1000),
      info.result === null ? 's' : `s (result ${info.result}, finishing)`
    )
    // With a finished console only the last post-build steps remain.
    const delay = streamed
      ? policy.minMs
      : buildPollDelay(elapsed, estimate, policy)
    await clock.sleep(delay, signal)
    info = await client.build(job, number, call)
  }
  progress?.done(`#${number} finished: ${info.result ?? 'no result'}`)
  return info
}
