/**
 * Jenkins' `tree=` query parameter (hudson.model.Api with NamedPathPruner):
 * a comma list of names, `[…]` for children, `*` for any name, `{M,N}` to
 * slice arrays (M inclusive, N exclusive; `{M,}`, `{,N}`, `{N}`). `_class` is
 * always kept. A name that selects an object without children keeps only the
 * object's `_class`, as Jenkins does.
 */

export interface TreeNode {
  children?: TreeSpec
  range?: [number | undefined, number | undefined]
}

export type TreeSpec = Map<string, TreeNode>

export class TreeSyntaxError extends Error {}

export function parseTree(text: string): TreeSpec {
  let pos = 0
  const fail = (what: string): never => {
    throw new TreeSyntaxError(
      `tree: ${what} at ${pos} in ${JSON.stringify(text)}`
    )
  }
  const list = (): TreeSpec => {
    const spec: TreeSpec = new Map()
    for (;;) {
      const start = pos
      while (pos < text.length && !'[]{},'.includes(text[pos] ?? '')) pos++
      const name = text.slice(start, pos).trim()
      if (name === '') fail('expected a name')
      const node: TreeNode = {}
      if (text[pos] === '[') {
        pos++
        node.children = list()
        if (text[pos] !== ']') fail("expected ']'")
        pos++
      }
      if (text[pos] === '{') {
        const close = text.indexOf('}', pos)
        if (close < 0) fail("expected '}'")
        node.range = parseRange(text.slice(pos + 1, close), fail)
        pos = close + 1
      }
      spec.set(name, node)
      if (text[pos] !== ',') return spec
      pos++
    }
  }
  const spec = list()
  if (pos !== text.length) fail('unexpected character')
  return spec
}

function parseRange(
  body: string,
  fail: (what: string) => never
): [number | undefined, number | undefined] {
  const num = (s: string): number | undefined => {
    const t = s.trim()
    if (t === '') return undefined
    if (!/^\d+$/.test(t)) fail(`bad range {${body}}`)
    return Number(t)
  }
  if (!body.includes(',')) {
    const n = num(body)
    if (n === undefined) fail('empty range')
    return [n, n + 1]
  }
  const [a = '', b = ''] = body.split(',')
  return [num(a), num(b)]
}

/** Applies a parsed tree to a JSON value. */
export function pruneTree(value: unknown, spec: TreeSpec): unknown {
  if (Array.isArray(value)) return value.map((v) => pruneTree(v, spec))
  if (typeof value !== 'object' || value === null) return value
  const obj = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  if ('_class' in obj) out._class = obj._class
  for (const [key, child] of Object.entries(obj)) {
    if (key === '_class') continue
    const node = spec.get(key) ?? spec.get('*')
    if (node === undefined) continue
    out[key] = pruneChild(child, node)
  }
  return out
}

function pruneChild(value: unknown, node: TreeNode): unknown {
  if (Array.isArray(value)) {
    const [from = 0, to = value.length] = node.range ?? []
    return value
      .slice(from, to)
      .map((v) => pruneChild(v, { ...node, range: undefined }))
  }
  if (typeof value !== 'object' || value === null) return value
  if (node.children !== undefined) return pruneTree(value, node.children)
  const obj = value as Record<string, unknown>
  return '_class' in obj ? { _class: obj._class } : {}
}
