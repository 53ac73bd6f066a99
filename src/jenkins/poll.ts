/**
 * How long to wait between two polls. Pure functions of what we know (time
 * since start, Jenkins' estimate, whether the console moved), so the
 * schedules are unit-tested without a server.
 *
 * The idea: a poll costs Jenkins a request, a late answer costs the user
 * time. Poll quickly at first (short builds and early failures), back off in
 * proportion to how long things have taken, never beyond a bound, and close
 * in again as the build approaches its `estimatedDuration`.
 */

export interface PollPolicy {
  /** Shortest pause between two polls, ms. */
  minMs: number
  /** Longest pause between two status polls, ms. */
  maxMs: number
  /** Pause after a console poll that brought new output, ms. */
  consoleActiveMs: number
  /** Longest pause between two console polls, ms (bounds console lag). */
  consoleMaxMs: number
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  minMs: 1000,
  maxMs: 30_000,
  consoleActiveMs: 2500,
  consoleMaxMs: 8000
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
 * The console follower's schedule: keep pace while output flows, stretch the
 * pause by half after each quiet poll up to `consoleMaxMs`, and near the
 * estimated end poll as for status so the result is not late.
 */
export class ConsoleSchedule {
  #delay: number

  constructor(readonly policy: PollPolicy = DEFAULT_POLL_POLICY) {
    this.#delay = policy.minMs
  }

  next(gotOutput: boolean, elapsedMs: number, estimatedMs: number): number {
    const p = this.policy
    this.#delay = gotOutput
      ? p.consoleActiveMs
      : Math.min(this.#delay * 1.5, p.consoleMaxMs)
    const status = buildPollDelay(elapsedMs, estimatedMs, p)
    return Math.round(Math.max(p.minMs, Math.min(this.#delay, status)))
  }
}
