/**
 * The pipeline described by a `stackci.yml`: its steps run in order, each
 * reported as it starts and ends, with a closing table. Later steps (lint,
 * Jenkins, image, integration, metrics) join the `STEPS` list as they arrive.
 */

import { resolve } from 'node:path'
import type { StackciConfig } from '../core/config.js'
import { errorMessage, InputError } from '../core/errors.js'
import { expandGlobs } from '../core/glob.js'
import type { Reporter } from '../core/reporter.js'
import { formatMs } from '../core/retry.js'
import { runVerifyGate, verifyGateSummary } from '../verify/gate.js'

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'error'

export interface StepOutcome {
  step: string
  status: StepStatus
  /** One line for the closing table. */
  detail: string
  durationMs: number
}

export interface PipelineResult {
  passed: boolean
  steps: StepOutcome[]
}

interface StepContext {
  config: StackciConfig
  reporter: Reporter
}

type StepRun = (
  ctx: StepContext
) => Promise<Omit<StepOutcome, 'step' | 'durationMs'>>

async function verifyStep({
  config,
  reporter
}: StepContext): ReturnType<StepRun> {
  const section = config.verify
  if (section === undefined) {
    return { status: 'skipped', detail: 'no verify: section in the config' }
  }
  const patterns = section.jobs ?? ['**/*.verify.json']
  const files = await expandGlobs(config.baseDir, patterns)
  if (files.length === 0) {
    throw new InputError(
      `verify: no job files match ${patterns.join(', ')} under ${config.baseDir}`
    )
  }
  const result = await runVerifyGate(
    {
      definitions: resolve(config.baseDir, section.definitions),
      files,
      ...(section.tags === undefined ? {} : { tags: section.tags })
    },
    reporter
  )
  await reporter.summary(verifyGateSummary(result))
  const t = result.totals
  return {
    status: result.passed ? 'passed' : 'failed',
    detail: `${t.jobs} job${t.jobs === 1 ? '' : 's'}: ${t.passed} passed, ${t.failed} failed, ${t.noValue} without a value`
  }
}

const STEPS: [string, StepRun][] = [['verify', verifyStep]]

/** Runs every step; a failed step does not stop the ones after it. */
export async function runPipeline(
  config: StackciConfig,
  reporter: Reporter
): Promise<PipelineResult> {
  const steps: StepOutcome[] = []
  for (const [name, run] of STEPS) {
    const started = Date.now()
    let outcome: Omit<StepOutcome, 'step' | 'durationMs'>
    try {
      outcome = await reporter.group(name, async () =>
        run({ config, reporter })
      )
    } catch (error) {
      reporter.error(errorMessage(error))
      outcome = {
        status: 'error',
        detail: errorMessage(error).split('\n')[0] ?? ''
      }
    }
    const step = { step: name, ...outcome, durationMs: Date.now() - started }
    reporter.info(
      `${name}: ${step.status} (${formatMs(step.durationMs)}) ${step.detail}`
    )
    steps.push(step)
  }
  return {
    passed: steps.every((s) => s.status === 'passed' || s.status === 'skipped'),
    steps
  }
}

const MARKS: Record<StepStatus, string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  error: '💥'
}

/** The closing table, as text. */
export function formatPipelineTable(result: PipelineResult): string {
  const rows = result.steps.map((s) => [
    `${MARKS[s.status]} ${s.step}`,
    s.status,
    formatMs(s.durationMs),
    s.detail
  ])
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => (r[i] ?? '').length), 4)
  )
  return rows
    .map((r) =>
      r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join('  ')
    )
    .join('\n')
}
