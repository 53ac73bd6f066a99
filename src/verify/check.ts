/**
 * Checking many job files: read with bounded concurrency, evaluate, and hand
 * each outcome to the caller in input order as soon as it is ready, so memory
 * stays flat for tens of thousands of files.
 */

import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { InputError } from '../core/errors.js'
import type { Progress } from '../core/reporter.js'
import type { Definitions } from './definitions.js'
import {
  countResults,
  evaluateJob,
  type EvaluateOptions,
  type ResultCounts,
  type SpecResult
} from './evaluate.js'
import { parseJob } from './job.js'

export interface JobOutcome {
  file: string
  results?: SpecResult[]
  counts?: ResultCounts
  /** Set when the file could not be read or is not a valid job. */
  error?: unknown
}

export interface CheckTotals extends ResultCounts {
  jobs: number
  /** Jobs that could not be read or evaluated. */
  errors: number
}

export interface CheckOptions extends EvaluateOptions {
  /** Files read at once (default 16). */
  concurrency?: number
  progress?: Progress
  onJob(outcome: JobOutcome): void | Promise<void>
}

/** Evaluates each job file; never throws for a bad job, reports it instead. */
export async function checkJobFiles(
  files: readonly string[],
  definitions: Definitions,
  options: CheckOptions
): Promise<CheckTotals> {
  const totals: CheckTotals = {
    jobs: 0,
    errors: 0,
    passed: 0,
    failed: 0,
    noValue: 0
  }
  const limit = Math.max(1, options.concurrency ?? 16)
  const pending = new Map<number, Promise<JobOutcome>>()
  const start = (i: number): void => {
    const file = files[i] as string
    pending.set(
      i,
      readFile(file, 'utf8').then(
        (text) => evaluateText(text, file, definitions, options),
        (error: unknown) => ({ file, error })
      )
    )
  }
  let next = 0
  while (next < files.length && next < limit) start(next++)
  for (let i = 0; i < files.length; i++) {
    const outcome = await (pending.get(i) as Promise<JobOutcome>)
    pending.delete(i)
    if (next < files.length) start(next++)
    totals.jobs++
    if (outcome.error !== undefined) totals.errors++
    if (outcome.counts !== undefined) {
      totals.passed += outcome.counts.passed
      totals.failed += outcome.counts.failed
      totals.noValue += outcome.counts.noValue
    }
    await options.onJob(outcome)
    options.progress?.tick()
  }
  return totals
}

function evaluateText(
  text: string,
  file: string,
  definitions: Definitions,
  options: EvaluateOptions
): JobOutcome {
  try {
    const job = parseJob(text, file)
    const results = evaluateJob(job, definitions, file, options)
    return { file, results, counts: countResults(results) }
  } catch (error) {
    return { file, error }
  }
}

/**
 * Expands job arguments: files as given, directories to every
 * `*.verify.json` below them (sorted). Missing paths are an InputError.
 */
export async function expandJobPaths(
  args: readonly string[]
): Promise<string[]> {
  const out: string[] = []
  const missing: string[] = []
  for (const arg of args) {
    let info
    try {
      info = await stat(arg)
    } catch {
      missing.push(arg)
      continue
    }
    if (info.isDirectory()) out.push(...(await findJobs(arg)))
    else out.push(arg)
  }
  if (missing.length > 0) {
    throw new InputError(
      `job file${missing.length === 1 ? '' : 's'} not found: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, … (${missing.length} in all)` : ''}`,
      {
        hint: 'pass verify job JSON files, or directories holding *.verify.json files'
      }
    )
  }
  return out
}

async function findJobs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const out: string[] = []
  for (const e of entries) {
    const path = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await findJobs(path)))
    else if (e.name.endsWith('.verify.json')) out.push(path)
  }
  return out
}
