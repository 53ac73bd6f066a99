/**
 * YAML as PyYAML reads it, fast; and line numbers when something is wrong.
 *
 * Files that lsst.verify also reads (metric definitions, specifications) must
 * mean the same thing to us as to PyYAML's YAML 1.1 `SafeLoader`: `yes`/`off`
 * are booleans, `1e3` is a *string* (1.1 floats need a dot and a signed
 * exponent), `010` is octal, `<<` merges, duplicate keys keep the last value
 * (real spec files have them). js-yaml with a 1.1 schema does this quickly;
 * the slower `yaml` package is used only to find the line of a problem.
 */

import jsyaml from 'js-yaml'
import {
  LineCounter,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments
} from 'yaml'
import type { Node as YamlNode } from 'yaml'
import type { PathSegment } from './schema.js'

const BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/
const BOOL_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/
const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/
const NULL = /^(?:~|null|Null|NULL|)$/

function sexagesimal(digits: string): number {
  let value = 0
  let base = 1
  for (const part of digits.split(':').reverse()) {
    value += Number(part) * base
    base *= 60
  }
  return value
}

function signOf(text: string): [number, string] {
  if (text.startsWith('-')) return [-1, text.slice(1)]
  if (text.startsWith('+')) return [1, text.slice(1)]
  return [1, text]
}

const nullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || NULL.test(data),
  construct: () => null
})

const boolType = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) =>
    data !== null && (BOOL_TRUE.test(data) || BOOL_FALSE.test(data)),
  construct: (data: string) => BOOL_TRUE.test(data)
})

const intType = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && INT.test(data),
  construct: (data: string) => {
    const [sign, body] = signOf(data.replace(/_/g, ''))
    if (body === '0') return 0
    if (body.startsWith('0b')) return sign * parseInt(body.slice(2), 2)
    if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16)
    if (body.startsWith('0')) return sign * parseInt(body, 8)
    if (body.includes(':')) return sign * sexagesimal(body)
    return sign * Number(body)
  }
})

const floatType = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && FLOAT.test(data),
  construct: (data: string) => {
    const [sign, body] = signOf(data.replace(/_/g, '').toLowerCase())
    if (body === '.inf') return sign * Infinity
    if (body === '.nan') return NaN
    if (body.includes(':')) return sign * sexagesimal(body)
    return sign * Number(body)
  }
})

// js-yaml exports its built-in types at runtime; @types/js-yaml omits them.
const builtin = (jsyaml as unknown as { types: Record<string, jsyaml.Type> })
  .types
function builtinType(name: string): jsyaml.Type {
  const type = builtin[name]
  if (type === undefined)
    throw new Error(`js-yaml has no built-in type ${name}`)
  return type
}

/** PyYAML `SafeLoader`'s YAML 1.1 implicit types, on js-yaml. */
export const PYYAML_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    nullType,
    boolType,
    intType,
    floatType,
    builtinType('timestamp'),
    builtinType('merge')
  ],
  explicit: [
    builtinType('binary'),
    builtinType('omap'),
    builtinType('pairs'),
    builtinType('set')
  ]
})

/** A YAML syntax error with its 1-based position. */
export class YamlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined
  ) {
    super(message)
    this.name = 'YamlSyntaxError'
  }
}

/**
 * Loads every document of a YAML stream the way PyYAML's `safe_load_all`
 * does. Throws {@link YamlSyntaxError} with the position on bad syntax.
 */
export function loadYamlDocuments(text: string): unknown[] {
  try {
    return jsyaml.loadAll(text, null, { schema: PYYAML_SCHEMA, json: true })
  } catch (error) {
    if (error instanceof jsyaml.YAMLException) {
      const mark = (error as { mark?: { line?: number; column?: number } }).mark
      return rethrow(
        new YamlSyntaxError(
          error.reason,
          mark?.line === undefined ? undefined : mark.line + 1,
          mark?.column === undefined ? undefined : mark.column + 1
        )
      )
    }
    throw error
  }
}

function rethrow(error: Error): never {
  throw error
}

/** A 1-based position in a text. */
export interface Position {
  line: number
  column: number
}

/**
 * The position of the node at `path` inside document `docIndex` of `text`
 * (of its key, with `atKey`). When the exact node does not exist (a key that
 * is missing, or came from a `<<` merge), the nearest existing ancestor is
 * returned; undefined only when the document itself is not found.
 */
export function locateYamlPath(
  text: string,
  docIndex: number,
  path: readonly PathSegment[],
  atKey = false
): Position | undefined {
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false })
  if (!Array.isArray(docs)) return undefined
  const doc = docs[docIndex]
  if (doc === undefined) return undefined
  let node: unknown = doc.contents
  let offset = rangeStart(node) ?? doc.range[0]
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    const last = i === path.length - 1
    if (isMap(node)) {
      const pair = node.items.find(
        (p) =>
          isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg)
      )
      if (pair === undefined) break
      const keyStart = rangeStart(pair.key)
      const valueStart = rangeStart(pair.value)
      if (last && atKey) {
        offset = keyStart ?? offset
        break
      }
      offset = valueStart ?? keyStart ?? offset
      node = pair.value
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg]
      if (item === undefined) break
      offset = rangeStart(item) ?? offset
      node = item
    } else {
      break
    }
  }
  const pos = lineCounter.linePos(offset)
  return { line: pos.line, column: pos.col }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range
  return Array.isArray(range) ? range[0] : undefined
}
