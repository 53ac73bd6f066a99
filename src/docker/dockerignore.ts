/**
 * `.dockerignore` exactly as the docker CLI reads it (moby/patternmatcher and
 * its `ignorefile` reader): the same line rules, the same pattern → regular
 * expression translation with its `**` shortcuts, the same "last matching
 * pattern wins, parents' matches carry down" evaluation and the same error
 * on a malformed pattern. Bug-compatible on purpose: a context stackci sends
 * holds the files `docker build` would send, no more, no fewer.
 */

import { InputError } from '../core/errors.js'

/** Go's `path.Clean` (lexical: `a/./b/../c/` → `a/c`, `` → `.`). */
export function cleanPath(path: string): string {
  if (path === '') return '.'
  const rooted = path.startsWith('/')
  const out: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else if (!rooted) out.push('..')
      continue
    }
    out.push(part)
  }
  const joined = out.join('/')
  if (rooted) return `/${joined}`
  return joined === '' ? '.' : joined
}

/** A `.dockerignore` pattern with the line it came from. */
export interface IgnoreLine {
  pattern: string
  line: number
}

/**
 * The patterns of a `.dockerignore` (ignorefile.ReadAll): a UTF-8 BOM is
 * dropped, a line starting with `#` is a comment (only in column 1), lines
 * are trimmed, `!` is kept, each path is cleaned and a leading `/` dropped.
 */
