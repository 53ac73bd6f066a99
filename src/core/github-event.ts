/**
 * The runner's event payload (GITHUB_EVENT_PATH), read leniently: outside
 * Actions, or when the file cannot be read, it is an empty event. Only the
 * fields stackci looks at are typed.
 */

import { readFileSync } from 'node:fs'
import type { Env } from './env.js'

interface RepoRef {
  sha?: string
  ref?: string
  repo?: { full_name?: string }
}

export interface GitHubEvent {
  pull_request?: { number?: number; head?: RepoRef; base?: RepoRef }
}

export function readGitHubEvent(env: Env): GitHubEvent {
  const path = env.GITHUB_EVENT_PATH
  if (path === undefined || path === '') return {}
  try {
    const event: unknown = JSON.parse(readFileSync(path, 'utf8'))
    return typeof event === 'object' && event !== null ? event : {}
  } catch {
    return {}
  }
}
