/**
 * One reader for a step's inputs, whatever they come from: the action's
 * `INPUT_*` variables, the CLI's flags, or a section of `stackci.yml`. A step
 * module writes its `readXInputs(reader)` once against {@link StepInputs};
 * the action, the CLI and the pipeline each hand it a different
 * {@link InputSource}, so all three validate the same way and word their
 * errors the same way (only the name of the key differs: `lint: input
 * 'fail-on'`, `--fail-on`, `stackci.yml: lint.fail-on`).
 *
 * Sources give raw values: strings from an action or a flag, typed YAML
 * values (already checked by the schema) from the file. The readers accept
 * both, so `only-changed: true` in the file and `only-changed: 'true'` from
 * an action read alike.
 */

import { parseDuration } from './duration.js'
import type { Env } from './env.js'
import { InputError } from './errors.js'

/** Where the values of a step's inputs come from. */
export interface InputSource {
  /** How an error names the key: `lint: input 'fail-on'`, `--fail-on`. */
  describe(key: string): string
  /** The raw value; undefined (or `''`) when the source does not set it. */
  get(key: string): unknown
}

/**
 * The runner's `INPUT_*` variables, read the way @actions/core's `getInput`
 * does (name upper-cased, spaces to `_`, value trimmed).
 */
export function actionSource(action: string, env: Env): InputSource {
  return {
    describe: (key) => `${action}: input '${key}'`,
    get: (key) =>
      (env[`INPUT_${key.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
  }
}

/** `fail-on` → `failOn`, the property commander gives a `--fail-on` flag. */
export function flagProperty(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}

/**
 * Parsed CLI flags (commander's option object). `flags` maps an input whose
 * flag has another name (`definitions` → `--definitions-dir`).
 */
export function flagSource(
  options: object,
  flags: Readonly<Record<string, string>> = {}
): InputSource {
  const values = options as Record<string, unknown>
  const flag = (key: string): string => flags[key] ?? key
  return {
    describe: (key) => `--${flag(key)}`,
    get: (key) => values[flagProperty(flag(key))]
  }
}

/**
 * A section of `stackci.yml` (`lint`, `image`, …), or a profile's part of it.
 * `keys` maps an input to another key in the section.
 */
export function configSource(
  file: string,
  section: string,
  values: object | undefined,
  keys: Readonly<Record<string, string>> = {}
): InputSource {
  const record = (values ?? {}) as Record<string, unknown>
  const key = (k: string): string => keys[k] ?? k
  return {
    describe: (k) => `${file}: ${section}.${key(k)}`,
    get: (k) => record[key(k)]
  }
}

/** The first source that sets a key wins: flags over the file over defaults. */
export function layered(...sources: InputSource[]): InputSource {
  const owner = (key: string): InputSource | undefined =>
    sources.find((s) => isSet(s.get(key)))
  return {
    describe: (key) => (owner(key) ?? sources[0])?.describe(key) ?? key,
    get: (key) => owner(key)?.get(key)
  }
}

/** Values with the same set of keys as a step's inputs, as a source. */
export function valuesSource(
  what: string,
  values: object | undefined
): InputSource {
  const record = (values ?? {}) as Record<string, unknown>
  return { describe: (key) => `${what} '${key}'`, get: (key) => record[key] }
}

function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false
  return !(Array.isArray(value) && value.length === 0)
}

/** Typed readers over a source; every error names the key as the source does. */
export class StepInputs {
  constructor(readonly source: InputSource) {}

  fail(key: string, message: string, hint?: string): never {
    throw new InputError(
      `${this.source.describe(key)} ${message}`,
      hint === undefined ? {} : { hint }
    )
  }

  has(key: string): boolean {
    return isSet(this.source.get(key))
  }

  /** An optional string: undefined when empty, never `""`. */
  string(key: string): string | undefined {
    const value = this.source.get(key)
    if (!isSet(value)) return undefined
    if (typeof value === 'string')
      return value.trim() === '' ? undefined : value.trim()
    if (typeof value === 'number' || typeof value === 'boolean')
      return String(value)
    return this.fail(key, `must be text, got ${JSON.stringify(value)}`)
  }

  required(key: string): string {
    const value = this.string(key)
    if (value === undefined) this.fail(key, 'is required and was not supplied')
    return value
  }

  /** Strict booleans, as `getBooleanInput`: a typo is an error, not false. */
  boolean(key: string, fallback?: boolean): boolean {
    const value = this.source.get(key)
    if (typeof value === 'boolean') return value
    const text = typeof value === 'string' ? value.trim() : ''
    if (['true', 'True', 'TRUE'].includes(text)) return true
    if (['false', 'False', 'FALSE'].includes(text)) return false
    if (!isSet(value) && fallback !== undefined) return fallback
    return this.fail(
      key,
      `must be true or false, got ${JSON.stringify(value ?? '')}`
    )
  }

  /** Lines, trimmed, blank lines and `#` comments dropped. */
  lines(key: string): string[] {
    const value = this.source.get(key)
    const items = Array.isArray(value)
      ? value.map(String)
      : isSet(value)
        ? String(value).split(/\r?\n/)
        : []
    return items
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
  }

  /** A comma- or newline-separated list. */
  list(key: string): string[] {
    return this.lines(key)
      .flatMap((l) => l.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '')
  }

  integer(
    key: string,
    options: { min?: number; max?: number } = {}
  ): number | undefined {
    const value = this.string(key)
    if (value === undefined) return undefined
    const n = Number(value)
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
      this.fail(key, `must be an integer, got ${JSON.stringify(value)}`)
    }
    if (options.min !== undefined && n < options.min)
      this.fail(key, `must be ≥ ${options.min}, got ${n}`)
    if (options.max !== undefined && n > options.max)
      this.fail(key, `must be ≤ ${options.max}, got ${n}`)
    return n
  }

  /**
   * A duration in milliseconds: `30m`, `2h`, bare seconds; a number from the
   * file is already milliseconds (the schema converted it).
   */
  duration(key: string): number | undefined {
    const value = this.source.get(key)
    if (typeof value === 'number') return value
    const text = this.string(key)
    if (text === undefined) return undefined
    return parseDuration(text, this.source.describe(key))
  }

  /** One of a fixed set of words. */
  choice<const T extends string>(
    key: string,
    choices: readonly T[],
    fallback?: T
  ): T {
    const value = this.string(key) ?? fallback
    if (value === undefined)
      return this.fail(key, `is required (one of ${choices.join(', ')})`)
    if (!(choices as readonly string[]).includes(value)) {
      this.fail(
        key,
        `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`
      )
    }
    return value as T
  }
}
