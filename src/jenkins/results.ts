/**
 * What a finished (or abandoned) Jenkins build means for the step: which
 * results fail it (`fail-on`), the one-line job summary, the log line.
 */

import { InputError } from '../core/errors.js'
import { formatMs } from '../core/format.js'
import { BUILD_RESULTS, isBuildResult, type BuildResult } from './types.js'

/** Results that fail the step unless told otherwise. UNSTABLE passes. */
export const DEFAULT_FAIL_ON: readonly BuildResult[] = [
  'FAILURE',
  'ABORTED',
  'NOT_BUILT'
]

/** Reads a `fail-on` list (any case); `what` names the flag or input. */
export function parseFailOn(
  words: readonly string[],
  what: string
): ReadonlySet<BuildResult> {
  if (words.length === 0) return new Set(DEFAULT_FAIL_ON)
  const out = new Set<BuildResult>()
  for (const word of words) {
    const upper = word.trim().toUpperCase().replace(/[- ]/g, '_')
    if (!isBuildResult(upper)) {
      throw new InputError(
        `${what} must list Jenkins results (${BUILD_RESULTS.join(', ')}), got ${JSON.stringify(word)}`
      )
    }
    out.add(upper)
  }
  return out
}

/** Everything the doors report about one run of the step. */
export interface JenkinsBuildOutcome {
  /** `folder/job`. */
  job: string
  queueId: number
  /** The queue item's URL, as Jenkins sent it in `Location`. */
  queueUrl: string
  /** An identical request was already queued; ours was merged into it. */
  coalesced: boolean
  buildNumber?: number
  /** The build page, as Jenkins names it. */
  buildUrl?: string
  result?: BuildResult
  durationMs?: number
  /** The step should fail (a `fail-on` result, a timeout, a cancelled item). */
  failed: boolean
  /** Why, in one line. */
  message: string
}

const ICONS: Record<BuildResult, string> = {
  SUCCESS: '✅',
  UNSTABLE: '⚠️',
  FAILURE: '❌',
  NOT_BUILT: '⏭️',
  ABORTED: '⏹️'
}

/** The job summary line: result, build link, duration, console link. */
export function summaryLine(outcome: JenkinsBuildOutcome): string {
  const job = `Jenkins **${escapeMarkdown(outcome.job)}**`
  const queue = `[queue item ${outcome.queueId}](${outcome.queueUrl})`
  if (outcome.buildNumber === undefined || outcome.buildUrl === undefined) {
    const state = outcome.failed ? '❌' : '⏳'
    return `${state} ${job} ${queue}: ${escapeMarkdown(outcome.message)}`
  }
  const build = `[#${outcome.buildNumber}](${outcome.buildUrl})`
  const result = outcome.result ?? 'no result'
  const icon =
    outcome.result === undefined
      ? outcome.failed
        ? '❌'
        : '⏳'
      : ICONS[outcome.result]
  const took =
    outcome.durationMs === undefined || outcome.durationMs <= 0
      ? ''
      : ` in ${formatMs(outcome.durationMs)}`
  const tail =
    outcome.result === undefined ? `: ${escapeMarkdown(outcome.message)}` : ''
  return `${icon} ${job} ${build} **${result}**${took}${tail} · [console](${outcome.buildUrl}console) · ${queue}`
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1')
}
