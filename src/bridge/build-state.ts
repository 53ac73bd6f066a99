/**
 * Folding events into a build's state, and a job's failure streak (pure).
 * Events may arrive twice, out of order, or not at all for some phase: the
 * phase only moves forward, the final result is never overwritten by a late
 * STARTED, and a build that finishes after a newer one does not move the
 * job's streak.
 */

import {
  isFailing,
  type BuildPhase,
  type BuildResult,
  type BuildSnapshot,
  type Streak
} from '../notify/build-model.js'
import { redactUrl } from '../core/secrets.js'
import type { BuildEvent } from './event.js'
import { jenkinsBuildUrl } from './jenkins-source.js'

const RANK: Record<BuildPhase, number> = { QUEUED: 0, STARTED: 1, COMPLETED: 2 }

/** The snapshot phase of an event phase. */
export function snapshotPhase(phase: BuildEvent['phase']): BuildPhase {
  if (phase === 'QUEUED') return 'QUEUED'
  if (phase === 'STARTED' || phase === 'STAGE') return 'STARTED'
  return 'COMPLETED'
}

/** A URL with each path segment decoded and re-encoded one way. */
function canonicalUrl(url: URL): string {
  const path = url.pathname
    .split('/')
    .map((seg) => {
      try {
        return encodeURIComponent(decodeURIComponent(seg))
      } catch {
        return seg
      }
    })
    .join('/')
  return `${url.origin}${path.replace(/\/?$/, '/')}`
}

/**
 * The build's URL. With JENKINS_URL it is JENKINS_URL + the job's path + the
 * number, and an event's own URL (absolute, or the plugin's relative one)
 * must be that URL: a different one is `refused`, never used — the bridge
 * links to and reads only the build the event names. Without JENKINS_URL
 * the event's absolute URL is taken as a link (nothing is fetched then).
 */
