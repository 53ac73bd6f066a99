/**
 * Shape comparison for replayed recordings: every key of the recorded JSON
 * must exist in ours with the same JSON type (null in the recording accepts
 * anything; arrays compare their first element). Returns the differences.
 */
export function shapeDifferences(
  recorded: unknown,
  ours: unknown,
  path = '$'
): string[] {
  if (recorded === null) return []
  const type = (v: unknown): string =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
  if (type(recorded) !== type(ours))
    return [`${path}: recorded ${type(recorded)}, emulator ${type(ours)}`]
  if (Array.isArray(recorded) && Array.isArray(ours)) {
    if (recorded.length === 0 || ours.length === 0) return []
    return shapeDifferences(recorded[0], ours[0], `${path}[0]`)
  }
  if (
    typeof recorded === 'object' &&
    typeof ours === 'object' &&
    ours !== null
  ) {
    const out: string[] = []
    for (const [k, v] of Object.entries(recorded)) {
      if (!(k in ours)) out.push(`${path}.${k}: missing`)
      else
        out.push(
          ...shapeDifferences(
            v,
            (ours as Record<string, unknown>)[k],
            `${path}.${k}`
          )
        )
    }
    return out
  }
  return []
}

/*
 * The same comparison with more to say, for the Jenkins replay: paths that
 * are known hand edits of a recording can be allowed, an emulator array
 * that is empty where the recording has elements is a difference, and keys
 * only the emulator has are listed (as the recordings README asks: noted,
 * not failed).
 */

export type JsonType =
  'null' | 'string' | 'number' | 'boolean' | 'array' | 'object'

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  const t = typeof value
  if (t === 'string' || t === 'number' || t === 'boolean') return t
  return 'object'
}

export interface ShapeReport {
  /** Recorded keys missing or of another type (paths like `$.task.url`). */
  problems: string[]
  /** Keys only the emulator has. */
  extra: string[]
}

export function compareShape(
  recorded: unknown,
  actual: unknown,
  allowed: ReadonlySet<string> = new Set(),
  path = '$',
  report: ShapeReport = { problems: [], extra: [] }
): ShapeReport {
  if (allowed.has(path) || recorded === null) return report
  const want = jsonType(recorded)
  const got = jsonType(actual)
  if (want !== got) {
    report.problems.push(`${path}: recorded ${want}, emulator ${got}`)
    return report
  }
  if (want === 'array') {
    const [first] = recorded as unknown[]
    const [mine] = actual as unknown[]
    if (first !== undefined) {
      if (mine === undefined) {
        report.problems.push(`${path}: recorded elements, emulator none`)
      } else {
        compareShape(first, mine, allowed, `${path}[0]`, report)
      }
    }
  } else if (want === 'object') {
    const rec = recorded as Record<string, unknown>
    const act = actual as Record<string, unknown>
    for (const key of Object.keys(rec)) {
      const sub = `${path}.${key}`
      if (allowed.has(sub)) continue
      if (!(key in act)) report.problems.push(`${sub}: missing`)
      else compareShape(rec[key], act[key], allowed, sub, report)
    }
    for (const key of Object.keys(act)) {
      if (!(key in rec)) report.extra.push(`${path}.${key}`)
    }
  }
  return report
}

/** The value at a `$.a.b[0].c` path. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value
  for (const part of path.replace(/^\$\.?/, '').split(/\.|(?=\[)/)) {
    if (part === '') continue
    const index = /^\[(\d+)\]$/.exec(part)
    if (current === null || typeof current !== 'object') return undefined
    current =
      index === null
        ? (current as Record<string, unknown>)[part]
        : (current as unknown[])[Number(index[1])]
  }
  return current
}
