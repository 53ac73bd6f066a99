/** Human durations (`90s`, `30m`, `2h`, `1h30m`, `500ms`, bare seconds). */

import { InputError } from './errors.js'

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000
}

const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy

/**
 * Parses a duration into milliseconds. A bare number means seconds.
 * @param what names the flag or input in the error, e.g. `input 'timeout'`.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const value = text.trim()
  const fail = (): never => {
    throw new InputError(
      `${what} must be a duration like 90s, 30m, 2h or 1h30m, got ${JSON.stringify(text)}`
    )
  }
  if (value === '') fail()
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)
  let total = 0
  let consumed = 0
  PART.lastIndex = 0
  for (;;) {
    while (value[PART.lastIndex] === ' ') PART.lastIndex++
    consumed = PART.lastIndex
    if (consumed >= value.length) break
    const match = PART.exec(value)
    if (match === null) fail()
    else total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? NaN)
  }
  if (!Number.isFinite(total)) fail()
  return Math.round(total)
}
