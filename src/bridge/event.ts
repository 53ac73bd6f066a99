/**
 * Jenkins build events as the bridge receives them: the Notification
 * plugin's payload (`{name, url, build: {phase, status, scm, …}}`, snake_case,
 * null fields omitted) and the compact JSON a pipeline sends with
 * `httpRequest` (`{job, number, phase, result, …}`), both normalised into one
 * {@link BuildEvent}. Unknown fields are ignored; wrong types are reported,
 * all at once, as an InputError the intake turns into a 400.
 */

import { plural } from '../core/format.js'
import { InputError, type Problem } from '../core/errors.js'
import {
  BUILD_RESULTS,
  type BuildResult,
  type TestSummary
} from '../notify/build-model.js'
import { isBuildResult } from '../jenkins/types.js'
import { FieldReader } from './field-reader.js'

export const EVENT_PHASES = [
  'QUEUED',
  'STARTED',
  'STAGE',
  'COMPLETED',
  'FINALIZED'
] as const
export type EventPhase = (typeof EVENT_PHASES)[number]

export interface BuildEvent {
  source: 'notification' | 'compact'
  /** Full job name with folders (`team/app`), from the job URL when given. */
  job: string
  number: number
  phase: EventPhase
  stage?: string
  result?: BuildResult
  /** Absolute build URL (`full_url`, or the compact `url`). */
  url?: string
  /** Build path relative to the Jenkins root (`job/team/job/app/42/`). */
  path?: string
  timestamp?: number
  durationMs?: number
  branch?: string
  sha?: string
  repo?: string
  repoUrl?: string
  parameters: Record<string, string>
  cause?: string
  notes?: string
  log?: string
  tests?: TestSummary
  culprits: string[]
}

/** Longest full job name (Jenkins' own are far shorter; names are matched and stored). */
const JOB_MAX = 1024

/** Payload text kept per event; the log keeps its *last* bytes. */
const LOG_MAX = 64 * 1024
const NOTES_MAX = 4096

/**
 * The identity used for de-duplication: COMPLETED and FINALIZED are one
 * (both carry the final result), so the plugin's pair relays once, and the
 * plugin's retry loop (which re-sends after a success) is recognised too.
 */
export function eventKey(
  e: Pick<BuildEvent, 'job' | 'number' | 'phase' | 'stage'>
): string {
  const phase =
    e.phase === 'COMPLETED' || e.phase === 'FINALIZED'
      ? 'final'
      : e.phase === 'STAGE'
        ? `stage:${e.stage ?? ''}`
        : e.phase.toLowerCase()
  return `${e.job}#${e.number}:${phase}`
}

