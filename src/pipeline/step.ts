/**
 * The pipeline as a step module: its inputs (the root action's `action.yml`
 * inputs, or `stackci run`'s flags), the plan announced before any step's
 * code loads, and the outputs and job summary of a finished run. The heavy
 * part, {@link runPipeline} in `run.ts`, is loaded by the caller after the
 * plan line (the root action loads it from its own chunk), so this module
 * imports nothing of the steps.
 */

import { resolve } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import { readStackciConfig, type StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import type { ParamValue } from '../core/notebook-config.js'
import type { Reporter } from '../core/reporter.js'
import {
  StepInputs,
  flagSource,
  layered,
  valuesSource
} from '../core/step-inputs.js'
import { parseParams } from '../integration/notebook-params.js'
import { planLine, planPipeline, type PipelinePlan } from './plan.js'
import type { PipelineOptions } from './state.js'
import type { PipelineResult } from './run.js'

/** Keys mirror actions/pipeline/action.yml (and `stackci run`'s flags). */
export interface PipelineInputs {
  /** The stackci.yml, as given (relative to the workspace). */
  config: string
  profile?: string
  version?: string
  date?: string
  'run-id'?: string
  'notebook-params': Record<string, ParamValue>
  /** CLI only: a subset of the profile's steps (collect mode). */
  steps?: string[]
  /** CLI only: verify job files instead of running integration. */
  jobs?: string[]
}

/** The one reader: the same checks and wording from every source. */
export function readPipelineInputs(r: StepInputs): PipelineInputs {
  const out: PipelineInputs = {
    config: r.string('config') ?? 'stackci.yml',
    'notebook-params': parseParams(
      r.lines('notebook-params'),
      r.source.describe('notebook-params')
    )
  }
  for (const key of ['profile', 'version', 'date', 'run-id'] as const) {
    const value = r.string(key)
    if (value !== undefined) out[key] = value
  }
  const steps = r.list('steps')
  if (steps.length > 0) out.steps = steps
  const jobs = r.lines('jobs')
  if (jobs.length > 0) out.jobs = jobs
  return out
}

/** The root action's inputs. */
export function pipelineInputsFromAction(env: Env): PipelineInputs {
  return readPipelineInputs(new ActionInputs('stackci', env))
}

/**
 * `stackci run [config]`'s flags. `--version` arrives as `releaseVersion`
 * (the program's own `--version` prints stackci's).
 */
export function pipelineInputsFromFlags(
  flags: object,
  config: string
): PipelineInputs {
  const f = flags as { releaseVersion?: string; version?: string }
  return readPipelineInputs(
    new StepInputs(
      layered(
        flagSource(flags),
        valuesSource('argument', {
          config,
          version: f.releaseVersion ?? f.version
        })
      )
    )
  )
}

/** A run read and planned, its plan line said. */
export interface PreparedPipeline {
  config: StackciConfig
  plan: PipelinePlan
  /** What {@link runPipeline} takes, but the signal and the door's options. */
  options: PipelineOptions
}

/**
 * Reads the stackci.yml, plans the run and announces it: the first line of
 * a run, said before the steps' code is loaded.
 */
export async function preparePipeline(
  inputs: PipelineInputs,
  deps: { reporter: Reporter; workspace: string; env?: Env }
): Promise<PreparedPipeline> {
  // As given when it is relative to here: messages name the file as typed.
  const here = resolve(deps.workspace) === process.cwd()
  const config = await readStackciConfig(
    here ? inputs.config : resolve(deps.workspace, inputs.config)
  )
  const options: PipelineOptions = {
    notebookParams: inputs['notebook-params']
  }
  if (inputs.profile !== undefined) options.profile = inputs.profile
  if (inputs.version !== undefined) options.version = inputs.version
  if (inputs.date !== undefined) options.date = inputs.date
  if (inputs['run-id'] !== undefined) options.runId = inputs['run-id']
  if (inputs.steps !== undefined) options.steps = inputs.steps
  if (inputs.jobs !== undefined) options.jobs = inputs.jobs
  if (deps.env !== undefined) options.env = deps.env
  const plan = planPipeline(config, options)
  deps.reporter.info(planLine(plan))
  return { config, plan, options: { ...options, plan } }
}

/** The root action's outputs (action.yml lists them). */
export function pipelineOutputs(
  result: PipelineResult
): Record<string, string> {
  return {
    passed: String(result.passed),
    'run-id': result.runId,
    image: result.image?.ref ?? '',
    digest: result.image?.digest ?? '',
    tags: JSON.stringify(result.image?.tags ?? []),
    report: result.report ?? '',
    notebooks: JSON.stringify(result.notebooks ?? []),
    steps: JSON.stringify(
      result.steps.map((s) => ({
        step: s.step,
        status: s.status,
        detail: s.detail,
        'duration-ms': s.durationMs
      }))
    )
  }
}

/** The job summary of a run: the closing table in a fenced block. */
export function pipelineSummary(result: PipelineResult, table: string): string {
  return `## stackci ${result.profile}\n\n\`\`\`\n${table}\n\`\`\`\n`
}

/**
 * What a terminal shows under the closing table: each step's own capped
 * summary (the failing specifications, …) under its name. On Actions the
 * steps have written their full summaries to the job summary already.
 */
export function pipelineStepSummaries(result: PipelineResult): string {
  return result.steps
    .filter((s) => (s.summary?.trim() ?? '') !== '')
    .map((s) => `\n${s.step}:\n${s.summary?.trim() ?? ''}\n`)
    .join('')
}

/** The failure line of a red run. */
export function pipelineFailure(result: PipelineResult): string | undefined {
  return result.passed
    ? undefined
    : `stackci ${result.profile} did not pass (see the table above)`
}
