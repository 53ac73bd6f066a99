/**
 * What the emulated Jenkins is made of: folders, jobs (freestyle or
 * Pipeline, parameters, a script for their builds), queue items and builds.
 */

import type { BuildResult } from '../../../src/jenkins/types.js'
import { BuildLog, consoleNote, type LogStep } from './log.js'

export type JobKind = 'freestyle' | 'pipeline'

export interface ParameterDef {
  name: string
  /** Boolean parameters export `true`/`false` as JSON booleans. */
  type?: 'string' | 'boolean'
  default?: string
  description?: string
}

export interface Change {
  commitId: string
  author: string
  message: string
  paths: string[]
}

/** What a build does, in emulated ms from its start. */
export interface BuildScript {
  durationMs: number
  result?: BuildResult
  /** When `result` is set; before `durationMs` models result-set-while-building. */
  resultAtMs?: number
  log?: LogStep[]
  /** The first line, when not "Started by user <who triggered>". */
  startedBy?: string
  artifacts?: string[]
  /** What `artifact/<relativePath>` serves (default: a line naming the file). */
  artifactContents?: Record<string, string>
  /** The JUnit results the build published (`testReport/api/json`). */
  testReport?: TestCase[]
  changes?: Change[]
}

/** One JUnit case as the JUnit plugin exports it. */
export interface TestCase {
  className: string
  name: string
  /** FIXED and REGRESSION are a pass and a failure that changed since the last build. */
  status: 'PASSED' | 'SKIPPED' | 'FAILED' | 'FIXED' | 'REGRESSION'
}

export interface JobConfig {
  kind?: JobKind
  parameters?: ParameterDef[]
  disabled?: boolean
  concurrent?: boolean
  script?:
    | BuildScript
    | ((params: Record<string, string>, number: number) => BuildScript)
  estimatedDurationMs?: number
  quietPeriodMs?: number
  description?: string
}

export class Folder {
  readonly children = new Map<string, Folder | Job>()
  constructor(readonly names: string[]) {}
}

export class Job {
  readonly builds: Build[] = []
  nextBuildNumber = 1
  /** While set, queued items of this job stay blocked with this reason. */
  blockedReason: string | undefined
  constructor(
    readonly names: string[],
    public config: JobConfig
  ) {}
  get name(): string {
    return this.names[this.names.length - 1] ?? ''
  }
  get fullName(): string {
    return this.names.join('/')
  }
  get kind(): JobKind {
    return this.config.kind ?? 'pipeline'
  }
  get parameterized(): boolean {
    return (this.config.parameters ?? []).length > 0
  }
}

export type ItemState = 'waiting' | 'blocked' | 'buildable' | 'left'

export class QueueItem {
  state: ItemState = 'waiting'
  why: string | null = null
  cancelled = false
  build: Build | undefined
  leftAt: number | undefined
  buildableSince: number | undefined
  constructor(
    readonly id: number,
    readonly job: Job,
    readonly params: [string, string][],
    readonly user: string,
    readonly inQueueSince: number,
    public due: number
  ) {}
}

export class Build {
  readonly log = new BuildLog()
  endAt: number
  result: BuildResult
  resultAt: number
  /** The executor was released in the simulation (end event processed). */
  finished = false
  constructor(
    readonly job: Job,
    readonly number: number,
    readonly item: QueueItem,
    readonly startedAt: number,
    readonly script: BuildScript
  ) {
    this.endAt = startedAt + script.durationMs
    this.result = script.result ?? 'SUCCESS'
    this.resultAt =
      startedAt +
      Math.min(script.resultAtMs ?? script.durationMs, script.durationMs)
    this.log.add(
      startedAt,
      script.startedBy ??
        `Started by user ${consoleNote(`/user/${item.user}`)}${item.user}\n`
    )
    for (const step of script.log ?? [])
      this.log.add(startedAt + step.at, step.text)
    this.log.add(this.endAt, `Finished: ${this.result}\n`)
  }
  building(now: number): boolean {
    return now < this.endAt
  }
  resultAtTime(now: number): BuildResult | null {
    return now >= this.resultAt ? this.result : null
  }
}
