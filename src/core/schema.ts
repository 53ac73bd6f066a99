/**
 * A small typed schema for configuration documents. Validation never stops
 * at the first problem: every problem is collected with its key path, so a
 * loader can report all of them at once with file:line.
 */

import { parseDuration } from './duration.js'

export type PathSegment = string | number

/** One validation problem, located by key path. */
export interface SchemaProblem {
  path: PathSegment[]
  message: string
  hint?: string
  /** The problem is about the key itself (unknown key), not its value. */
  atKey?: boolean
}

export class SchemaContext {
  readonly problems: SchemaProblem[] = []
  report(problem: SchemaProblem): undefined {
    this.problems.push(problem)
    return undefined
  }
}

/** A validator that returns the typed value, or undefined after reporting. */
export interface Schema<T> {
  readonly description: string
  validate(
    value: unknown,
    path: PathSegment[],
    ctx: SchemaContext
  ): T | undefined
}

export type Infer<S> = S extends Schema<infer T> ? T : never

/** Renders a path as `a.b[2].c`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? seg : `.${seg}`
  }
  return out
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return `${typeof value} ${JSON.stringify(value)}`
}

function wrongType(
  ctx: SchemaContext,
  path: PathSegment[],
  expected: string,
  value: unknown
): undefined {
  ctx.report({
    path,
    message: `must be ${expected}, got ${typeName(value)}`
  })
}

/** The value as a mapping, or a problem and undefined. */
function mapping(
  value: unknown,
  path: PathSegment[],
  ctx: SchemaContext
): Record<string, unknown> | undefined {
  if (isPlainObject(value)) return value
  wrongType(ctx, path, 'a mapping', value)
  return undefined
}

export function string(
  options: { pattern?: RegExp; patternHint?: string; nonEmpty?: boolean } = {}
): Schema<string> {
  return {
    description: 'a string',
    validate(value, path, ctx) {
      if (typeof value !== 'string') {
        wrongType(ctx, path, 'a string', value)
        return
      }
      if (options.nonEmpty === true && value.trim() === '') {
        ctx.report({ path, message: 'must not be empty' })
        return undefined
      }
      if (options.pattern !== undefined && !options.pattern.test(value)) {
        ctx.report({
          path,
          message: `${JSON.stringify(value)} is not valid`,
          ...(options.patternHint === undefined
            ? {}
            : { hint: options.patternHint })
        })
        return undefined
      }
      return value
    }
  }
}

export function number(
  options: { min?: number; max?: number; integer?: boolean } = {}
): Schema<number> {
  const expected = options.integer === true ? 'an integer' : 'a number'
  return {
    description: expected,
    validate(value, path, ctx) {
      if (typeof value !== 'number' || Number.isNaN(value)) {
        wrongType(ctx, path, expected, value)
        return
      }
      if (options.integer === true && !Number.isInteger(value)) {
        wrongType(ctx, path, expected, value)
        return
      }
      if (options.min !== undefined && value < options.min) {
        ctx.report({
          path,
          message: `must be ≥ ${options.min}, got ${value}`
        })
        return undefined
      }
      if (options.max !== undefined && value > options.max) {
        ctx.report({
          path,
          message: `must be ≤ ${options.max}, got ${value}`
        })
        return undefined
      }
      return value
    }
  }
}

export function boolean(): Schema<boolean> {
  return {
    description: 'true or false',
    validate(value, path, ctx) {
      if (typeof value === 'boolean') return value
      wrongType(ctx, path, 'true or false', value)
      return undefined
    }
  }
}

export function literal<const T extends string | number>(
  ...values: T[]
): Schema<T> {
  const list = values.map((v) => JSON.stringify(v)).join(', ')
  return {
    description: `one of ${list}`,
    validate(value, path, ctx) {
      if ((values as unknown[]).includes(value)) return value as T
      const near =
        typeof value === 'string'
          ? closest(
              value,
              values.map((v) => String(v))
            )
          : undefined
      ctx.report({
        path,
        message: `must be one of ${list}, got ${typeName(value)}`,
        ...(near === undefined
          ? {}
          : { hint: `did you mean ${JSON.stringify(near)}?` })
      })
      return undefined
    }
  }
}

/** A duration string (`30m`) or a number of seconds, as milliseconds. */
export function duration(): Schema<number> {
  return {
    description: 'a duration like 30m',
    validate(value, path, ctx) {
      if (typeof value === 'number' && value >= 0) return value * 1000
      if (typeof value !== 'string') {
        wrongType(ctx, path, 'a duration like 30m or 2h', value)
        return
      }
      try {
        return parseDuration(value, 'value')
      } catch {
        ctx.report({
          path,
          message: `${JSON.stringify(value)} is not a duration`,
          hint: 'write it like 90s, 30m, 2h or 1h30m'
        })
        return undefined
      }
    }
  }
}

