/**
 * What the stack image knows of the project it is built for: the commit
 * checked out (and whether the work tree has changes), the project's name
 * (the image's name when there is no registry, and the label its leftovers
 * are pruned by).
 */

import { spawnSync } from 'node:child_process'
import { basename } from 'node:path'
import type { Reporter } from '../core/reporter.js'
import type { DockerEngine } from './client.js'

/** The project an image belongs to: its untagged leftovers are pruned by it. */
export const PROJECT_LABEL = 'stackci.project'

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : undefined
}

/** The commit checked out in `dir`, when it is a git work tree. */
export function gitHead(dir: string): string | undefined {
  const sha = git(dir, ['rev-parse', 'HEAD']) ?? ''
  return /^[0-9a-f]{40}$/.test(sha) ? sha : undefined
}

/** Whether tracked files in `dir`'s work tree have uncommitted changes. */
export function worktreeDirty(dir: string): boolean {
  return (
    (git(dir, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== ''
  )
}

/** The project's name: its git checkout's directory, else `baseDir`'s. */
export function projectName(baseDir: string): string {
  const top = git(baseDir, ['rev-parse', '--show-toplevel'])
  const name = basename(top === undefined || top === '' ? baseDir : top)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
  return name === '' ? 'stack' : name
}

/** Removes the untagged images earlier builds of `project` left. */
export async function pruneProjectLeftovers(
  engine: DockerEngine,
  project: string,
  reporter: Reporter
): Promise<number> {
  try {
    const pruned = await engine.docker.pruneImages({
      filters: { dangling: ['true'], label: [`${PROJECT_LABEL}=${project}`] }
    })
    // The engine sends null when it deleted nothing.
    const deleted = pruned.ImagesDeleted as unknown[] | null
    const n = deleted?.length ?? 0
    if (n > 0)
      reporter.info(
        `pruned ${n} untagged image layer(s) of earlier ${project} builds`
      )
    return n
  } catch (error) {
    // Housekeeping: a busy engine must not fail the build.
    reporter.warning(`could not prune old ${project} images: ${String(error)}`)
    return 0
  }
}
