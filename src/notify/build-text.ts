/**
 * Words and numbers shared by the Slack and GitHub builders, so a build reads
 * the same in a channel, a commit status and a check run.
 */

import type { BuildSnapshot, TestSummary } from './build-model.js'

/** `61234` → `1m 1s`; `500` → `0.5s`; `7384000` → `2h 3m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${(Math.max(ms, 0) / 1000).toFixed(1)}s`
  const total = Math.round(ms / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`
  return `${s}s`
}

/** The first 7 characters of a SHA, as git shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7)
}

/** `team/app #42`. */
export function buildTitle(b: BuildSnapshot): string {
  return `${b.job} #${b.number}`
}

/** The human status word (the Jenkins Slack plugin's, where it has one). */
export function statusWord(b: BuildSnapshot): string {
  if (b.phase === 'QUEUED') return 'Queued'
  if (b.phase === 'STARTED') return 'Running'
  switch (b.result) {
    case 'SUCCESS':
      return b.streak?.kind === 'back_to_normal' ? 'Back to normal' : 'Success'
    case 'FAILURE':
      return b.streak?.kind === 'still_failing' ? 'Still failing' : 'Failure'
    case 'UNSTABLE':
      return b.streak?.kind === 'still_failing' ? 'Still unstable' : 'Unstable'
    case 'ABORTED':
      return 'Aborted'
    case 'NOT_BUILT':
      return 'Not built'
    case undefined:
      return 'Finished'
  }
}

/** One emoji per state, for the message's first characters. */
export function statusEmoji(b: BuildSnapshot): string {
  if (b.phase === 'QUEUED') return '🕐'
  if (b.phase === 'STARTED') return '⏳'
  switch (b.result) {
    case 'SUCCESS':
      return '✅'
    case 'FAILURE':
      return '❌'
    case 'UNSTABLE':
      return '⚠️'
    case 'ABORTED':
      return '⏹️'
    default:
      return '⚪'
  }
}

/** `117 passed, 2 failed, 1 skipped` (only the non-zero parts, passed always). */
export function testsLine(t: TestSummary): string {
  const parts = [`${t.passed} passed`]
  if (t.failed > 0) parts.push(`${t.failed} failed`)
  if (t.skipped > 0) parts.push(`${t.skipped} skipped`)
  return parts.join(', ')
}

/** How long the build took, or has been running at `now`. */
export function elapsed(b: BuildSnapshot, now: number): number | undefined {
  if (b.durationMs !== undefined && b.phase === 'COMPLETED') return b.durationMs
  if (b.startedAt !== undefined && b.phase !== 'QUEUED')
    return Math.max(0, now - b.startedAt)
  return undefined
}

/** Cuts `text` to at most `max` characters, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`
}

/** Keeps the last `max` characters of `text`, starting on a whole line. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(text.length - max)
  const newline = cut.indexOf('\n')
  return newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut
}

/** The GitHub web URL of a commit. */
export function commitUrl(repo: string, sha: string): string {
  return `https://github.com/${repo}/commit/${sha}`
}