export function buildUrlOf(
  e: Pick<BuildEvent, 'job' | 'number' | 'url' | 'path'>,
  jenkinsUrl: string | undefined
): { url?: string; refused?: string } {
  if (jenkinsUrl === undefined)
    return e.url !== undefined && /^https?:\/\//.test(e.url)
      ? { url: e.url }
      : {}
  const url = jenkinsBuildUrl(jenkinsUrl, e)
  const expected = canonicalUrl(new URL(url))
  for (const given of [e.url, e.path]) {
    if (given === undefined || given === '') continue
    let actual: string
    try {
      actual = canonicalUrl(
        new URL(given.replace(/^\//, ''), jenkinsUrl.replace(/\/?$/, '/'))
      )
    } catch {
      actual = given
    }
    if (actual !== expected)
      return {
        url,
        refused: `its build URL ${redactUrl(given)} is not ${url} (JENKINS_URL + job + number)`
      }
  }
  return { url }
}

export interface Identity {
  sha?: string
  repo?: string
  branch?: string
}

/** Folds one event into the build's snapshot (undefined = first event). */
export function mergeEvent(
  prev: BuildSnapshot | undefined,
  e: BuildEvent,
  identity: Identity,
  jenkinsUrl?: string
): BuildSnapshot {
  const phase = snapshotPhase(e.phase)
  const advanced = prev === undefined || RANK[phase] >= RANK[prev.phase]
  const next: BuildSnapshot =
    prev === undefined
      ? { job: e.job, number: e.number, phase, culprits: [], parameters: {} }
      : {
          ...prev,
          culprits: [...prev.culprits],
          parameters: { ...prev.parameters }
        }
  if (advanced) next.phase = phase
  if (advanced && e.phase === 'STAGE' && e.stage !== undefined)
    next.stage = e.stage
  const { url } = buildUrlOf(e, jenkinsUrl)
  if (url !== undefined) next.url = url
  Object.assign(next.parameters, e.parameters)
  for (const c of e.culprits)
    if (!next.culprits.includes(c)) next.culprits.push(c)
  next.sha ??= identity.sha
  next.repo ??= identity.repo
  next.branch ??= identity.branch
  if (e.cause !== undefined) next.cause = e.cause
  if (e.notes !== undefined) next.notes = e.notes
  if (e.timestamp !== undefined) {
    if (e.phase === 'QUEUED') next.queuedAt ??= e.timestamp
    else if (e.phase === 'STARTED') next.startedAt ??= e.timestamp
  }
  if (phase === 'COMPLETED') {
    if (e.result !== undefined) next.result = e.result
    if (e.durationMs !== undefined && e.durationMs > 0)
      next.durationMs = e.durationMs
    if (e.tests !== undefined) next.tests = e.tests
    if (e.log !== undefined && e.log !== '') next.log = e.log
    // The plugin's COMPLETED timestamp is start + duration.
    if (e.timestamp !== undefined) {
      next.completedAt ??= e.timestamp
      if (next.startedAt === undefined && next.durationMs !== undefined)
        next.startedAt = e.timestamp - next.durationMs
    }
    delete next.stage
  }
  return next
}

/** What the Jenkins API says about a build (the authoritative state). */
export interface AuthoritativeBuild {
  building: boolean
  result?: BuildResult
  durationMs?: number
  timestamp?: number
  url?: string
  sha?: string
  parameters?: Record<string, string>
}

/** Applies a re-fetched build on top of the payload's view of it. */
export function applyAuthoritative(
  b: BuildSnapshot,
  a: AuthoritativeBuild
): BuildSnapshot {
  const next: BuildSnapshot = {
    ...b,
    parameters: { ...b.parameters, ...(a.parameters ?? {}) }
  }
  next.sha ??= a.sha
  if (a.timestamp !== undefined) next.startedAt ??= a.timestamp
  // `result` can be set while the build is still running (post-build steps):
  // only a finished build's result is final.
  if (!a.building && a.result !== undefined) {
    next.result = a.result
    if (a.durationMs !== undefined && a.durationMs > 0)
      next.durationMs = a.durationMs
  }
  return next
}

/** A job's run of results, as the bridge remembers it. */
export interface JobStreakState {
  /** The newest build number whose final result was seen. */
  lastNumber: number
  /** First build of the current failing streak, if failing. */
  failingSince?: number
  failedBuilds: number
}

/**
 * The streak a finished build makes. ABORTED and NOT_BUILT builds change
 * nothing (as in the Jenkins Slack plugin); an older build finishing after a
 * newer one is `none`.
 */
export function nextStreak(
  state: JobStreakState | undefined,
  number: number,
  result: BuildResult | undefined
): { state: JobStreakState; streak: Streak } {
  const base: JobStreakState = state ?? { lastNumber: 0, failedBuilds: 0 }
  if (state !== undefined && number <= state.lastNumber)
    return { state, streak: { kind: 'none' } }
  const moved = { ...base, lastNumber: number }
  if (result === undefined || result === 'ABORTED' || result === 'NOT_BUILT') {
    return { state: moved, streak: { kind: 'none' } }
  }
  if (isFailing(result)) {
    if (base.failingSince !== undefined) {
      const failedBuilds = base.failedBuilds + 1
      return {
        state: {
          lastNumber: number,
          failingSince: base.failingSince,
          failedBuilds
        },
        streak: {
          kind: 'still_failing',
          since: base.failingSince,
          failedBuilds
        }
      }
    }
    return {
      state: { lastNumber: number, failingSince: number, failedBuilds: 1 },
      streak: { kind: 'first_failure', since: number, failedBuilds: 1 }
    }
  }
  if (base.failingSince !== undefined) {
    return {
      state: { lastNumber: number, failedBuilds: 0 },
      streak: {
        kind: 'back_to_normal',
        since: base.failingSince,
        failedBuilds: base.failedBuilds
      }
    }
  }
  return {
    state: { lastNumber: number, failedBuilds: 0 },
    streak: { kind: 'success' }
  }
}
