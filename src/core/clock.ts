/**
 * Time, injectable so tests run backoff schedules, polls and alert windows
 * without waiting. Everything that sleeps or reads the time takes a
 * {@link Clock}; production code passes {@link systemClock}.
 */

/** The time and a cancellable sleep. */
export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(abortReason(signal))
        return
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(abortReason(signal))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    })
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason
  return reason instanceof Error
    ? reason
    : new Error('aborted', { cause: reason })
}
