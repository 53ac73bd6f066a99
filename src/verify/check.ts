/**
 * Checking many job files: read with bounded concurrency, evaluate, and hand
 * each outcome to the caller in input order as soon as it is ready, so memory
 * stays flat for tens of thousands of files.
 */

import { readFile, readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { expandGlobs } from '../core/glob.js'
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
import { unknownMetrics, type UnknownMetric } from './unknown-metrics.js'

export interface JobOutcome {
  file: string
  results?: SpecResult[]
  counts?: ResultCounts
  /** Measured metrics the definitions do not know (no spec checks them). */
  unknown?: UnknownMetric[]
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
    const unknown = unknownMetrics(job, definitions)
    return {
      file,
      results,
      counts: countResults(results),
      ...(unknown.length === 0 ? {} : { unknown })
    }
  } catch (error) {
    return { file, error }
  }
}

/**
 * Expands job arguments: files as given, directories to every
 * `*.verify.json` below them (sorted), globs (`*`, `**`, …) to the files
 * they match under `base`. A missing path, or a glob matching
 * nothing, is an InputError.
 */
export async function expandJobPaths(
  args: readonly string[],
  base?: string
): Promise<string[]> {
  const out: string[] = []
  const missing: string[] = []
  const unmatched: string[] = []
  for (const arg of args) {
    if (/[*?[{]/.test(arg)) {
      const found = await expandGlobs(base ?? process.cwd(), [arg])
      if (found.length === 0) unmatched.push(arg)
      out.push(...found)
      continue
    }
    const path = base === undefined ? arg : resolve(base, arg)
    let info
    try {
      info = await stat(path)
    } catch {
      missing.push(arg)
      continue
    }
    if (info.isDirectory()) out.push(...(await findJobs(path)))
    else out.push(path)
  }
  if (missing.length > 0) {
    throw new InputError(
      `job file${missing.length === 1 ? '' : 's'} not found: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, … (${missing.length} in all)` : ''}`,
      {
        hint: 'pass verify job JSON files, or directories holding *.verify.json files'
      }
    )
  }
  if (unmatched.length > 0)
    throw new InputError(`no job files match ${unmatched.join(', ')}`, {
      hint: `globs are relative to ${base ?? 'the working directory'}`
    })
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
