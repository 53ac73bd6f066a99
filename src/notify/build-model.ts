/**
 * What the notification builders know about a Jenkins build: one merged,
 * source-neutral snapshot (the bridge folds Notification-plugin payloads,
 * compact pipeline JSON and re-fetched build JSON into it).
 */

import type { BuildResult } from '../jenkins/types.js'

/** Jenkins `Result` strings, best to worst (the client's own list). */
export { BUILD_RESULTS, type BuildResult } from '../jenkins/types.js'

/**
 * Where a build is. The plugin's COMPLETED and FINALIZED are one phase here:
 * both carry the final result, and relaying both is the duplicate-message bug
 * of slack-plugin#681.
 */
export type BuildPhase = 'QUEUED' | 'STARTED' | 'COMPLETED'

/**
 * The build's place in its job's run of results (the Jenkins Slack plugin's
 * vocabulary): `none` when nothing changed or the order is unknown.
 */
export type StreakKind =
  'success' | 'back_to_normal' | 'first_failure' | 'still_failing' | 'none'

export interface Streak {
  kind: StreakKind
  /** For a failing streak or a recovery: the first failing build's number. */
  since?: number
  /** How many failing builds the streak has had (this one included). */
  failedBuilds?: number
}

export interface TestSummary {
  total: number
  failed: number
  passed: number
  skipped: number
  failedTests: string[]
}

export interface BuildSnapshot {
  /** Full job name, folders included: `release/weekly-release`. */
  job: string
  number: number
  phase: BuildPhase
  /** The pipeline stage last reported (compact events only). */
  stage?: string
  result?: BuildResult
  /** Absolute build URL, when known. */
  url?: string
  branch?: string
  /** The commit built (40 hex). */
  sha?: string
  /** `owner/repo` on GitHub, when known. */
  repo?: string
  /** "Started by user alice", "Started by timer", … */
  cause?: string
  culprits: string[]
  parameters: Record<string, string>
  queuedAt?: number
  startedAt?: number
  completedAt?: number
  durationMs?: number
  tests?: TestSummary
  notes?: string
  /** Log tail as sent in the payload (the plugin's `loglines`). */
  log?: string
  streak?: Streak
}

/** True for results that start or continue a failing streak. */
export function isFailing(result: BuildResult | undefined): boolean {
  return result === 'FAILURE' || result === 'UNSTABLE'
}
