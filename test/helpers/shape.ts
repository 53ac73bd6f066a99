/**
 * Shape comparison for replaying recorded responses (shared/fixtures/
 * recorded/README.md): every key of the recording must exist in the
 * emulator's answer with the same JSON type; a recorded `null` accepts any
 * type; arrays compare their first elements; extra keys are only noted.
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
