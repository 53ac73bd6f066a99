/**
 * What promotion does to each tag, in words: the step's summary says it
 * without loading the registry code.
 */

export interface TagMove {
  tag: string
  /** The digest the tag had in the registry before, if any. */
  before?: string
  /** The digest it has now (pushed), if pushed. */
  after?: string
}

/** `w_latest: sha256:aaa… → sha256:bbb…` and friends. */
export function describeMove(move: TagMove): string {
  const short = (d: string): string => d.replace(/^sha256:/, '').slice(0, 12)
  if (move.after === undefined)
    return move.before === undefined
      ? `${move.tag}: not written (would be new)`
      : `${move.tag}: not written (stays at ${short(move.before)})`
  if (move.before === undefined)
    return `${move.tag}: new → ${short(move.after)}`
  if (move.before === move.after)
    return `${move.tag}: unchanged (${short(move.after)})`
  return `${move.tag}: moved ${short(move.before)} → ${short(move.after)}`
}
