/**
 * File globs (`**`, `*`, `?`, `[abc]`, `{a,b}`) relative to a base
 * directory, for action inputs and config fields that name files.
 */

import { readdir } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'

/** Compiles a glob (with `/` separators) to an anchored RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` anything.
        if (pattern[i + 2] === '/') {
          re += '(?:[^/]*(?:/|$))*'
          i += 2
        } else {
          re += '.*'
          i += 1
        }
      } else re += '[^/]*'
    } else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end === -1) re += '\\['
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')
        re += `[${body}]`
        i = end
      }
    } else if (ch === '{') {
      const end = pattern.indexOf('}', i + 1)
      if (end === -1) re += '\\{'
      else {
        const options = pattern
          .slice(i + 1, end)
          .split(',')
          .map((o) => globToRegExp(o).source.slice(1, -1))
        re += `(?:${options.join('|')})`
        i = end
      }
    } else re += ch.replace(/[.+^$()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** The directory part of a pattern before its first wildcard. */
function staticPrefix(pattern: string): string {
  const parts = pattern.split('/')
  const fixed: string[] = []
  for (const part of parts.slice(0, -1)) {
    if (/[*?[{]/.test(part)) break
    fixed.push(part)
  }
  return fixed.join('/')
}

async function walk(base: string, rel: string, out: string[]): Promise<void> {
  let entries
  try {
    entries = await readdir(join(base, rel), { withFileTypes: true })
  } catch {
    return
  }
  for (const e of entries) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`
    if (e.isDirectory()) await walk(base, child, out)
    else out.push(child)
  }
}

/**
 * Files matching any of `patterns`, as absolute paths, sorted and unique.
 * Relative patterns are resolved against `base`; absolute ones stand alone.
 */
export async function expandGlobs(
  base: string,
  patterns: readonly string[]
): Promise<string[]> {
  const found = new Set<string>()
  for (const raw of patterns) {
    const absolute = isAbsolute(raw)
    const root = absolute ? '/' : base
    const pattern = raw
      .replace(/\\/g, '/')
      .replace(/^\.\//, '')
      .replace(/^\/+/, '')
    const prefix = staticPrefix(pattern)
    const files: string[] = []
    await walk(root, prefix, files)
    const re = globToRegExp(pattern)
    for (const f of files) if (re.test(f)) found.add(resolve(root, f))
  }
  return [...found].sort()
}

/** A path for messages: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path)
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel
}
