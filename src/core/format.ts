/**
 * How stackci writes durations, sizes and counts, in one place so a log line,
 * a job summary and a Slack message say the same thing the same way.
 */

/** `1500` → `1.5s`, `90000` → `1m30s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const totalSeconds = ms / 1000
  if (totalSeconds < 60) return `${Number(totalSeconds.toFixed(1))}s`
  const h = Math.floor(totalSeconds / 3600)
  const m = Math.floor((totalSeconds % 3600) / 60)
  const s = Math.round(totalSeconds % 60)
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`
}

/** `512 B`, `3.4 KiB`, `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`
}

/**
 * `1 error`, `2 errors`; `plural(2, 'dependency', 'dependencies')` for words
 * whose plural is not the word and an `s`.
 */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

/** The counts of a verification, as every door reports them. */
export interface OutcomeCounts {
  passed: number
  failed: number
  /** Specifications whose metric had no measurement (or a NaN one). */
  noValue: number
}

/** `3 passed, 1 failed, 0 without a value`. */
export function formatOutcome(counts: OutcomeCounts): string {
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.noValue} without a value`
}

/**
 * Lines (failing specifications, findings) a summary printed to a terminal
 * lists at most: the rest are in the report file or the job summary.
 */
export const TERMINAL_CAP = 20
