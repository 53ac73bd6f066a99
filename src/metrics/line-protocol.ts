/**
 * InfluxDB 1.x line protocol: `measurement[,tag=v…] field=v[,…] [timestamp]`.
 * Escaping as influxd 1.6 parses it (checked by a round trip on the real
 * server): measurements escape `,` and space; tag keys, tag values and field
 * keys escape `,`, `=` and space; string fields are quoted with `"` and `\`
 * escaped. What the protocol cannot carry — line breaks anywhere, a
 * backslash at the end of a key or tag value, `time` as a key — is refused
 * with an error naming the point, the key and the value, never mangled.
 */

import { InputError } from '../core/errors.js'

export type FieldValue =
  | { kind: 'float'; value: number }
  | { kind: 'integer'; value: number | bigint }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }

export interface Point {
  measurement: string
  /**
   * Empty values are left out (influxd refuses empty tag values). Points
   * may share a tags object; it must not change once a point is encoded.
   */
  tags: Record<string, string | undefined>
  /** Non-finite floats are left out; a point needs at least one field. */
  fields: Record<string, FieldValue | undefined>
  /** An integer in the writer's precision; undefined = the server's clock. */
  time?: number | bigint
}

/** Precisions influxd 1.6 understands (`ns`/`us` are silently read as ns). */
export type Precision = 'n' | 'u' | 'ms' | 's' | 'm' | 'h'

/** Nanoseconds per unit of each precision. */
export const PRECISION_NS: Record<Precision, bigint> = {
  n: 1n,
  u: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n
}

/** Epoch milliseconds as an integer timestamp in `precision`. */
export function timestampFromMs(ms: number, precision: Precision): bigint {
  const ns = BigInt(Math.round(ms)) * 1_000_000n
  return ns / PRECISION_NS[precision]
}

const LINE_BREAK = /[\n\r]/

function refuse(what: string, value: string, why: string, hint: string): never {
  throw new InputError(
    `InfluxDB line protocol cannot carry ${what} ${JSON.stringify(value)}: ${why}`,
    { hint }
  )
}

/** Anything that needs a closer look: escapes, line breaks, backslashes. */
const SPECIAL = /[,= \\\n\r"]/

function check(what: string, value: string): void {
  if (LINE_BREAK.test(value)) {
    refuse(
      what,
      value,
      'it contains a line break',
      'remove line breaks from job metadata that becomes InfluxDB tags or keys (dataset, instrument, filter, …)'
    )
  }
  if (value.endsWith('\\')) {
    refuse(
      what,
      value,
      'it ends with a backslash, which would escape the separator after it',
      'drop the trailing backslash'
    )
  }
}

// Precompiled: encoding runs once per key and value of a million points.
const MEASUREMENT_SPECIAL = /[, ]/
const KEY_SPECIAL = /[,= ]/
const STRING_SPECIAL = /["\\]/

export function escapeMeasurement(name: string): string {
  check('the measurement', name)
  if (name === '') refuse('the measurement', name, 'it is empty', 'name it')
  return MEASUREMENT_SPECIAL.test(name) ? name.replace(/([, ])/g, '\\$1') : name
}

/** Tag keys, tag values and field keys. */
export function escapeKey(text: string, what = 'the key'): string {
  if (!SPECIAL.test(text)) return text
  check(what, text)
  return KEY_SPECIAL.test(text) ? text.replace(/([,= ])/g, '\\$1') : text
}

export function escapeStringField(value: string, what: string): string {
  if (!SPECIAL.test(value)) return `"${value}"`
  if (LINE_BREAK.test(value)) {
    refuse(
      what,
      value,
      'it contains a line break',
      'replace line breaks in string fields (they do not survive every InfluxDB client)'
    )
  }
  return `"${STRING_SPECIAL.test(value) ? value.replace(/(["\\])/g, '\\$1') : value}"`
}

function fieldText(key: string, field: FieldValue): string | undefined {
  switch (field.kind) {
    case 'float':
      if (!Number.isFinite(field.value)) return undefined
      // Always a float: a whole number written bare is still a float in 1.x.
      return String(field.value)
    case 'integer':
      return `${typeof field.value === 'bigint' ? field.value : Math.trunc(field.value)}i`
    case 'boolean':
      return field.value ? 'true' : 'false'
    case 'string':
      return escapeStringField(field.value, `the string field ${key}`)
  }
}

/**
 * The `measurement,tag=v…` head of a line. Cached per tags object: points of
 * one job (and of a bulk load) share theirs, and encoding them once matters
 * at a million points. A tags object must not change once encoded.
 */
const heads = new WeakMap<object, Map<string, string>>()

function head(point: Point): string {
  let byMeasurement = heads.get(point.tags)
  const cached = byMeasurement?.get(point.measurement)
  if (cached !== undefined) return cached
  let line = escapeMeasurement(point.measurement)
  // Sorted by key, as InfluxData recommends for write performance.
  for (const key of Object.keys(point.tags).sort()) {
    const value = point.tags[key]
    if (value === undefined || value === '') continue
    if (key === 'time')
      refuse('the tag key', key, 'it is reserved', 'rename it')
    line += `,${escapeKey(key, 'the tag key')}=${escapeKey(value, `the value of tag ${key}`)}`
  }
  if (byMeasurement === undefined) {
    byMeasurement = new Map()
    heads.set(point.tags, byMeasurement)
  }
  byMeasurement.set(point.measurement, line)
  return line
}

/**
 * One point as a line (no trailing newline). `time` as a tag or field key
 * is refused (influxd drops such points).
 */
export function encodePoint(point: Point): string {
  let fields = ''
  for (const key in point.fields) {
    const field = point.fields[key]
    if (field === undefined) continue
    const text = fieldText(key, field)
    if (text === undefined) continue
    if (key === 'time') {
      refuse('the field key', key, 'it is reserved', 'rename it')
    }
    fields += `${fields === '' ? '' : ','}${escapeKey(key, 'the field key')}=${text}`
  }
  if (fields === '') {
    throw new InputError(
      `InfluxDB point ${JSON.stringify(point.measurement)} has no field with a value`,
      { hint: 'a point needs at least one finite measurement or field' }
    )
  }
  const time = point.time
  if (time === undefined) return `${head(point)} ${fields}`
  if (typeof time === 'number' && !Number.isSafeInteger(time)) {
    throw new InputError(`InfluxDB timestamps are integers, got ${time}`)
  }
  return `${head(point)} ${fields} ${time}`
}

/** InfluxQL: a double-quoted identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** InfluxQL: a single-quoted string literal. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
