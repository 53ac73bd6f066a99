/**
 * The bridge's logs: one JSON object per line (time, level, msg, component
 * and fields), or plain text for a person at a terminal. Every line goes
 * through the Masker first, so a token can reach no log however it got into
 * a message or a field.
 */

import { errorMessage } from '../core/errors.js'
import { Masker } from '../core/secrets.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Log {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** A logger that adds `fields` (e.g. `{component: 'slack'}`) to every line. */
  child(fields: LogFields): Log
}

const LEVELS: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40
}

export interface JsonLogOptions {
  stream?: { write(text: string): unknown }
  level?: LogLevel
  format?: 'json' | 'text'
  masker?: Masker
  now?: () => number
}

interface Sink {
  stream: { write(text: string): unknown }
  min: number
  format: 'json' | 'text'
  masker: Masker
  now: () => number
}

export class JsonLog implements Log {
  readonly #sink: Sink
  readonly #fields: LogFields

  constructor(
    options: JsonLogOptions = {},
    fields: LogFields = {},
    sink?: Sink
  ) {
    this.#sink = sink ?? {
      stream: options.stream ?? process.stderr,
      min: LEVELS[options.level ?? 'info'],
      format: options.format ?? 'json',
      masker: options.masker ?? new Masker(),
      now: options.now ?? Date.now
    }
    this.#fields = fields
  }

  get masker(): Masker {
    return this.#sink.masker
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write('debug', msg, fields)
  }
  info(msg: string, fields?: LogFields): void {
    this.#write('info', msg, fields)
  }
  warn(msg: string, fields?: LogFields): void {
    this.#write('warn', msg, fields)
  }
  error(msg: string, fields?: LogFields): void {
    this.#write('error', msg, fields)
  }

  child(fields: LogFields): Log {
    return new JsonLog({}, { ...this.#fields, ...fields }, this.#sink)
  }

  #write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    const s = this.#sink
    if (LEVELS[level] < s.min) return
    const all: LogFields = { ...this.#fields, ...(fields ?? {}) }
    for (const [k, v] of Object.entries(all)) {
      // Errors serialise as {} in JSON; keep their message.
      if (
        v instanceof Error ||
        (typeof v === 'object' && v !== null && 'stack' in v)
      )
        all[k] = errorMessage(v)
    }
    let line: string
    if (s.format === 'json') {
      line = JSON.stringify({
        time: new Date(s.now()).toISOString(),
        level,
        msg,
        ...all
      })
    } else {
      const extra = Object.entries(all)
        .map(
          ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`
        )
        .join(' ')
      line = `${new Date(s.now()).toISOString()} ${level.padEnd(5)} ${msg}${extra === '' ? '' : ` ${extra}`}`
    }
    s.stream.write(`${s.masker.apply(line)}\n`)
  }
}

/** A Log that keeps parsed entries in memory (for tests and for callers). */
export class MemoryLog extends JsonLog {
  readonly lines: string[]

  constructor(level: LogLevel = 'debug', masker = new Masker()) {
    const lines: string[] = []
    super({
      level,
      masker,
      stream: { write: (t: string) => lines.push(t.trimEnd()) }
    })
    this.lines = lines
  }

  entries(): ({ level: LogLevel; msg: string } & LogFields)[] {
    return this.lines.map(
      (l) => JSON.parse(l) as { level: LogLevel; msg: string } & LogFields
    )
  }
}

/** A Log that drops everything. */
export const nullLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nullLog
}
