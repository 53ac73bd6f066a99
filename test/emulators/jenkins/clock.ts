/**
 * Emulated time: `timeScale` emulated milliseconds pass per real millisecond,
 * so a 10-minute build runs in seconds. Clients under test take this clock
 * (it implements core's `Clock`), so their backoff and poll pauses shrink by
 * the same factor and every timing stays in proportion.
 */

import type { Clock } from '../../../src/core/clock.js'

export class ScaledClock implements Clock {
  readonly #realStart = performance.now()
  readonly #epochStart: number

  constructor(
    readonly timeScale = 1,
    epochStart = Date.UTC(2026, 0, 1, 10)
  ) {
    this.#epochStart = epochStart
  }

  now(): number {
    return Math.round(
      this.#epochStart + (performance.now() - this.#realStart) * this.timeScale
    )
  }

  /** Real milliseconds for an emulated duration. */
  real(ms: number): number {
    return ms / this.timeScale
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const reason = (): Error => {
        const r: unknown = signal?.reason
        return r instanceof Error ? r : new Error('aborted', { cause: r })
      }
      if (signal?.aborted === true) {
        reject(reason())
        return
      }
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, this.real(ms))
      )
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(reason())
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }
}