export function parseDockerignore(text: string): IgnoreLine[] {
  const out: IgnoreLine[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  lines.forEach((raw, i) => {
    if (raw.startsWith('#')) return
    let pattern = raw.trim()
    if (pattern === '') return
    const invert = pattern.startsWith('!')
    if (invert) pattern = pattern.slice(1).trim()
    if (pattern.length > 0) {
      pattern = cleanPath(pattern)
      if (pattern.length > 1 && pattern.startsWith('/'))
        pattern = pattern.slice(1)
    }
    out.push({ pattern: invert ? `!${pattern}` : pattern, line: i + 1 })
  })
  return out
}

type MatchFn = (path: string) => boolean

/** One compiled pattern. */
export interface Pattern {
  /** The cleaned pattern, without its `!`. */
  readonly text: string
  /** True for a `!` exception (re-include). */
  readonly exclusion: boolean
  /** Path segments of the pattern (for the legacy one-parent matcher). */
  readonly dirs: number
  readonly match: MatchFn
}

/** Regexp specials that filepath.Match gives no meaning (escaped as-is). */
const ESCAPE = new Set(['.', '+', '(', ')', '|', '{', '}', '$'])
/** Go regexp letter escapes (`\d`, `\w`, `\A`, …) in JavaScript; others are errors in Go. */
const LETTER_ESCAPES: Readonly<Record<string, string>> = {
  d: '\\d',
  D: '\\D',
  s: '[\\t\\n\\f\\r ]',
  S: '[^\\t\\n\\f\\r ]',
  w: '\\w',
  W: '\\W',
  b: '\\b',
  B: '\\B',
  A: '^',
  z: '$',
  a: '\\x07',
  f: '\\f',
  t: '\\t',
  n: '\\n',
  r: '\\r',
  v: '\\v'
}
/** One rune that is not `/` (a surrogate pair counts as one, as in Go). */
const ONE_RUNE = '(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^/])'

function badPattern(text: string, why: string): InputError {
  return new InputError(
    `syntax error in .dockerignore pattern ${JSON.stringify(text)}: ${why}`,
    { hint: 'docker build rejects this pattern too; escape [ ] and \\ with \\' }
  )
}

/** The syntax check filepath.Match(pattern, ".") makes. */
function checkSyntax(p: string): void {
  for (let i = 0; i < p.length; i++) {
    const c = p[i]
    if (c === '\\') {
      if (++i >= p.length) throw badPattern(p, 'trailing backslash')
    } else if (c === '[') {
      i++
      if (p[i] === '^') i++
      let ranges = 0
      for (;;) {
        if (p[i] === ']' && ranges > 0) break
        i = classChar(p, i)
        if (p[i] === '-') i = classChar(p, i + 1)
        ranges++
      }
    }
  }
}

function classChar(p: string, i: number): number {
  const c = p[i]
  if (c === undefined || c === '-' || c === ']')
    throw badPattern(p, 'malformed character class')
  let j = i
  if (c === '\\') j++
  if (j >= p.length) throw badPattern(p, 'malformed character class')
  const cp = p.codePointAt(j) ?? 0
  j += cp > 0xffff ? 2 : 1
  if (j >= p.length) throw badPattern(p, 'unterminated character class')
  return j
}

/** Pattern → matcher, as patternmatcher's `compile` (and its shortcuts). */
function compile(text: string): MatchFn {
  let re = '^'
  let kind: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact'
  let inClass = false
  const chars = Array.from(text)
  for (let i = 0, token = 0; i < chars.length; token++) {
    const ch = chars[i++] as string
    if (ch === '*') {
      if (chars[i] === '*') {
        i++
        if (chars[i] === '/') i++
        if (i >= chars.length) {
          if (kind === 'exact') kind = 'prefix'
          else {
            re += '.*'
            kind = 'regexp'
          }
        } else {
          re += '(.*/)?'
          kind = 'regexp'
        }
        if (token === 0) kind = 'suffix'
      } else {
        re += '[^/]*'
        kind = 'regexp'
      }
    } else if (ch === '?') {
      // Go emits [^/] even inside a [...] class, where it nests oddly;
      // only outside one does "one rune" need the surrogate-pair form.
      re += inClass ? '[^/]' : ONE_RUNE
      kind = 'regexp'
    } else if (ESCAPE.has(ch)) {
      re += `\\${ch}`
    } else if (ch === '\\') {
      const next = chars[i++]
      if (next === undefined) {
        re += '\\\\'
      } else {
        kind = 'regexp'
        if (/[A-Za-z0-9]/.test(next)) {
          const letter = LETTER_ESCAPES[next]
          if (letter === undefined)
            throw badPattern(text, `invalid escape \\${next}`)
          re += letter
        } else {
          re += next.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
        }
      }
    } else if (ch === '[' || ch === ']') {
      inClass = ch === '['
      re += ch
      kind = 'regexp'
    } else {
      re += ch
    }
  }
  switch (kind) {
    case 'exact':
      return (path) => path === text
    case 'prefix': {
      const prefix = text.slice(0, -2)
      return (path) => path.startsWith(prefix)
    }
    case 'suffix': {
      const suffix = text.slice(2)
      // `**/foo` also matches `foo` itself.
      return (path) =>
        path.endsWith(suffix) ||
        (suffix.startsWith('/') && path === suffix.slice(1))
    }
    case 'regexp': {
      let regexp: RegExp
      try {
        regexp = new RegExp(`${re}$`)
      } catch (error) {
        throw badPattern(text, (error as Error).message)
      }
      return (path) => regexp.test(path)
    }
  }
}

/** Per-pattern results for a directory, handed down to its entries. */
export type MatchInfo = readonly boolean[]

/** A list of patterns, evaluated the way `docker build` walks a context. */
export class PatternMatcher {
  readonly patterns: readonly Pattern[]
  /** True when any pattern is a `!` exception. */
  readonly exclusions: boolean

  constructor(patterns: readonly string[]) {
    const out: Pattern[] = []
    for (const raw of patterns) {
      let p = raw.trim()
      if (p === '') continue
      p = cleanPath(p)
      const exclusion = p.startsWith('!')
      if (exclusion) {
        if (p.length === 1)
          throw new InputError('illegal exclusion pattern: "!"', {
            hint: 'a ! must be followed by the path to re-include'
          })
        p = p.slice(1)
      }
      checkSyntax(p)
      out.push({
        text: p,
        exclusion,
        dirs: p.split('/').length,
        match: compile(p)
      })
    }
    this.patterns = out
    this.exclusions = out.some((p) => p.exclusion)
  }

  /**
   * Is `path` (slash-separated, relative) excluded, given its parent
   * directory's {@link MatchInfo}? Mirrors MatchesUsingParentResults: a
   * pattern that matched the parent matches the child; a pattern is only
   * tried when it could flip the current answer; the last match wins.
   */
  match(
    path: string,
    parent?: MatchInfo
  ): { excluded: boolean; info: MatchInfo } {
    let excluded = false
    const info: boolean[] = []
    const parents =
      parent === undefined || parent.length === 0 ? undefined : parent
    for (const [i, pattern] of this.patterns.entries()) {
      let match = parents?.[i] ?? false
      if (!match) {
        if (pattern.exclusion !== excluded) {
          info.push(false)
          continue
        }
        match = pattern.match(path)
        if (!match && parents === undefined)
          match = matchesAParent(pattern, path)
      }
      info.push(match)
      if (match) excluded = !pattern.exclusion
    }
    return { excluded, info }
  }

  /**
   * The deprecated `Matches` the CLI still uses to decide whether the
   * Dockerfile and .dockerignore need re-including: it tries only the parent
   * directory as deep as the pattern has segments.
   */
  legacyMatch(path: string): boolean {
    let matched = false
    const parentDirs = path.split('/').slice(0, -1)
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue
      let match = pattern.match(path)
      if (!match && parentDirs.length > 0 && pattern.dirs <= parentDirs.length)
        match = pattern.match(parentDirs.slice(0, pattern.dirs).join('/'))
      if (match) matched = !pattern.exclusion
    }
    return matched
  }

  /**
   * Whether an excluded directory must still be walked: only when an
   * exception pattern literally starts with its path (`!dir/keep.txt`), as
   * the docker CLI decides; `!**\/keep.txt` does not reopen `dir/`.
   */
  mustDescend(dir: string): boolean {
    if (!this.exclusions) return false
    const slashed = `${dir}/`
    return this.patterns.some(
      (p) => p.exclusion && `${p.text}/`.startsWith(slashed)
    )
  }
}

function matchesAParent(pattern: Pattern, path: string): boolean {
  const dirs = path.split('/').slice(0, -1)
  for (let i = 1; i <= dirs.length; i++) {
    if (pattern.match(dirs.slice(0, i).join('/'))) return true
  }
  return false
}
