/**
 * Typed readers for GitHub Action inputs. They read the runner's `INPUT_*`
 * variables the way @actions/core's `getInput` does (name upper-cased,
 * spaces to `_`, value trimmed) from an env object, so doors stay tiny and
 * readers are testable with a literal env. Every error names the action,
 * the input and the bad value.
 */

import { InputError } from './errors.js'
import { parseDuration } from './duration.js'
import type { Env } from './env.js'

export class ActionInputs {
  constructor(
    readonly action: string,
    readonly env: Env = process.env
  ) {}

  #raw(name: string): string {
    return (
      this.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
    ).trim()
  }

  fail(name: string, message: string, hint?: string): never {
    throw new InputError(
      `${this.action}: input '${name}' ${message}`,
      hint === undefined ? {} : { hint }
    )
  }

  /** An optional string: undefined when empty, never `""`. */
  string(name: string): string | undefined {
    const value = this.#raw(name)
    return value === '' ? undefined : value
  }

  required(name: string): string {
    const value = this.string(name)
    if (value === undefined) this.fail(name, 'is required and was not supplied')
    return value
  }

  /** Strict booleans, as `getBooleanInput`: a typo is an error, not false. */
  boolean(name: string, fallback?: boolean): boolean {
    const value = this.#raw(name)
    if (['true', 'True', 'TRUE'].includes(value)) return true
    if (['false', 'False', 'FALSE'].includes(value)) return false
    if (value === '' && fallback !== undefined) return fallback
    return this.fail(
      name,
      `must be true or false, got ${JSON.stringify(value)}`
    )
  }

  /** Lines, trimmed, blank lines and `#` comments dropped. */
  lines(name: string): string[] {
    return this.#raw(name)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
  }

  /** A comma- or newline-separated list. */
  list(name: string): string[] {
    return this.lines(name)
      .flatMap((l) => l.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '')
  }

  integer(
    name: string,
    options: { min?: number; max?: number } = {}
  ): number | undefined {
    const value = this.string(name)
    if (value === undefined) return undefined
    const n = Number(value)
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
      this.fail(name, `must be an integer, got ${JSON.stringify(value)}`)
    }
    if (options.min !== undefined && n < options.min)
      this.fail(name, `must be ≥ ${options.min}, got ${n}`)
    if (options.max !== undefined && n > options.max)
      this.fail(name, `must be ≤ ${options.max}, got ${n}`)
    return n
  }

  /** A duration (`30m`, `2h`, bare seconds) in milliseconds. */
  duration(name: string): number | undefined {
    const value = this.string(name)
    if (value === undefined) return undefined
    return parseDuration(value, `${this.action}: input '${name}'`)
  }

  /** One of a fixed set of words. */
  choice<const T extends string>(
    name: string,
    choices: readonly T[],
    fallback?: T
  ): T {
    const value = this.string(name) ?? fallback
    if (value === undefined)
      return this.fail(name, `is required (one of ${choices.join(', ')})`)
    if (!(choices as readonly string[]).includes(value)) {
      this.fail(
        name,
        `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`
      )
    }
    return value as T
  }
}
