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
