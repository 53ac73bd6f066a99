/**
 * The CLI's Reporter: human text on stderr (stdout is kept for results), a
 * progress line redrawn in place on a terminal and a few plain lines
 * otherwise, every byte masked.
 */

import { appendFileSync } from 'node:fs'
import type { Annotation, Progress, Reporter } from './reporter.js'
import { Masker } from './secrets.js'

export interface CliReporterOptions {
  /** Where logs go; defaults to `process.stderr`. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  /** Show debug lines. */
  verbose?: boolean
  /** Colour and in-place progress; defaults to the stream being a TTY. */
  tty?: boolean
  /** Append job-summary Markdown here (the CLI's `--summary FILE`). */
  summaryFile?: string
  /** Clock for progress throttling (tests pass a fake). */
  now?: () => number
}

const COLOURS = {
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m'
} as const

/** How often a non-TTY progress display may print a line. */
const PLAIN_PROGRESS_INTERVAL_MS = 5000
/** How often the TTY progress line is redrawn. */
const TTY_PROGRESS_INTERVAL_MS = 100

export class CliReporter implements Reporter {
  readonly masker = new Masker()
  readonly #stream: NonNullable<CliReporterOptions['stream']>
  readonly #verbose: boolean
  readonly #tty: boolean
  readonly #summaryFile: string | undefined
  readonly #now: () => number
  #depth = 0
  /** True while a TTY progress line is on screen and must be cleared first. */
  #liveLine = false

  constructor(options: CliReporterOptions = {}) {
    this.#stream = options.stream ?? process.stderr
    this.#verbose = options.verbose ?? false
    this.#tty = options.tty ?? this.#stream.isTTY === true
    this.#summaryFile = options.summaryFile
    this.#now = options.now ?? Date.now
  }

  debug(message: string): void {
    if (this.#verbose) this.#line(this.#paint('dim', `debug: ${message}`))
  }
  info(message: string): void {
    this.#line(message)
  }
  notice(message: string, annotation?: Annotation): void {
    this.#line(this.#annotated('notice', 'cyan', message, annotation))
  }
  warning(message: string, annotation?: Annotation): void {
    this.#line(this.#annotated('warning', 'yellow', message, annotation))
  }
  error(message: string, annotation?: Annotation): void {
    this.#line(this.#annotated('error', 'red', message, annotation))
  }

  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = this.#now()
    this.#line(this.#paint('bold', `▸ ${name}`))
    this.#depth++
    try {
      return await fn()
    } finally {
      this.#depth--
      const seconds = ((this.#now() - started) / 1000).toFixed(1)
      this.debug(`${name} took ${seconds}s`)
    }
  }

  mask(secret: string | undefined): void {
    this.masker.add(secret)
  }

  async summary(markdown: string): Promise<void> {
    if (this.#summaryFile !== undefined) {
      appendFileSync(this.#summaryFile, `${this.masker.apply(markdown)}\n`)
    } else {
      this.debug('job summary not written (no --summary file given)')
    }
    return Promise.resolve()
  }

  progress(label: string, total?: number): Progress {
    let done = 0
    let status = ''
    let lastDraw = -Infinity
    const started = this.#now()
    const render = (): string => {
      const count =
        total === undefined
          ? `${done}`
          : `${done}/${total} (${Math.floor((100 * done) / Math.max(total, 1))}%)`
      return `${label} ${count}${status ? ` ${status}` : ''}`
    }
    const draw = (force: boolean): void => {
      const now = this.#now()
      const interval = this.#tty
        ? TTY_PROGRESS_INTERVAL_MS
        : PLAIN_PROGRESS_INTERVAL_MS
      if (!force && now - lastDraw < interval) return
      lastDraw = now
      if (this.#tty) {
        const width = Math.max((this.#stream.columns ?? 80) - 1, 20)
        const text = this.masker.apply(render()).slice(0, width)
        this.#stream.write(`\r\x1b[K${text}`)
        this.#liveLine = true
      } else if (now - started >= PLAIN_PROGRESS_INTERVAL_MS) {
        // Short jobs print no progress at all when nobody is watching.
        this.#line(render())
      }
    }
    return {
      update: (n, s) => {
        done = n
        if (s !== undefined) status = s
        draw(false)
      },
      tick: (n = 1) => {
        done += n
        draw(false)
      },
      done: (message) => {
        this.#clearLive()
        const seconds = ((this.#now() - started) / 1000).toFixed(1)
        this.#line(message ?? `${label} ${done} done in ${seconds}s`)
      }
    }
  }

  #annotated(
    level: string,
    colour: keyof typeof COLOURS,
    message: string,
    annotation: Annotation | undefined
  ): string {
    let where = ''
    if (annotation?.file !== undefined) {
      where = annotation.file
      if (annotation.startLine !== undefined) {
        where += `:${annotation.startLine}`
        if (annotation.startColumn !== undefined) {
          where += `:${annotation.startColumn}`
        }
      }
      where += ': '
    }
    const title = annotation?.title === undefined ? '' : `${annotation.title}: `
    return `${where}${this.#paint(colour, `${level}:`)} ${title}${message}`
  }

  #paint(colour: keyof typeof COLOURS, text: string): string {
    return this.#tty ? `${COLOURS[colour]}${text}${COLOURS.reset}` : text
  }

  #clearLive(): void {
    if (this.#liveLine) {
      this.#stream.write('\r\x1b[K')
      this.#liveLine = false
    }
  }

  #line(text: string): void {
    this.#clearLive()
    const indent = '  '.repeat(this.#depth)
    const masked = this.masker.apply(text)
    this.#stream.write(
      `${masked
        .split('\n')
        .map((l) => indent + l)
        .join('\n')}\n`
    )
  }
}
