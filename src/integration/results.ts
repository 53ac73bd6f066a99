/**
 * A dataset's result: how its container ended, told apart (an exit code,
 * an OOM kill, the timeout, a cancel, an engine error), what it collected,
 * and its verify jobs checked and stamped with provenance.
 */

import { errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { formatMs } from '../core/format.js'
import { formatBytes } from '../core/format.js'
import type { ContainerOutcome } from './container-run.js'
import { stampJobFile, type JobStamp } from './provenance.js'

export type DatasetStatus =
  'success' | 'failure' | 'timeout' | 'oom' | 'cancelled' | 'error'

export interface DatasetResult {
  dataset: string
  status: DatasetStatus
  /** The process's exit status, when it ran. */
  exitCode?: number
  durationMs: number
  /** One line: what happened. */
  message: string
  /** Checked, stamped job files (only when the run succeeded). */
  jobs: string[]
  /** Every file collected (jobs included). */
  outputs: string[]
  /** The full container log on the host. */
  logFile?: string
  /** The last lines of the log. */
  logTail: string[]
}

/** Job files are told from other outputs by lsst.verify's suffix. */
export const JOB_SUFFIX = '.verify.json'

export function cancelledResult(dataset: string): DatasetResult {
  return {
    dataset,
    status: 'cancelled',
    durationMs: 0,
    message: 'cancelled before it started',
    jobs: [],
    outputs: [],
    logTail: []
  }
}

export function errorResult(
  dataset: string,
  error: unknown,
  logFile: string
): DatasetResult {
  return {
    dataset,
    status: 'error',
    durationMs: 0,
    message: errorMessage(error).split('\n')[0] ?? '',
    jobs: [],
    outputs: [],
    logFile,
    logTail: []
  }
}

export interface FinishInput {
  outcome: ContainerOutcome<string[]>
  logFile: string
  patterns: readonly string[]
  outputPath: string
  timeoutMs: number
  memory?: number | undefined
  provenance: JobStamp
  reporter: Reporter
}

/** The result of a container that ran; stamps the jobs of a success. */
export async function finishResult(
  dataset: string,
  input: FinishInput
): Promise<DatasetResult> {
  const { outcome } = input
  const outputs = outcome.collected ?? []
  const base = {
    dataset,
    ...(outcome.exitCode === undefined ? {} : { exitCode: outcome.exitCode }),
    durationMs: outcome.durationMs,
    jobs: [] as string[],
    outputs,
    logFile: input.logFile,
    logTail: outcome.logTail
  }
  switch (outcome.ending) {
    case 'cancelled':
      return {
        ...base,
        status: 'cancelled',
        message: 'cancelled: the container was killed and removed'
      }
    case 'timeout':
      return {
        ...base,
        status: 'timeout',
        message: `killed when the timeout of ${formatMs(input.timeoutMs)} passed`
      }
    case 'oom':
      return {
        ...base,
        status: 'oom',
        message: `killed for running out of memory${input.memory === undefined ? '' : ` (limit ${formatBytes(input.memory)})`}`
      }
    case 'exited':
      break
  }
  if (outcome.exitCode !== 0) {
    return {
      ...base,
      status: 'failure',
      message: `exited with code ${outcome.exitCode ?? 'unknown'}`
    }
  }
  if (outputs.length === 0) {
    return {
      ...base,
      status: 'failure',
      message: `exited with code 0 but wrote nothing matching ${input.patterns.join(', ')} under ${input.outputPath}`
    }
  }
  const jobs = outputs.filter((f) => f.endsWith(JOB_SUFFIX))
  try {
    for (const job of jobs)
      await stampJobFile(job, input.provenance, input.reporter)
  } catch (error) {
    input.reporter.error(errorMessage(error))
    return {
      ...base,
      status: 'failure',
      message: `wrote a job that is not a valid verify job: ${errorMessage(error).split('\n')[0] ?? ''}`
    }
  }
  return {
    ...base,
    status: 'success',
    jobs,
    message: `${jobs.length} job(s), ${outputs.length} file(s) collected`
  }
}
