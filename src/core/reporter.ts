/**
 * The one logging surface of stackci. Library code takes a Reporter argument
 * and never writes to the console itself; the Actions runner, the CLI and the
 * bridge each bind it to their own output.
 */

import { Masker } from './secrets.js'

/** Where an annotation points (GitHub's workflow-command fields). */
export interface Annotation {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

/** A long-running piece of work that reports how far along it is. */
export interface Progress {
  /** Sets the absolute count done (and optionally a short status text). */
  update(done: number, status?: string): void
  /** Adds `n` (default 1) to the count done. */
  tick(n?: number): void
  /** Ends the progress display, with a closing line. */
  done(message?: string): void
}

export interface Reporter {
  debug(message: string): void
  info(message: string): void
  notice(message: string, annotation?: Annotation): void
  warning(message: string, annotation?: Annotation): void
  error(message: string, annotation?: Annotation): void
  /** Runs `fn` inside a collapsible group; the group closes even on throw. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  /** Registers a secret: from now on it never appears in any output. */
  mask(secret: string | undefined): void
  /** Appends Markdown to the job summary (a no-op where there is none). */
  summary(markdown: string): Promise<void>
  /** Starts a progress display for `total` items (unknown when omitted). */
  progress(label: string, total?: number): Progress
}

/** Everything a {@link RecordingReporter} saw, already masked. */
export interface RecordedEntry {
  level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'group' | 'summary'
  message: string
  annotation?: Annotation
}

/**
 * A Reporter that keeps everything in memory (masked), for tests and for
 * callers that want to inspect what happened.
 */
export class RecordingReporter implements Reporter {
  readonly entries: RecordedEntry[] = []
  readonly masker = new Masker()

  debug(message: string): void {
    this.#push('debug', message)
  }
  info(message: string): void {
    this.#push('info', message)
  }
  notice(message: string, annotation?: Annotation): void {
    this.#push('notice', message, annotation)
  }
  warning(message: string, annotation?: Annotation): void {
    this.#push('warning', message, annotation)
  }
  error(message: string, annotation?: Annotation): void {
    this.#push('error', message, annotation)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.#push('group', name)
    return fn()
  }
  mask(secret: string | undefined): void {
    this.masker.add(secret)
  }
  async summary(markdown: string): Promise<void> {
    this.#push('summary', markdown)
    return Promise.resolve()
  }
  progress(label: string, total?: number): Progress {
    let done = 0
    const push = (status: string): void => {
      this.#push('debug', `${label}: ${status}`)
    }
    return {
      update: (n, status) => {
        done = n
        push(`${done}${total === undefined ? '' : `/${total}`} ${status ?? ''}`)
      },
      tick: (n = 1) => {
        done += n
      },
      done: (message) => {
        push(message ?? `done (${done})`)
      }
    }
  }

  /** All messages of the given levels, joined by newlines. */
  text(...levels: RecordedEntry['level'][]): string {
    return this.entries
      .filter((e) => levels.length === 0 || levels.includes(e.level))
      .map((e) => e.message)
      .join('\n')
  }

  #push(
    level: RecordedEntry['level'],
    message: string,
    annotation?: Annotation
  ): void {
    const entry: RecordedEntry = { level, message: this.masker.apply(message) }
    if (annotation !== undefined) entry.annotation = annotation
    this.entries.push(entry)
  }
}

/** A Reporter that drops everything (for library callers that want silence). */
export const silentReporter: Reporter = {
  debug: () => undefined,
  info: () => undefined,
  notice: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  group: async (_name, fn) => fn(),
  mask: () => undefined,
  summary: async () => Promise.resolve(),
  progress: () => ({
    update: () => undefined,
    tick: () => undefined,
    done: () => undefined
  })
}
