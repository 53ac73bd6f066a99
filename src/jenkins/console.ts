/**
 * Turning progressive console chunks into lines for a log. Chunks are raw
 * bytes cut wherever Jenkins had flushed, so a UTF-8 character or a line can
 * straddle two chunks: bytes are decoded as a stream and lines are released
 * whole (secrets are masked per line, and never split across two writes).
 */

import type { Reporter } from '../core/reporter.js'
import { nodeCrypto } from '../core/builtins.js'

/** Where streamed console text goes. */
export interface ConsoleSink {
  open?(): void | Promise<void>
  /** Whole lines, each ending in `\n` (the console's last line may not). */
  write(text: string): void | Promise<void>
  close?(): void | Promise<void>
}

/** Bytes in, whole lines out. */
export class ConsoleDecoder {
  readonly #decoder = new TextDecoder('utf-8')
  #partial = ''

  /** Decodes a chunk; returns the complete lines it finished ('' if none). */
  push(bytes: Uint8Array): string {
    const text = this.#partial + this.#decoder.decode(bytes, { stream: true })
    const end = text.lastIndexOf('\n') + 1
    this.#partial = text.slice(end)
    return text.slice(0, end)
  }

  /** Whatever is left at the end of the console (a last line without `\n`). */
  flush(): string {
    const rest = this.#partial + this.#decoder.decode()
    this.#partial = ''
    return rest
  }
}

/** Lines to a Reporter's `info`: the Actions log, a recording in tests. */
export function reporterConsoleSink(
  reporter: Reporter,
  options: { protectCommands?: boolean } = {}
): ConsoleSink {
  // A console line like `::set-output …` or `::add-mask::` must not become a
  // workflow command: stop command processing while the console streams.
  const token =
    options.protectCommands === true ? nodeCrypto().randomUUID() : undefined
  return {
    open: () => {
      if (token !== undefined) reporter.info(`::stop-commands::${token}`)
    },
    write: (text) => {
      if (text === '') return
      const lines = text.endsWith('\n') ? text.slice(0, -1) : text
      for (const line of lines.split('\n')) reporter.info(line)
    },
    close: () => {
      if (token !== undefined) reporter.info(`::${token}::`)
    }
  }
}

/** Raw text to a stream (the CLI's stdout), masked by `mask`. */
export function streamConsoleSink(
  write: (text: string) => void | Promise<void>,
  mask: (text: string) => string
): ConsoleSink {
  return { write: async (text) => write(mask(text)) }
}
