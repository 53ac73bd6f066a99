/**
 * Ctrl-C and the runner's SIGTERM, for every door: the first signal aborts
 * the work in hand through an AbortController, so a Jenkins build is stopped,
 * a dataset container killed and a half-written store left consistent before
 * the process ends; a second signal exits at once.
 */

import { UserError } from './errors.js'
import type { Reporter } from './reporter.js'

/**
 * The reason a door aborts with on SIGINT/SIGTERM: a user error, since the
 * user (or the runner on their behalf) asked for it.
 */
export class CancelledError extends UserError {
  constructor(readonly signal: NodeJS.Signals) {
    super(`received ${signal}`)
  }
}

/** The shell's code for a process ended by `signal`: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143
}

/**
 * Aborts `controller` with a {@link CancelledError} on the first SIGINT or
 * SIGTERM, so the work can be stopped cleanly before the process ends; a second
 * signal exits at once. Returns a function that removes the handlers.
 */
export function abortOnSignals(
  controller: AbortController,
  reporter: Reporter
): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      reporter.warning(`received ${signal} again: exiting without waiting`)
      process.exit(signalExitCode(signal))
    }
    controller.abort(new CancelledError(signal))
  }
  for (const s of signals) process.on(s, handler)
  return () => {
    for (const s of signals) process.off(s, handler)
  }
}
