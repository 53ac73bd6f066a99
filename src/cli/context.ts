/**
 * What every CLI command gets: where results go (stdout), the Reporter for
 * logs (stderr), and the exit-code rules shared by all commands.
 */

import { once } from 'node:events'
import { CliReporter } from '../core/cli-reporter.js'
import { errorMessage, StackciError } from '../core/errors.js'
import { CancelledError, signalExitCode } from '../core/signals.js'

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The thing checked failed (a spec, a build result, a gate). */
  failed: 1,
  /** Bad input, bad configuration, or a service that could not be reached. */
  error: 2
} as const

export interface GlobalOptions {
  verbose?: boolean
  summary?: string
  color?: boolean
}

export interface CliIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
}

export class CliContext {
  #reporter: CliReporter | undefined
  exitCode: number = EXIT.ok

  constructor(
    readonly io: CliIo,
    readonly globals: () => GlobalOptions
  ) {}

  get reporter(): CliReporter {
    if (this.#reporter === undefined) {
      const g = this.globals()
      this.#reporter = new CliReporter({
        stream: this.io.stderr,
        verbose: g.verbose === true,
        ...(g.color === false ? { tty: false } : {}),
        ...(g.summary === undefined ? {} : { summaryFile: g.summary })
      })
    }
    return this.#reporter
  }

  /** Writes to stdout, waiting when the pipe is full. */
  async write(text: string): Promise<void> {
    if (!this.io.stdout.write(text)) await once(this.io.stdout, 'drain')
  }

  /** Prints an error and sets exit code 2 (130/143 when interrupted) (never throws). */
  fail(error: unknown): void {
    const text = errorMessage(error)
    this.reporter.error(text)
    if (!(error instanceof StackciError) && this.globals().verbose === true) {
      const stack = (error as Error | undefined)?.stack
      if (stack !== undefined) this.reporter.debug(stack)
    }
    this.exitCode =
      error instanceof CancelledError
        ? signalExitCode(error.signal)
        : EXIT.error
  }
}
