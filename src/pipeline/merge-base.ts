/**
 * Where a pull request (or a local branch) left main: its merge base, and
 * the instant from which main's history no longer counts for it. Main's
 * runs of a commit happen after the commit, so the cutoff is the commit
 * time of main's next commit after the merge base (none: main has not moved,
 * and its newest points count).
 */

import { spawnSync } from 'node:child_process'

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' })
  const out = r.status === 0 ? r.stdout.trim() : ''
  return out === '' ? undefined : out
}

export interface MergeBase {
  /** The merge base, abbreviated. */
  commit: string
  /** Epoch ms: main's points before it are the baseline (undefined: all). */
  before?: number
}

/**
 * The merge base of `head` (default HEAD) with `base` (tried as
 * `origin/<base>`, then `<base>`), or undefined outside a git checkout or
 * when the base is not fetched.
 */
export function mergeBaseOf(
  dir: string,
  base: string,
  head = 'HEAD'
): MergeBase | undefined {
  const ref = [`origin/${base}`, base].find(
    (r) =>
      git(dir, ['rev-parse', '--verify', '--quiet', `${r}^{commit}`]) !==
      undefined
  )
  if (ref === undefined) return undefined
  const commit = git(dir, ['merge-base', head, ref])
  if (commit === undefined) return undefined
  const short = commit.slice(0, 7)
  const next = git(dir, [
    'rev-list',
    '--ancestry-path',
    '--reverse',
    `${commit}..${ref}`
  ])?.split('\n')[0]
  if (next === undefined) return { commit: short }
  const seconds = Number(git(dir, ['show', '-s', '--format=%ct', next]))
  return Number.isFinite(seconds)
    ? { commit: short, before: seconds * 1000 }
    : { commit: short }
}
