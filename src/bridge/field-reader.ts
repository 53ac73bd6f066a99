/**
 * Reads typed fields out of a parsed JSON object, collecting a problem (with
 * its JSON path) for every field of the wrong type instead of stopping at the
 * first. Missing optional fields and JSON nulls are `undefined`, as Gson
 * omits null fields anyway.
 */

import type { Problem } from '../core/errors.js'

type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export class FieldReader {
  constructor(
    readonly value: unknown,
    readonly prefix: string,
    readonly problems: Problem[]
  ) {}

  isObject(): boolean {
    return isObject(this.value)
  }

  has(key: string): boolean {
    return (
      isObject(this.value) &&
      this.value[key] !== undefined &&
      this.value[key] !== null
    )
  }

  path(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}.${key}`
  }

  problem(key: string, message: string): void {
    this.problems.push({ where: { path: this.path(key) }, message })
  }

  #raw(key: string, required: boolean): unknown {
    const v = isObject(this.value) ? this.value[key] : undefined
    if ((v === undefined || v === null) && required)
      this.problem(key, 'is required')
    return v ?? undefined
  }

  string(key: string, o: { required?: boolean } = {}): string | undefined {
    const v = this.#raw(key, o.required === true)
    if (v === undefined) return undefined
    if (typeof v === 'string') return v
    this.problem(key, `must be a string, got ${typeof v}`)
    return undefined
  }

  integer(
    key: string,
    o: { required?: boolean; numericString?: boolean; min?: number } = {}
  ): number | undefined {
    const v = this.#raw(key, o.required === true)
    if (v === undefined) return undefined
    let n: number | undefined
    if (typeof v === 'number' && Number.isSafeInteger(v)) n = v
    // Pipelines send env.BUILD_NUMBER, which is a string.
    else if (
      o.numericString === true &&
      typeof v === 'string' &&
      /^\d{1,15}$/.test(v)
    )
      n = Number(v)
    if (n === undefined) {
      this.problem(key, `must be an integer, got ${JSON.stringify(v)}`)
      return undefined
    }
    if (o.min !== undefined && n < o.min) {
      this.problem(key, `must be at least ${o.min}, got ${n}`)
      return undefined
    }
    return n
  }

  object(key: string, o: { required?: boolean } = {}): FieldReader | undefined {
    const v = this.#raw(key, o.required === true)
    if (v === undefined) return undefined
    if (isObject(v)) return new FieldReader(v, this.path(key), this.problems)
    this.problem(key, 'must be an object')
    return undefined
  }

  strings(key: string): string[] | undefined {
    const v = this.#raw(key, false)
    if (v === undefined) return undefined
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v
    this.problem(key, 'must be a list of strings')
    return undefined
  }

  /** A flat map of strings; numbers and booleans are accepted as text. */
  stringMap(key: string): Record<string, string> | undefined {
    const v = this.#raw(key, false)
    if (v === undefined) return undefined
    if (!isObject(v)) {
      this.problem(key, 'must be an object of strings')
      return undefined
    }
    const out: Record<string, string> = {}
    for (const [k, x] of Object.entries(v).slice(0, 500)) {
      if (typeof x === 'string') out[k] = x.slice(0, 4096)
      else if (typeof x === 'number' || typeof x === 'boolean')
        out[k] = String(x)
    }
    return out
  }
}
