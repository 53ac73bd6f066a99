/**
 * Globs for job, branch and repository names (`*` within a folder, `**`
 * across folders, `?`, `[abc]`, `{a,b}`), matched in time linear in the
 * name: the pattern becomes a small automaton that is run over the name
 * with a set of live states (Thompson's construction), never backtracking.
 * A regular expression with two `**` in it backtracks quadratically, and
 * names come from events: a 32 KB job name took 0.84 s per match.
 */

import { globToRegExp } from '../core/glob.js'

/** One step of a pattern. */
type Token =
  | { kind: 'char'; test: (c: string) => boolean }
  /** `*`: any run of characters but `/`. */
  | { kind: 'star' }
  /** A trailing `**`, or `**` not before a `/`: any run of characters. */
  | { kind: 'any' }
  /** `**` followed by `/`: nothing, or anything that ends with `/`. */
  | { kind: 'dirs' }

/** Patterns with more alternatives than this are refused (`{a,b}` multiplies). */
const MAX_ALTERNATIVES = 256

/** `{a,b}x{c,d}` → `axc`, `axd`, `bxc`, `bxd`. */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{')
  if (open === -1) return [pattern]
  const close = pattern.indexOf('}', open + 1)
  if (close === -1) return [pattern]
  const head = pattern.slice(0, open)
  const rest = expandBraces(pattern.slice(close + 1))
  const out: string[] = []
  for (const option of pattern.slice(open + 1, close).split(','))
    for (const tail of rest) out.push(`${head}${option}${tail}`)
  if (out.length > MAX_ALTERNATIVES)
    throw new Error(
      `the glob ${pattern} has over ${MAX_ALTERNATIVES} alternatives`
    )
  return out
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = []
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*' && pattern[i + 1] === '*') {
      if (pattern[i + 2] === '/') {
        tokens.push({ kind: 'dirs' })
        i += 2
      } else {
        tokens.push({ kind: 'any' })
        i += 1
      }
    } else if (ch === '*') tokens.push({ kind: 'star' })
    else if (ch === '?') tokens.push({ kind: 'char', test: (c) => c !== '/' })
    else if (ch === '[' && pattern.indexOf(']', i + 2) !== -1) {
      const end = pattern.indexOf(']', i + 2)
      const body = pattern.slice(i + 1, end)
      const negate = body.startsWith('!') || body.startsWith('^')
      const set = negate ? body.slice(1) : body
      const ranges: [string, string][] = []
      for (let j = 0; j < set.length; j++) {
        const a = set[j] as string
        if (set[j + 1] === '-' && j + 2 < set.length) {
          ranges.push([a, set[j + 2] as string])
          j += 2
        } else ranges.push([a, a])
      }
      tokens.push({
        kind: 'char',
        test: (c) => ranges.some(([lo, hi]) => c >= lo && c <= hi) !== negate
      })
      i = end
    } else tokens.push({ kind: 'char', test: (c) => c === ch })
  }
  return tokens
}

/**
 * States are token positions (0…n, n = matched), plus, for a `dirs` token
 * at i, state n+1+i: "inside it, waiting for the `/` that ends it".
 */
function matches(tokens: Token[], text: string): boolean {
  const n = tokens.length
  let live = new Set<number>()
  const add = (set: Set<number>, s: number): void => {
    if (set.has(s)) return
    set.add(s)
    // Tokens that can match nothing let the next one start here too.
    const t = tokens[s]
    if (t !== undefined && t.kind !== 'char') add(set, s + 1)
  }
  add(live, 0)
  for (const c of text) {
    const next = new Set<number>()
    for (const s of live) {
      if (s > n) {
        // Inside a folder name of a `dirs` token, until its `/`.
        if (c === '/') add(next, s - n - 1)
        else next.add(s)
        continue
      }
      const t = tokens[s]
      if (t === undefined) continue
      if (t.kind === 'char') {
        if (t.test(c)) add(next, s + 1)
      } else if (t.kind === 'star') {
        if (c !== '/') add(next, s)
      } else if (t.kind === 'any') add(next, s)
      else if (c === '/') add(next, s)
      else next.add(n + 1 + s)
    }
    if (next.size === 0) return false
    live = next
  }
  return live.has(n)
}

/** A compiled glob; `test` has RegExp's shape so either can be used. */
export interface Glob {
  readonly source: string
  test(text: string): boolean
}

/** Compiles a glob (with `/` separators) for whole-name matching. */
export function compileGlob(pattern: string): Glob {
  // Without `**`, and with at most one `*` per folder name, a glob's
  // regular expression cannot backtrack past a `/` nor between two stars:
  // it is linear, and faster than the automaton (most routes look so).
  if (pattern.split('/').every((seg) => (seg.match(/\*/g) ?? []).length <= 1))
    return globToRegExp(pattern)
  const alternatives = expandBraces(pattern).map(tokenize)
  return {
    source: pattern,
    test: (text) => alternatives.some((tokens) => matches(tokens, text))
  }
}
