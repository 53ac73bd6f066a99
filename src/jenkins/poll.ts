/**
 * How long to wait between two polls. Pure functions of what we know (time
 * since start, Jenkins' estimate, whether the console moved), so the
 * schedules are unit-tested without a server.
 *
 * The idea: a poll costs Jenkins a request, a late answer costs the user
 * time. Poll quickly at first (short builds and early failures), back off in
 * proportion to how long things have taken, never beyond a bound, and close
 * in again as the build approaches its `estimatedDuration`.
 *
 * The console is different: while a build writes, its lines arrive spread
 * over time, and a line written at a random moment waits on average half a
 * poll interval: polling every T costs about duration / T requests and
 * gives a mean lag of about T / 2. Backing off between two lines a few
 * seconds apart saves little and makes the next one late, so the console is
 * polled at a steady period while output keeps coming, and backs off only
 * after a long silence (a long compile, tests without output).
 */

export interface PollPolicy {
  /** Shortest pause between two polls, ms. */
  minMs: number
  /** Longest pause between two status polls, ms. */
  maxMs: number
  /**
   * Steady pause between two console polls while output keeps arriving, ms:
   * the mean console lag is about half of it.
   */
  consoleActiveMs: number
  /**
   * Console silence after which the pause starts to grow, ms; 0 grows it
   * after every quiet poll.
   */
  consoleQuietAfterMs: number
  /** Longest pause between two console polls, ms (bounds console lag). */
  consoleMaxMs: number
}

/**
 * Console defaults, measured on the benchmark's 10-minute build (see
 * docs/jenkins.md): 3.75 s gives a mean lag of about 1.7 s at about 0.14×
 * the requests of a one-second loop; 4 s saves 10 requests but lands at
 * 1.8–1.9 s, within noise of the 2 s aim; 5.5 s comes to 0.10× (122
 * requests) at a mean lag of 2.3–2.5 s. The quiet backoff never engages
 * while a build writes every few seconds.
 */
export const DEFAULT_POLL_POLICY: PollPolicy = {
  minMs: 1000,
  maxMs: 30_000,
  consoleActiveMs: 3750,
  consoleQuietAfterMs: 30_000,
  consoleMaxMs: 15_000
}

const clamp = (value: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, value))

/**
 * Pause before the next build-status poll. Without an estimate: a quarter of
 * the time elapsed (so the end is noticed within ~25 % of the run), bounded.
 * With one: at most half the time left, so polls close in on the expected
 * end; once overdue, back off again from the minimum.
 */
export function buildPollDelay(
  elapsedMs: number,
  estimatedMs: number,
  policy: PollPolicy = DEFAULT_POLL_POLICY
): number {
  const early = elapsedMs * 0.25
  if (estimatedMs <= 0) return clamp(early, policy.minMs, policy.maxMs)
  const remaining = estimatedMs - elapsedMs
  const delay =
    remaining > 0 ? Math.min(early, remaining / 2) : -remaining * 0.25
  return clamp(delay, policy.minMs, policy.maxMs)
}

/**
 * Pause before the next queue poll. A waiting item (quiet period) tells us
 * when it ends; otherwise back off with the time spent in the queue, up to
 * the maximum: Jenkins forgets an item 5 minutes after it leaves the queue.
 */
export function queuePollDelay(
  elapsedMs: number,
  quietRemainingMs: number | undefined,
  policy: PollPolicy = DEFAULT_POLL_POLICY
): number {
  const max = Math.min(policy.maxMs, 60_000)
  if (quietRemainingMs !== undefined && quietRemainingMs > 0) {
    return clamp(quietRemainingMs + 100, policy.minMs / 2, max)
  }
  return clamp(elapsedMs * 0.25, policy.minMs / 2, max)
}

/**
 * The console follower's schedule. While output keeps arriving, and through
 * silences shorter than `consoleQuietAfterMs` (a package compiling between
 * its start and done lines), poll every `consoleActiveMs`: backing off after
 * each quiet poll saves little there and makes the next line late. After a
 * longer silence, stretch the pause by half per quiet poll up to
 * `consoleMaxMs`; the first output returns to the steady period. Near the
 * estimated end, poll as for status so the result is not late; never
 * pause less than `minMs`.
 */
export class ConsoleSchedule {
  #delay: number
  /** Elapsed time of the last poll that brought output (or of the start). */
  #lastOutputMs = 0

  constructor(readonly policy: PollPolicy = DEFAULT_POLL_POLICY) {
    this.#delay = policy.consoleActiveMs
  }

  next(gotOutput: boolean, elapsedMs: number, estimatedMs: number): number {
    const p = this.policy
    if (gotOutput) this.#lastOutputMs = elapsedMs
    const quiet =
      !gotOutput && elapsedMs - this.#lastOutputMs >= p.consoleQuietAfterMs
    this.#delay = quiet
      ? Math.min(this.#delay * 1.5, p.consoleMaxMs)
      : p.consoleActiveMs
    const status = buildPollDelay(elapsedMs, estimatedMs, p)
    return Math.round(Math.max(p.minMs, Math.min(this.#delay, status)))
  }
}
