/**
 * Changed-lines mode: which lines of which files a pull request added or
 * modified, from `git diff --unified=0 base...head` (the three dots diff
 * against the merge base, so commits that landed on the base branch since
 * the PR branched are not the PR's), and the filter that keeps only the
 * findings on those lines.
 */

import { InputError } from '../core/errors.js'
import type { Finding } from './finding.js'
import { nodeChildProcess } from '../core/builtins.js'

/** New-side line ranges `[first, last]` per file (paths relative to the root). */
export type ChangedLines = Map<string, [number, number][]>

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/

/** Unquotes git's C-style quoted paths (`"a/q\"uote.py"`, octal UTF-8 bytes). */
export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"')) return text
  const bytes: number[] = []
  const body = text.slice(1, -1)
  const simple: Record<string, number> = {
    n: 10,
    t: 9,
    r: 13,
    '"': 34,
    '\\': 92,
    a: 7,
    b: 8,
    f: 12,
    v: 11
  }
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'))
      continue
    }
    const next = body[i + 1] ?? ''
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8))
      i += 3
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0))
      i += 1
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/** The range of a file the pull request added: all of it, wherever a finding lands. */
export const WHOLE_FILE: [number, number] = [1, Number.MAX_SAFE_INTEGER]

/**
 * Parses a zero-context unified diff into the added/modified lines of each
 * file. A file the diff adds is new in every line (even past its end, where
 * parsers put "unexpected end of file"). Deleted files and pure deletions
 * add nothing.
 */
export function parseUnifiedDiff(diff: string): ChangedLines {
  const changed: ChangedLines = new Map()
  const added = new Set<string>()
  let file: string | undefined
  let inHeader = false
  let fromNothing = false
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      inHeader = true
      file = undefined
      fromNothing = false
    } else if (inHeader && line.startsWith('--- ')) {
      fromNothing = line === '--- /dev/null'
    } else if (inHeader && line.startsWith('+++ ')) {
      // git ends the name with a tab when it holds a space.
      const name = unquoteGitPath(line.slice(4).replace(/\t$/, ''))
      file = name === '/dev/null' ? undefined : name.replace(/^b\//, '')
      if (file !== undefined && fromNothing) added.add(file)
    } else if (line.startsWith('@@ ')) {
      inHeader = false
      const m = HUNK.exec(line)
      if (m === null || file === undefined) continue
      const start = Number(m[1])
      const count = m[2] === undefined ? 1 : Number(m[2])
      if (count === 0) continue
      const ranges = changed.get(file)
      const range: [number, number] = [start, start + count - 1]
      if (ranges === undefined) changed.set(file, [range])
      else ranges.push(range)
    }
  }
  for (const f of added) changed.set(f, [WHOLE_FILE])
  return changed
}

/**
 * Codes that speak for the whole file: a file that no longer parses (or
 * cannot be read) is the pull request's doing when it changed the file, even
 * when the parser stops on a line further down (an unclosed bracket, an
 * unterminated quote).
 */
export const WHOLE_FILE_CODES: ReadonlySet<string> = new Set([
  'E902',
  'E999',
  'yaml-syntax'
])

/** Is `line` of `file` among the changed lines? Line 0 (whole file) counts when the file changed. */
export function isChanged(
  changed: ChangedLines,
  file: string,
  line: number
): boolean {
  const ranges = changed.get(file)
  if (ranges === undefined) return false
  if (line < 1) return true
  return ranges.some(([a, b]) => line >= a && line <= b)
}

/** The findings on changed lines (and whole-file findings of changed files). */
export function filterChanged(
  findings: readonly Finding[],
  changed: ChangedLines
): Finding[] {
  return findings.filter((f) =>
    f.code !== undefined && WHOLE_FILE_CODES.has(f.code)
      ? isChanged(changed, f.file, 0)
      : isChanged(changed, f.file, f.line)
  )
}

const GIT_TIMEOUT_MS = 120_000

/** Runs git in `cwd`; rejects with git's own message. */
export async function git(
  cwd: string,
  args: readonly string[]
): Promise<string> {
  return new Promise((resolve, reject) => {
    nodeChildProcess().execFile(
      'git',
      [...args],
      {
        cwd,
        timeout: GIT_TIMEOUT_MS,
        maxBuffer: 512 * 1024 * 1024,
        encoding: 'utf8'
      },
      (error, stdout, stderr) => {
        if (error === null) resolve(stdout)
        else {
          const detail = stderr.trim() || error.message
          reject(
            Object.assign(new Error(detail), {
              code: (error as NodeJS.ErrnoException).code
            })
          )
        }
      }
    )
  })
}

/**
 * The lines `head` changed since it branched from `base`, with paths relative
 * to `root` (which may be a subdirectory of the repository).
 */
export async function changedLines(
  root: string,
  base: string,
  head = 'HEAD'
): Promise<ChangedLines> {
  for (const [what, ref] of [
    ['base', base],
    ['head', head]
  ] as const) {
    try {
      await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new InputError('only-changed needs git, and git is not installed')
      }
      throw new InputError(
        `only-changed: the ${what} ${JSON.stringify(ref)} is not a commit in ${root}`,
        {
          hint:
            what === 'base'
              ? 'fetch the base branch first (actions/checkout with fetch-depth: 0, or git fetch origin BRANCH) and pass base-ref as origin/BRANCH or a SHA'
              : 'run inside a git checkout of the pull request'
        }
      )
    }
  }
  let diff: string
  try {
    diff = await git(root, [
      '-c',
      'core.quotePath=false',
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--find-renames',
      '--unified=0',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      '--relative',
      `${base}...${head}`,
      '--'
    ])
  } catch (error) {
    const message = (error as Error).message
    throw new InputError(
      `only-changed: git cannot diff ${base}...${head}: ${message}`,
      {
        hint: /merge base/i.test(message)
          ? 'the history is too shallow to find where the branch started: use actions/checkout with fetch-depth: 0'
          : 'check base-ref names a commit of this repository'
      }
    )
  }
  return parseUnifiedDiff(diff)
}