/** `job/team/job/app/` or `…/job/team/job/app/42/` → `team/app`. */
export function jobFromUrl(url: string): string | undefined {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] ?? ''
  const segments = path.split('/').filter((s) => s !== '')
  const names: string[] = []
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i] === 'job') names.push(safeDecode(segments[i + 1] ?? ''))
  }
  return names.length === 0 ? undefined : names.join('/')
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** `origin/main` → `main`; `refs/heads/x` → `x`. */
export function cleanBranch(branch: string): string {
  return branch
    .replace(/^refs\/heads\//, '')
    .replace(/^(?:origin|upstream)\//, '')
}

/** Parses a request body (already JSON-parsed) into a BuildEvent. */
export function parseEvent(body: unknown): BuildEvent {
  const problems: Problem[] = []
  const root = new FieldReader(body, '', problems)
  if (!root.isObject()) {
    throw new InputError('the event must be a JSON object', {
      hint: 'send the Notification plugin payload or {"job","number","phase",…}'
    })
  }
  const event = root.has('build')
    ? notification(root, problems)
    : compact(root, problems)
  if (event !== undefined && event.job.length > JOB_MAX)
    problems.push({
      where: { path: 'job' },
      message: `the job name is ${event.job.length} characters long (at most ${JOB_MAX})`
    })
  if (problems.length > 0 || event === undefined) {
    throw new InputError(
      `the event has ${plural(problems.length, 'problem')}`,
      { problems }
    )
  }
  return event
}

function phaseOf(r: FieldReader, key: string): EventPhase | undefined {
  const raw = r.string(key, { required: true })?.toUpperCase()
  if (raw === undefined) return undefined
  // The plugin called its last phase FINISHED before it became FINALIZED.
  const phase = raw === 'FINISHED' ? 'FINALIZED' : raw
  if ((EVENT_PHASES as readonly string[]).includes(phase))
    return phase as EventPhase
  r.problem(
    key,
    `must be one of ${EVENT_PHASES.join(', ')}, got ${JSON.stringify(raw)}`
  )
  return undefined
}

function resultOf(r: FieldReader, key: string): BuildResult | undefined {
  const raw = r.string(key)?.toUpperCase()
  if (raw === undefined || raw === '') return undefined
  if (isBuildResult(raw)) return raw
  r.problem(
    key,
    `must be one of ${BUILD_RESULTS.join(', ')}, got ${JSON.stringify(raw)}`
  )
  return undefined
}

function testsOf(r: FieldReader | undefined): TestSummary | undefined {
  if (r === undefined) return undefined
  return {
    total: r.integer('total') ?? 0,
    failed: r.integer('failed') ?? 0,
    passed: r.integer('passed') ?? 0,
    skipped: r.integer('skipped') ?? 0,
    failedTests: (r.strings('failed_tests') ?? []).slice(0, 1000)
  }
}

function trimmed(e: BuildEvent): BuildEvent {
  if (e.log !== undefined && e.log.length > LOG_MAX)
    e.log = e.log.slice(-LOG_MAX)
  if (e.notes !== undefined && e.notes.length > NOTES_MAX)
    e.notes = e.notes.slice(0, NOTES_MAX)
  return e
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[])
    if (o[k] === undefined) Reflect.deleteProperty(o, k)
  return o
}

function notification(
  root: FieldReader,
  problems: Problem[]
): BuildEvent | undefined {
  const build = root.object('build', { required: true })
  if (build === undefined) return undefined
  const jobUrl = root.string('url')
  const job =
    (jobUrl === undefined ? undefined : jobFromUrl(jobUrl)) ??
    root.string('name')
  if (job === undefined || job === '') {
    problems.push({
      where: { path: 'name' },
      message: 'the job has no name or url'
    })
  }
  const number = build.integer('number', { required: true, min: 1 })
  const phase = phaseOf(build, 'phase')
  const scm = build.object('scm')
  const commit = scm?.string('commit')
  const branch = scm?.string('branch')
  // Every field is read (and every problem found) before giving up.
  const rest = {
    result: resultOf(build, 'status'),
    url: build.string('full_url'),
    path: build.string('url'),
    timestamp: build.integer('timestamp'),
    durationMs: build.integer('duration'),
    branch:
      branch === undefined || branch === '' ? undefined : cleanBranch(branch),
    sha: commit === undefined || commit === '' ? undefined : commit,
    repoUrl: scm?.string('url'),
    parameters: build.stringMap('parameters') ?? {},
    notes: build.string('notes'),
    log: build.string('log'),
    tests: testsOf(build.object('test_summary')),
    culprits: scm?.strings('culprits') ?? []
  }
  if (job === undefined || number === undefined || phase === undefined)
    return undefined
  return trimmed(
    defined({
      source: 'notification',
      job,
      number,
      phase,
      ...rest
    } satisfies BuildEvent)
  )
}

function compact(
  root: FieldReader,
  problems: Problem[]
): BuildEvent | undefined {
  const job = root.string('job', { required: true })
  const number = root.integer('number', {
    required: true,
    numericString: true,
    min: 1
  })
  const phase = phaseOf(root, 'phase')
  const stage = root.string('stage')
  if (phase === 'STAGE' && (stage === undefined || stage === '')) {
    problems.push({
      where: { path: 'stage' },
      message: 'a STAGE event needs "stage": the stage name'
    })
  }
  if (job === '')
    problems.push({ where: { path: 'job' }, message: 'must not be empty' })
  const branch = root.string('branch')
  const rest = {
    stage,
    result: resultOf(root, 'result'),
    url: root.string('url'),
    timestamp: root.integer('timestamp'),
    durationMs: root.integer('duration'),
    branch: branch === undefined ? undefined : cleanBranch(branch),
    sha: root.string('sha'),
    repo: root.string('repo'),
    parameters: root.stringMap('parameters') ?? {},
    cause: root.string('cause'),
    notes: root.string('notes'),
    log: root.string('log'),
    tests: testsOf(root.object('tests')),
    culprits: root.strings('culprits') ?? []
  }
  if (job === undefined || number === undefined || phase === undefined)
    return undefined
  return trimmed(
    defined({
      source: 'compact',
      job,
      number,
      phase,
      ...rest
    } satisfies BuildEvent)
  )
}
