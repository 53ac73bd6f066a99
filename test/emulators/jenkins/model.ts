/**
 * The emulator's Jenkins: folders and jobs, the queue (quiet period, blocked,
 * buildable, left, cancelled, forgotten after a TTL), executors, and builds
 * whose log, result and end follow a script in emulated time. State advances
 * lazily: every request first replays the events (quiet periods ending,
 * builds finishing, executors freeing) up to "now", in time order.
 */

import type { ScaledClock } from './clock.js'
import { Build, Folder, Job, QueueItem, type JobConfig } from './entities.js'

export * from './entities.js'

export interface ModelOptions {
  executors: number
  quietPeriodMs: number
  leftItemTtlMs: number
}

export class JenkinsModel {
  readonly root = new Folder([])
  readonly items = new Map<number, QueueItem>()
  /** Every build of every job, in start order. */
  readonly builds: Build[] = []
  #nextQueueId = 1

  constructor(
    readonly clock: ScaledClock,
    public options: ModelOptions
  ) {}

  addJob(path: string, config: JobConfig = {}): Job {
    const names = path.split('/')
    let folder = this.root
    for (let i = 0; i < names.length - 1; i++) {
      const name = names[i] ?? ''
      let next = folder.children.get(name)
      if (next === undefined) {
        next = new Folder(names.slice(0, i + 1))
        folder.children.set(name, next)
      }
      if (!(next instanceof Folder))
        throw new Error(`${name} is a job, not a folder`)
      folder = next
    }
    const job = new Job(names, config)
    folder.children.set(names[names.length - 1] ?? '', job)
    return job
  }

  find(names: string[]): Folder | Job | undefined {
    let node: Folder | Job = this.root
    for (const name of names) {
      if (!(node instanceof Folder)) return undefined
      const next: Folder | Job | undefined = node.children.get(name)
      if (next === undefined) return undefined
      node = next
    }
    return node
  }

  /** Jenkins' effective parameters: defaults filled in, unknown names dropped. */
  effectiveParams(job: Job, given: Map<string, string>): [string, string][] {
    return (job.config.parameters ?? []).map((p) => [
      p.name,
      given.get(p.name) ?? p.default ?? ''
    ])
  }

  /** Queues a build, or merges into an equal pending item (returned with `coalesced`). */
  trigger(
    job: Job,
    params: [string, string][],
    user: string,
    delayMs?: number
  ): { item: QueueItem; coalesced: boolean } {
    this.advance()
    const now = this.clock.now()
    const due =
      now + (delayMs ?? job.config.quietPeriodMs ?? this.options.quietPeriodMs)
    const key = JSON.stringify(params)
    for (const item of this.items.values()) {
      if (
        item.job === job &&
        item.state !== 'left' &&
        JSON.stringify(item.params) === key
      ) {
        if (item.state === 'waiting') item.due = Math.min(item.due, due)
        return { item, coalesced: true }
      }
    }
    const item = new QueueItem(this.#nextQueueId++, job, params, user, now, due)
    this.items.set(item.id, item)
    this.advance()
    return { item, coalesced: false }
  }

  /** The item, unless Jenkins has forgotten it (left the queue over the TTL ago). */
  queueItem(id: number): QueueItem | undefined {
    this.advance()
    const item = this.items.get(id)
    if (
      item?.leftAt !== undefined &&
      this.clock.now() - item.leftAt > this.options.leftItemTtlMs
    ) {
      this.items.delete(id)
      return undefined
    }
    return item
  }

  cancel(id: number): boolean {
    const item = this.queueItem(id)
    if (item === undefined || item.state === 'left') return false
    item.cancelled = true
    item.state = 'left'
    item.why = null
    item.leftAt = this.clock.now()
    this.advance()
    return true
  }

  /** Stops a running build now: ABORTED, log cut, "Finished: ABORTED". */
  stop(build: Build, how: 'stop' | 'term' | 'kill', user: string): void {
    this.advance()
    const now = this.clock.now()
    if (!build.building(now)) return
    build.log.truncate(now)
    build.log.add(
      now,
      `${how === 'kill' ? 'Hard kill!\n' : ''}Aborted by ${user}\nFinished: ABORTED\n`
    )
    build.endAt = now
    build.result = 'ABORTED'
    build.resultAt = now
    this.advance()
  }

  estimatedDuration(job: Job): number {
    if (job.config.estimatedDurationMs !== undefined)
      return job.config.estimatedDurationMs
    const now = this.clock.now()
    const done = job.builds
      .filter(
        (b) =>
          !b.building(now) &&
          (b.result === 'SUCCESS' || b.result === 'UNSTABLE')
      )
      .slice(-3)
    if (done.length === 0) return -1
    return Math.round(
      done.reduce((s, b) => s + (b.endAt - b.startedAt), 0) / done.length
    )
  }

  running(): Build[] {
    return this.builds.filter((b) => !b.finished)
  }

  /** Replays every event up to now, in time order. */
  advance(): void {
    const now = this.clock.now()
    for (;;) {
      let t = Infinity
      for (const item of this.items.values()) {
        if (item.state === 'waiting' && item.due <= now)
          t = Math.min(t, item.due)
      }
      for (const b of this.running())
        if (b.endAt <= now) t = Math.min(t, b.endAt)
      if (t === Infinity) break
      for (const b of this.running()) if (b.endAt <= t) b.finished = true
      for (const item of this.items.values()) {
        if (item.state === 'waiting' && item.due <= t) item.state = 'buildable'
      }
      this.#schedule(t)
    }
    this.#schedule(now)
  }

  #schedule(t: number): void {
    let busy = this.running().length
    const queued = [...this.items.values()]
      .filter((i) => i.state === 'buildable' || i.state === 'blocked')
      .sort((a, b) => a.id - b.id)
    for (const item of queued) {
      const job = item.job
      const current = this.running().find((b) => b.job === job)
      if (
        job.blockedReason !== undefined ||
        (job.config.concurrent !== true && current !== undefined)
      ) {
        item.state = 'blocked'
        item.why =
          job.blockedReason ??
          `Build #${current?.number ?? 0} is already in progress (ETA: ${eta(current, t, this.estimatedDuration(job))})`
        item.buildableSince ??= t
      } else if (busy < this.options.executors) {
        busy++
        this.#start(item, t)
      } else {
        item.state = 'buildable'
        item.why = 'Waiting for next available executor'
        item.buildableSince ??= t
      }
    }
  }

  #start(item: QueueItem, t: number): void {
    const job = item.job
    const number = job.nextBuildNumber++
    const script =
      typeof job.config.script === 'function'
        ? job.config.script(Object.fromEntries(item.params), number)
        : (job.config.script ?? { durationMs: 10_000 })
    const build = new Build(job, number, item, t, script)
    job.builds.push(build)
    this.builds.push(build)
    item.build = build
    item.state = 'left'
    item.why = null
    item.leftAt = t
  }
}

function eta(build: Build | undefined, now: number, estimate: number): string {
  if (build === undefined || estimate <= 0) return 'N/A'
  const left = Math.max(
    0,
    Math.round((build.startedAt + estimate - now) / 1000)
  )
  return left < 60
    ? `${left} sec`
    : `${Math.floor(left / 60)} min ${left % 60} sec`
}
