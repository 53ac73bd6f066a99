/**
 * GitHub commit statuses and check runs for a Jenkins build (pure). States
 * follow the GitHub Branch Source plugin's convention (UNSTABLE and FAILURE
 * are `failure`, ABORTED is `error`); descriptions stay within GitHub's 140
 * characters and check-run texts within 65,535.
 */

import type { BuildResult, BuildSnapshot } from './build-model.js'
import {
  formatDuration,
  statusWord,
  tail,
  testsLine,
  truncate
} from './build-text.js'

export type CommitState = 'pending' | 'success' | 'failure' | 'error'

/** The body of `POST /repos/{owner}/{repo}/statuses/{sha}`. */
export interface CommitStatusContent {
  state: CommitState
  description: string
  context: string
  target_url?: string
}

/** GitHub rejects longer status descriptions with a 422. */
export const STATUS_DESCRIPTION_MAX = 140
/** GitHub rejects longer check-run summaries and texts with a 422. */
export const CHECK_TEXT_MAX = 65_535

const STATE: Record<BuildResult, CommitState> = {
  SUCCESS: 'success',
  UNSTABLE: 'failure',
  FAILURE: 'failure',
  ABORTED: 'error',
  NOT_BUILT: 'error'
}

/** Expands `{job}` and `{branch}` in a status context or check name. */
export function expandContext(template: string, b: BuildSnapshot): string {
  return template
    .replace(/\{job\}/g, b.job)
    .replace(/\{branch\}/g, b.branch ?? '')
}

function failedTests(b: BuildSnapshot): string {
  const t = b.tests
  return t !== undefined && t.failed > 0
    ? ` · ${t.failed} of ${t.total} tests failed`
    : ''
}

function describe(b: BuildSnapshot): string {
  const n = `Build #${b.number}`
  if (b.phase === 'QUEUED') return `${n} is queued`
  // No stage here: a status per stage would spend GitHub's budget on noise.
  if (b.phase === 'STARTED') return `${n} is running`
  const took =
    b.durationMs === undefined ? '' : ` ${formatDuration(b.durationMs)}`
  switch (b.result) {
    case 'SUCCESS':
      return `${n} passed${took === '' ? '' : ` in${took}`}${
        b.tests === undefined ? '' : ` · ${testsLine(b.tests)}`
      }`
    case 'FAILURE':
      return `${n} failed${took === '' ? '' : ` after${took}`}${failedTests(b)}`
    case 'UNSTABLE':
      return `${n} is unstable${took === '' ? '' : ` after${took}`}${failedTests(b)}`
    case 'ABORTED':
      return `${n} was aborted${took === '' ? '' : ` after${took}`}`
    case 'NOT_BUILT':
      return `${n} was not built`
    case undefined:
      return `${n} finished without a result`
  }
}

/** The commit status of a build in its current phase. */
export function buildCommitStatus(
  b: BuildSnapshot,
  context: string
): CommitStatusContent {
  const state: CommitState =
    b.phase !== 'COMPLETED'
      ? 'pending'
      : b.result === undefined
        ? 'error'
        : STATE[b.result]
  return {
    state,
    description: truncate(describe(b), STATUS_DESCRIPTION_MAX),
    context,
    ...(b.url === undefined ? {} : { target_url: b.url })
  }
}

export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out'

/** The body of a check-run create or update. */
export interface CheckRunContent {
  name: string
  head_sha: string
  external_id: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion?: CheckConclusion
  details_url?: string
  started_at?: string
  completed_at?: string
  output: { title: string; summary: string; text?: string }
}

export interface CheckRunOptions {
  /** UNSTABLE as `failure` (the default) or `neutral`: a team decision. */
  unstable?: 'failure' | 'neutral'
  logTail?: string
}

const CONCLUSION: Record<BuildResult, CheckConclusion> = {
  SUCCESS: 'success',
  UNSTABLE: 'failure',
  FAILURE: 'failure',
  ABORTED: 'cancelled',
  NOT_BUILT: 'skipped'
}

/** The external id that finds a build's check run again: `team/app#42`. */
export function checkExternalId(b: BuildSnapshot): string {
  return `${b.job}#${b.number}`
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString()
}

/** A check run for a build that has a SHA (the caller checks `b.sha`). */
export function buildCheckRun(
  b: BuildSnapshot,
  name: string,
  options: CheckRunOptions = {}
): CheckRunContent {
  const completed = b.phase === 'COMPLETED'
  const conclusion: CheckConclusion | undefined = !completed
    ? undefined
    : b.result === undefined
      ? 'neutral'
      : b.result === 'UNSTABLE'
        ? (options.unstable ?? 'failure')
        : CONCLUSION[b.result]
  const summary = [
    `**${statusWord(b)}**${
      b.durationMs !== undefined && completed
        ? ` after ${formatDuration(b.durationMs)}`
        : ''
    }${b.url === undefined ? '' : ` · [Jenkins #${b.number}](${b.url})`}`
  ]
  if (b.cause !== undefined) summary.push('', b.cause)
  const t = b.tests
  if (t !== undefined) {
    summary.push('', `Tests: ${testsLine(t)} (${t.total} in total)`)
    for (const test of t.failedTests.slice(0, 50)) summary.push(`- \`${test}\``)
    if (t.failedTests.length > 50)
      summary.push(`- … and ${t.failedTests.length - 50} more`)
  }
  const log = (options.logTail ?? '').trimEnd()
  const started = iso(b.startedAt)
  const finished = completed ? iso(b.completedAt) : undefined
  return {
    name,
    head_sha: b.sha ?? '',
    external_id: checkExternalId(b),
    status: completed
      ? 'completed'
      : b.phase === 'QUEUED'
        ? 'queued'
        : 'in_progress',
    ...(conclusion === undefined ? {} : { conclusion }),
    ...(b.url === undefined ? {} : { details_url: b.url }),
    ...(started === undefined ? {} : { started_at: started }),
    ...(finished === undefined ? {} : { completed_at: finished }),
    output: {
      title: truncate(`${b.job} #${b.number}: ${statusWord(b)}`, 255),
      summary: truncate(summary.join('\n'), CHECK_TEXT_MAX),
      ...(log === ''
        ? {}
        : { text: `\`\`\`\n${tail(log, CHECK_TEXT_MAX - 16)}\n\`\`\`` })
    }
  }
}
