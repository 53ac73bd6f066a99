/**
 * A build's console as Jenkins stores it: raw bytes with hidden console notes
 * (`ESC[8mha:…ESC[0m`), which `consoleText` and `progressiveText` strip while
 * `X-Text-Size` still counts them. Entries appear at a time offset from the
 * build's start, so the log grows as emulated time passes.
 */

/** One write to the log, `at` ms after the build started. */
export interface LogStep {
  at: number
  text: string | Uint8Array
}

/** A hyperlink console note, as `Started by user` carries one. */
export function consoleNote(payload: string): string {
  return `\x1b[8mha:////${Buffer.from(payload).toString('base64')}\x1b[0m`
}

// eslint-disable-next-line no-control-regex -- console notes are ESC sequences
const NOTE = /\x1b\[8mha:[^\x1b]*\x1b\[0m/g

/** Removes console notes; bytes are handled as latin1 so UTF-8 passes untouched. */
export function stripNotes(raw: Uint8Array): Buffer {
  const text = Buffer.from(raw).toString('latin1')
  return Buffer.from(text.replace(NOTE, ''), 'latin1')
}

export class BuildLog {
  readonly #entries: { at: number; bytes: Buffer }[] = []

  /** Adds bytes that appear at absolute (emulated) time `at`. */
  add(at: number, text: string | Uint8Array): void {
    const bytes =
      typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text)
    this.#entries.push({ at, bytes })
    this.#entries.sort((a, b) => a.at - b.at)
  }

  /** Drops everything written after `at` (a build stopped early). */
  truncate(at: number): void {
    const keep = this.#entries.filter((e) => e.at <= at)
    this.#entries.length = 0
    this.#entries.push(...keep)
  }

  /** The raw log (with notes) as of time `now`. */
  raw(now: number): Buffer {
    return Buffer.concat(
      this.#entries.filter((e) => e.at <= now).map((e) => e.bytes)
    )
  }

  /** What `consoleText` shows at `now`. */
  text(now: number): Buffer {
    return stripNotes(this.raw(now))
  }

  /** When each line became visible (for lag measurements): [time, line]. */
  lines(now: number): { at: number; bytes: number }[] {
    return this.#entries
      .filter((e) => e.at <= now)
      .map((e) => ({ at: e.at, bytes: stripNotes(e.bytes).length }))
  }
}
