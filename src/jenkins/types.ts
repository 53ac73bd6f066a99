/**
 * The narrow shapes stackci reads from Jenkins, with runtime checks. Jenkins
 * exports far more; we name only what we branch on, and tolerate the older
 * (1.x) documents that carry no `_class`.
 */

import { JenkinsError } from '../core/errors.js'

/** Build results, best to worst. `null` in Jenkins while undecided. */
export const BUILD_RESULTS = [
  'SUCCESS',
  'UNSTABLE',
  'FAILURE',
  'NOT_BUILT',
  'ABORTED'
] as const

export type BuildResult = (typeof BUILD_RESULTS)[number]

export function isBuildResult(value: unknown): value is BuildResult {
  return (BUILD_RESULTS as readonly unknown[]).includes(value)
}

/** A build as a queue item or a job list names it. */
export interface BuildRef {
  number: number
  /** Absolute, from Jenkins' configured root URL (may differ from ours). */
  url: string
}

/** Where a queue item is in its life. */
export type QueueState =
  'waiting' | 'blocked' | 'buildable' | 'left' | 'cancelled'

export interface QueueItem {
  id: number
  state: QueueState
  /** Why it is still queued ("In the quiet period…", "Build #9 is already in progress…"). */
  why: string | null
  stuck: boolean
  /** When a quiet period ends (Jenkins' clock, epoch ms), for waiting items. */
  timestamp?: number
  inQueueSince?: number
  /** The build, once the item has left the queue and the build exists. */
  executable?: BuildRef
}

export interface BuildInfo {
  number: number
  url: string
  /** The only completion signal: `building === false` (result may be set earlier). */
  building: boolean
  result: BuildResult | null
  /** ms; 0 while running. */
  duration: number
  /** ms; -1 when Jenkins has no estimate. */
  estimatedDuration: number
  /** Start time, epoch ms (Jenkins' clock). */
  timestamp: number
  displayName?: string
  fullDisplayName?: string
}

/** The `tree` we ask for: six fields instead of ~3 KB of build (protocols §4). */
export const BUILD_TREE =
  'number,url,building,inProgress,result,duration,estimatedDuration,timestamp,displayName,fullDisplayName'

export const QUEUE_TREE =
  'id,why,blocked,buildable,stuck,cancelled,timestamp,inQueueSince,executable[number,url]'

type Json = Record<string, unknown>

function invalid(url: string, field: string, value: unknown): never {
  throw new JenkinsError(
    `unexpected Jenkins answer from ${url}: field '${field}' is ${JSON.stringify(value)}`,
    {
      hint: 'is this URL a Jenkins server (and not a proxy or login page)?'
    }
  )
}

function object(value: unknown, url: string, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(url, field, value)
  }
  return value as Json
}

function integer(json: Json, key: string, url: string): number {
  const value = json[key]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return invalid(url, key, value)
  }
  return value
}

function optionalNumber(json: Json, key: string): number | undefined {
  const value = json[key]
  return typeof value === 'number' ? value : undefined
}

function optionalString(json: Json, key: string): string | undefined {
  const value = json[key]
  return typeof value === 'string' ? value : undefined
}

function buildRef(value: unknown, url: string): BuildRef | undefined {
  if (value === null || value === undefined) return undefined
  const json = object(value, url, 'executable')
  return {
    number: integer(json, 'number', url),
    url: optionalString(json, 'url') ?? ''
  }
}

/** Reads `/queue/item/<id>/api/json`, old (no `_class`) and new shapes. */
export function parseQueueItem(value: unknown, url: string): QueueItem {
  const json = object(value, url, '(document)')
  const cls = optionalString(json, '_class') ?? ''
  const executable = buildRef(json.executable, url)
  let state: QueueState
  if (json.cancelled === true) state = 'cancelled'
  else if (cls.endsWith('$LeftItem') || executable !== undefined) state = 'left'
  else if (json.blocked === true) state = 'blocked'
  else if (json.buildable === true) state = 'buildable'
  else state = 'waiting'
  const why = json.why
  const item: QueueItem = {
    id: integer(json, 'id', url),
    state,
    why: typeof why === 'string' ? why : null,
    stuck: json.stuck === true
  }
  const timestamp = optionalNumber(json, 'timestamp')
  if (timestamp !== undefined) item.timestamp = timestamp
  const since = optionalNumber(json, 'inQueueSince')
  if (since !== undefined) item.inQueueSince = since
  if (executable !== undefined) item.executable = executable
  return item
}

/** Reads a build's `api/json` (any `_class`). */
export function parseBuildInfo(value: unknown, url: string): BuildInfo {
  const json = object(value, url, '(document)')
  const result = json.result
  if (result !== null && result !== undefined && !isBuildResult(result)) {
    invalid(url, 'result', result)
  }
  if (typeof json.building !== 'boolean')
    invalid(url, 'building', json.building)
  // `inProgress` (2.369+) can stay true a moment after `building` turns false.
  const building = json.building || json.inProgress === true
  const info: BuildInfo = {
    number: integer(json, 'number', url),
    url: optionalString(json, 'url') ?? '',
    building,
    result: result ?? null,
    duration: optionalNumber(json, 'duration') ?? 0,
    estimatedDuration: optionalNumber(json, 'estimatedDuration') ?? -1,
    timestamp: optionalNumber(json, 'timestamp') ?? 0
  }
  const displayName = optionalString(json, 'displayName')
  if (displayName !== undefined) info.displayName = displayName
  const full = optionalString(json, 'fullDisplayName')
  if (full !== undefined) info.fullDisplayName = full
  return info
}

/** Reads `builds[number,url,queueId]` of a job document. */
export function parseBuildList(
  value: unknown,
  url: string
): (BuildRef & { queueId?: number })[] {
  const json = object(value, url, '(document)')
  const builds = json.builds
  if (!Array.isArray(builds)) return invalid(url, 'builds', builds)
  return builds.map((b: unknown) => {
    const entry = object(b, url, 'builds[]')
    const ref: BuildRef & { queueId?: number } = {
      number: integer(entry, 'number', url),
      url: optionalString(entry, 'url') ?? ''
    }
    const queueId = optionalNumber(entry, 'queueId')
    if (queueId !== undefined) ref.queueId = queueId
    return ref
  })
}