/** An absolute http(s) URL. */
export function url(): Schema<string> {
  return {
    description: 'an http(s) URL',
    validate(value, path, ctx) {
      if (typeof value !== 'string') {
        wrongType(ctx, path, 'a URL', value)
        return
      }
      try {
        const parsed = new URL(value)
        if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
          return value
        }
      } catch {
        // fall through to the report below
      }
      ctx.report({
        path,
        message: `${JSON.stringify(value)} is not an http(s) URL`,
        hint: 'write it like https://ci.example.org/'
      })
      return undefined
    }
  }
}

export function array<T>(
  item: Schema<T>,
  options: { minItems?: number } = {}
): Schema<T[]> {
  return {
    description: `a list of ${item.description}`,
    validate(value, path, ctx) {
      if (!Array.isArray(value)) {
        wrongType(ctx, path, 'a list', value)
        return
      }
      if (options.minItems !== undefined && value.length < options.minItems) {
        ctx.report({
          path,
          message: `needs at least ${options.minItems} item(s)`
        })
        return undefined
      }
      const out: T[] = []
      let ok = true as boolean
      value.forEach((v, i) => {
        const r = item.validate(v, [...path, i], ctx)
        if (r === undefined) ok = false
        else out.push(r)
      })
      return ok ? out : undefined
    }
  }
}

/** A list, or a single item accepted as a one-item list. */
export function listOrOne<T>(item: Schema<T>): Schema<T[]> {
  const list = array(item)
  return {
    description: list.description,
    validate(value, path, ctx) {
      if (Array.isArray(value)) return list.validate(value, path, ctx)
      const r = item.validate(value, path, ctx)
      return r === undefined ? undefined : [r]
    }
  }
}

export function record<T>(item: Schema<T>): Schema<Record<string, T>> {
  return {
    description: `a mapping of ${item.description}`,
    validate(value, path, ctx) {
      const map = mapping(value, path, ctx)
      if (map === undefined) return undefined
      const out: Record<string, T> = {}
      let ok = true as boolean
      for (const [k, v] of Object.entries(map)) {
        const r = item.validate(v, [...path, k], ctx)
        if (r === undefined) ok = false
        else out[k] = r
      }
      return ok ? out : undefined
    }
  }
}

export interface Field<T> {
  schema: Schema<T>
  required: boolean
  default?: T
}

export function required<T>(schema: Schema<T>): Field<T> & { required: true } {
  return { schema, required: true }
}

export function optional<T>(
  schema: Schema<T>,
  defaultValue?: T
): Field<T> & { required: false } {
  return defaultValue === undefined
    ? { schema, required: false }
    : { schema, required: false, default: defaultValue }
}

type Fields = Record<string, Field<unknown>>
type ObjectOf<F extends Fields> = {
  [K in keyof F as F[K]['required'] extends true ? K : never]: Infer<
    F[K]['schema']
  >
} & {
  [K in keyof F as F[K]['required'] extends true ? never : K]?: Infer<
    F[K]['schema']
  >
}

/** A mapping with known keys; unknown keys are problems (with a suggestion). */
export function object<F extends Fields>(fields: F): Schema<ObjectOf<F>> {
  const names = Object.keys(fields)
  return {
    description: 'a mapping',
    validate(input, path, ctx) {
      const value = mapping(input, path, ctx)
      if (value === undefined) return undefined
      const out: Record<string, unknown> = {}
      let ok = true as boolean
      for (const key of Object.keys(value)) {
        if (!(key in fields)) {
          const near = closest(key, names)
          ctx.report({
            path: [...path, key],
            atKey: true,
            message: `unknown key ${JSON.stringify(key)}`,
            hint:
              near === undefined
                ? `allowed keys: ${names.join(', ')}`
                : `did you mean ${JSON.stringify(near)}?`
          })
          ok = false
        }
      }
      for (const [key, field] of Object.entries(fields)) {
        const v = value[key]
        if (v === undefined || v === null) {
          if (field.required) {
            ctx.report({
              path: [...path, key],
              message: `missing required key ${JSON.stringify(key)} (${field.schema.description})`
            })
            ok = false
          } else if (field.default !== undefined) {
            out[key] = field.default
          }
          continue
        }
        const r = field.schema.validate(v, [...path, key], ctx)
        if (r === undefined) ok = false
        else out[key] = r
      }
      return ok ? (out as ObjectOf<F>) : undefined
    }
  }
}

export function isPlainObject(
  value: unknown
): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date)
  )
}

/** The candidate closest to `word` by edit distance, if reasonably close. */
export function closest(
  word: string,
  candidates: readonly string[]
): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    // Case counts, but only as half a typo: `Definitions` still finds `definitions`.
    const d = Math.min(
      editDistance(word, c),
      editDistance(word.toLowerCase(), c.toLowerCase()) + 0.5
    )
    if (d < bestDistance) {
      bestDistance = d
      best = c
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3))
  return bestDistance <= limit ? best : undefined
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0
      row[j] = Math.min(
        (row[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
      prev = tmp
    }
  }
  return row[b.length] ?? 0
}
