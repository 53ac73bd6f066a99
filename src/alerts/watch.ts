/**
 * The long-running door: the same pass as `alerts check`, every interval,
 * until the signal aborts (SIGTERM from systemd or a container stop). The
 * wait between passes is interrupted at once; a pass under way finishes,
 * so no claimed transition is left unannounced.
 */

import type { Clock } from '../core/clock.js'
import type { AlertsPassResult } from './check.js'

export interface WatchOptions {
  intervalMs: number
  signal: AbortSignal
  clock: Clock
  /** Called after every pass (logging, tests). */
  onPass?: (result: AlertsPassResult) => void | Promise<void>
}

/** Runs passes until aborted; returns how many ran. */
export async function watchAlerts(
  pass: () => Promise<AlertsPassResult>,
  o: WatchOptions
): Promise<number> {
  // A function, not the property: TypeScript narrows `aborted` to false
  // after the loop test, though a signal can arrive during any await.
  const stopped = (): boolean => o.signal.aborted
  let passes = 0
  while (!stopped()) {
    const result = await pass()
    passes++
    await o.onPass?.(result)
    if (stopped()) break
    try {
      await o.clock.sleep(o.intervalMs, o.signal)
    } catch (error) {
      if (stopped()) break
      throw error
    }
  }
  return passes
}
