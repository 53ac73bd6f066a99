/**
 * `notebooks:` in stackci.yml — the notebook reports the `notebook` step
 * runs in the stack image: `[{path, params, datasets, timeout, memory}]`.
 * Parameters keep their YAML types (a number stays a number in Python).
 */

import {
  duration,
  isPlainObject,
  listOrOne,
  number,
  object,
  optional,
  record,
  required,
  string,
  type Schema
} from './schema.js'

/** A parameter value: what YAML and JSON can write. */
export type ParamValue =
  | string
  | number
  | boolean
  | null
  | ParamValue[]
  | { [key: string]: ParamValue }

/** Any YAML value but dates and other tagged scalars the core schema lacks. */
export function paramValue(): Schema<ParamValue> {
  const schema: Schema<ParamValue> = {
    description: 'a string, number, boolean, null, list or mapping',
    validate(value, path, ctx) {
      if (
        value === null ||
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && !Number.isNaN(value))
      )
        return value
      if (Array.isArray(value)) {
        const out = value.map((v, i) => schema.validate(v, [...path, i], ctx))
        return out.includes(undefined) ? undefined : (out as ParamValue[])
      }
      if (isPlainObject(value)) return record(schema).validate(value, path, ctx)
      ctx.report({
        path,
        message: `must be a plain value, got ${typeof value}`
      })
      return undefined
    }
  }
  return schema
}

/** One notebook report. */
export const notebookEntrySchema = object({
  /** The .ipynb, relative to stackci.yml. */
  path: required(string({ nonEmpty: true })),
  /** Values for the `parameters` cell's names. */
  params: optional(record(paramValue())),
  /** Names of integration.datasets to mount read-only (default none). */
  datasets: optional(listOrOne(string({ nonEmpty: true }))),
  timeout: optional(duration()),
  /** Bytes, or `512m`, `2g`. */
  memory: optional(string({ nonEmpty: true })),
  cpus: optional(number({ min: 0.01, max: 1024 }))
})

/** `notebooks:` — a list of {@link notebookEntrySchema}. */
export const notebooksSectionSchema = listOrOne(notebookEntrySchema)
