/**
 * YAML as PyYAML reads it, fast; and line numbers when something is wrong.
 *
 * Files that lsst.verify also reads (metric definitions, specifications) must
 * mean the same thing to us as to PyYAML's YAML 1.1 `SafeLoader`: `yes`/`off`
 * are booleans, `1e3` is a *string* (1.1 floats need a dot and a signed
 * exponent), `010` is octal, `<<` merges, duplicate keys keep the last value
 * (real spec files have them). js-yaml with a 1.1 schema does this quickly,
 * and its parse events give the line of a problem too.
 */

import type { Schema as YamlSchema, Type as YamlType } from 'js-yaml'
import { jsyaml } from './js-yaml.js'
import type { Problem } from './errors.js'
import { formatPath, type PathSegment, type SchemaProblem } from './schema.js'

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

let pyyaml: YamlSchema | undefined

/** PyYAML `SafeLoader`'s YAML 1.1 implicit types, on js-yaml (built once, on first use). */
export function pyyamlSchema(): YamlSchema {
  pyyaml ??= buildPyyamlSchema()
  return pyyaml
}

function buildPyyamlSchema(): YamlSchema {
  const y = jsyaml()
  const Type = y.Type
  const nullType = new Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (data: string | null) => data === null || NULL.test(data),
    construct: () => null
  })

  const boolType = new Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (data: string | null) =>
      data !== null && (BOOL_TRUE.test(data) || BOOL_FALSE.test(data)),
    construct: (data: string) => BOOL_TRUE.test(data)
  })

  const intType = new Type('tag:yaml.org,2002:int', {
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

  const floatType = new Type('tag:yaml.org,2002:float', {
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
  const builtin = (y as unknown as { types: Record<string, YamlType> }).types
  const builtinType = (name: string): YamlType => {
    const type = builtin[name]
    if (type === undefined)
      throw new Error(`js-yaml has no built-in type ${name}`)
    return type
  }

  return y.FAILSAFE_SCHEMA.extend({
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
}

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
 * js-yaml's parse error as a {@link YamlSyntaxError} (1-based position);
 * anything else unchanged.
 */
export function asYamlSyntaxError(error: unknown): unknown {
  if (!(error instanceof jsyaml().YAMLException)) return error
  const mark = (error as { mark?: { line?: number; column?: number } }).mark
  return new YamlSyntaxError(
    error.reason,
    mark?.line === undefined ? undefined : mark.line + 1,
    mark?.column === undefined ? undefined : mark.column + 1
  )
}

/**
 * Loads every document of a YAML stream the way PyYAML's `safe_load_all`
 * does. Throws {@link YamlSyntaxError} with the position on bad syntax.
 */
export function loadYamlDocuments(text: string): unknown[] {
  try {
    return jsyaml().loadAll(text, null, { schema: pyyamlSchema(), json: true })
  } catch (error) {
    throw asYamlSyntaxError(error)
  }
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
 *
 * Positions come from js-yaml's parse events rather than from a second YAML
 * library: this runs only when something is wrong, and every action that
 * reads YAML would otherwise carry (and parse at start-up) 0.26 MB for it.
 */
export function locateYamlPath(
  text: string,
  docIndex: number,
  path: readonly PathSegment[],
  atKey = false
): Position | undefined {
  const doc = parseTrees(text)?.[docIndex]
  if (doc === undefined) return undefined
  let node = unwrap(text, doc)
  let offset = contentStart(text, node)
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]
    const last = i === path.length - 1
    if (node.kind === 'mapping') {
      const pair = pairsOf(text, node).find(
        ([key]) => key.kind === 'scalar' && key.text === String(seg)
      )
      if (pair === undefined) break
      const [key, value] = pair
      if ((last && atKey) || value === undefined) {
        offset = contentStart(text, key)
        break
      }
      offset = contentStart(text, value)
      node = unwrap(text, value)
    } else if (node.kind === 'sequence' && typeof seg === 'number') {
      // An empty item (`- `) has no parse event: indices are only
      // trustworthy when every item has one.
      if (node.children.length !== node.size) break
      const item = node.children[seg]
      if (item === undefined) break
      offset = contentStart(text, item)
      node = unwrap(text, item)
    } else {
      break
    }
  }
  return positionOf(text, offset)
}

/** A node as js-yaml's `open`/`close` events outline it. */
interface ParsedNode {
  /** Where js-yaml began composing it (maybe before separating space). */
  start: number
  kind: string | null
  /** A scalar's value as text (mapping keys are matched on it). */
  text?: string
  /** A sequence's length. */
  size?: number
  children: ParsedNode[]
}

/** One outline per document; undefined when js-yaml cannot parse the text. */
function parseTrees(text: string): ParsedNode[] | undefined {
  const roots: ParsedNode[] = []
  const open: ParsedNode[] = []
  try {
    jsyaml().loadAll(text, null, {
      schema: pyyamlSchema(),
      json: true,
      listener: (event, state) => {
        if (event === 'open') {
          const node: ParsedNode = {
            start: state.position,
            kind: null,
            children: []
          }
          ;(open.at(-1)?.children ?? roots).push(node)
          open.push(node)
          return
        }
        const node = open.pop()
        if (node === undefined) return
        node.kind = state.kind
        const result: unknown = state.result
        if (node.kind === 'scalar') node.text = String(result)
        if (node.kind === 'sequence' && Array.isArray(result))
          node.size = result.length
      }
    })
  } catch {
    return undefined
  }
  return roots
}

/**
 * js-yaml composes a would-be mapping key before it knows a node is a plain
 * value, leaving a wrapper around the real node: same start, same kind.
 */
function unwrap(text: string, node: ParsedNode): ParsedNode {
  let current = node
  for (;;) {
    const [only, ...rest] = current.children
    if (
      only === undefined ||
      rest.length > 0 ||
      only.kind !== current.kind ||
      contentStart(text, only) !== contentStart(text, current)
    )
      return current
    current = only
  }
}

/**
 * A mapping's entries. Keys and values are told apart by the `:` js-yaml
 * stopped after when it began a value: a key without one (`? key`, a set
 * member) has no value node at all.
 */
function pairsOf(
  text: string,
  node: ParsedNode
): [ParsedNode, ParsedNode | undefined][] {
  const isValue = (n: ParsedNode): boolean =>
    /:[ \t]*$/.test(text.slice(Math.max(0, n.start - 64), n.start))
  const pairs: [ParsedNode, ParsedNode | undefined][] = []
  const children = node.children
  for (let i = 0; i < children.length; i++) {
    const key = children[i]
    if (key === undefined || isValue(key)) continue
    const next = children[i + 1]
    if (next !== undefined && isValue(next)) {
      pairs.push([key, next])
      i++
    } else {
      pairs.push([key, undefined])
    }
  }
  return pairs
}

/**
 * Where the node's content begins: past separating space, comments and its
 * properties (`&anchor`, `!tag`, which cannot begin a plain scalar).
 */
function contentStart(text: string, node: ParsedNode): number {
  const skip = /(?:[ \t\r\n]|#[^\n]*|[&!][^ \t\r\n]*(?=[ \t\r\n]))*/y
  skip.lastIndex = node.start
  skip.exec(text)
  return Math.min(skip.lastIndex, text.length)
}

/** 1-based line and column of an offset. */
function positionOf(text: string, offset: number): Position {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset;) {
    line++
    lineStart = i + 1
    i = text.indexOf('\n', i + 1)
  }
  return { line, column: offset - lineStart + 1 }
}

/**
 * Attaches file:line to a problem found by key path in the `docIndex`th
 * document of `text` (no line when the text is not known).
 */
export function toProblem(
  text: string | undefined,
  file: string,
  problem: SchemaProblem,
  docIndex = 0
): Problem {
  const pos =
    text === undefined
      ? undefined
      : locateYamlPath(text, docIndex, problem.path, problem.atKey === true)
  const path = formatPath(problem.path)
  const out: Problem = {
    where: {
      file,
      ...(pos === undefined ? {} : { line: pos.line, column: pos.column }),
      ...(path === '' ? {} : { path })
    },
    message: problem.message
  }
  if (problem.hint !== undefined) out.hint = problem.hint
  return out
}
