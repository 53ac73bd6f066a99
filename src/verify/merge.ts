/**
 * Document merging and value equality with lsst.verify's (Python's)
 * semantics: `merge_documents` for specification inheritance, and `==` for
 * metadata queries.
 */

export type Doc = Record<string, unknown>

export function isMapping(value: unknown): value is Doc {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date)
  )
}

/** A deep copy of plain JSON/YAML data (Dates are kept as they are). */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepCopy(v) as unknown) as T
  if (isMapping(value)) {
    const out: Doc = {}
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v)
    return out as T
  }
  return value
}

/**
 * `merge_documents(base, new)`: mappings merge recursively, two lists
 * concatenate (base items first, duplicates kept), and any other pair — a
 * scalar, or a list meeting a mapping — is replaced by the new value.
 * Neither input is modified.
 */
export function mergeDocuments(base: Doc, next: Doc): Doc {
  const merged = deepCopy(base)
  for (const [key, value] of Object.entries(next)) {
    const old = merged[key]
    if (key in merged && isMapping(old) && isMapping(value)) {
      merged[key] = mergeDocuments(old, value)
    } else if (key in merged && Array.isArray(old) && Array.isArray(value)) {
      merged[key] = [...(old as unknown[]), ...deepCopy(value as unknown[])]
    } else {
      merged[key] = deepCopy(value)
    }
  }
  return merged
}

/**
 * Python's `==` on JSON/YAML values: `1 == 1.0` and `true == 1` hold, lists
 * compare in order, mappings regardless of key order, NaN equals nothing.
 */
export function pyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'boolean') a = a ? 1 : 0
  if (typeof b === 'boolean') b = b ? 1 : 0
  if (typeof a === 'number' || typeof b === 'number') {
    return typeof a === 'number' && typeof b === 'number' && a === b
  }
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a ?? null) === (b ?? null)
  }
  if (typeof a === 'string' || typeof b === 'string') return a === b
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => pyEqual(v, b[i]))
    )
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return false
    return keys.every((k) => k in b && pyEqual(a[k], b[k]))
  }
  return false
}
