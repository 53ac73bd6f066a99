/**
 * The pipeline a `stackci.yml` profile describes: lint → jenkins-build →
 * stack-image → integration → verify → dispatch-metrics → report → promote,
 * in that order, each announced with a progress line as it starts and ends,
 * under one run id, after a preflight that checks the file (variables,
 * paths) before anything runs. A failed step stops the rest unless the
 * profile says `on-failure: continue` — except the steps that keep a red
 * run's evidence (recording, report), which run anyway unless the run was
 * cancelled, and promote, which runs only when every earlier step passed.
 * The root action and `stackci run` call this.
 */

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { PipelineStepName, StackciConfig } from '../core/config.js'
import { errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { formatMs } from '../core/format.js'
import { once } from '../core/once.js'
import { connectDocker, type DockerEngine } from '../docker/client.js'
import { RunAnnouncer } from './announce.js'
import { imageStep } from './image-step.js'
import { integrationStep } from './integration-step.js'
import { jenkinsStep } from './jenkins-step.js'
import { lintStep } from './lint-step.js'
import { dispatchMetricsStep, verifyStep } from './metrics-step.js'
import { planLine, planPipeline } from './plan.js'
import { preflight } from './preflight.js'
import { promoteHeldBack, promoteStep } from './promote-step.js'
import { reportStep } from './report-step.js'
import { notebookStep } from './notebook-step.js'
import {
  clientEnvOf,
  type PipelineOptions,
  type RunState,
  type StepDone,
  type StepStatus
} from './state.js'

export type { PipelineOptions, StepStatus } from './state.js'

export interface StepOutcome extends StepDone {
  step: string
  durationMs: number
}

export interface PipelineResult {
  passed: boolean
  runId: string
  profile: string
  steps: StepOutcome[]
  /** What the stack-image step built. */
  image?: { ref: string; tags: string[]; digest?: string; imageId: string }
  /** The HTML report, when the report step wrote one. */
  report?: string
  /** The notebook reports the notebook step rendered. */
  notebooks?: string[]
}

/** A step, and when it runs after another failed. */
export interface PipelineStep {
  run: (run: RunState) => Promise<StepDone>
  /**
   * `always`: keeps a red run's evidence, runs whatever failed before it
   * (not when cancelled); `green`: only when every earlier step passed;
   * default: stopped by a failure under `on-failure: stop`.
   */
  when?: 'always' | 'green'
  /** What it says when it does not run (default: why). */
  notRun?: (run: RunState, why: string) => Promise<StepDone>
}

const STEPS: Record<PipelineStepName, PipelineStep> = {
  lint: { run: lintStep },
  'jenkins-build': { run: jenkinsStep },
  'stack-image': { run: imageStep },
  integration: { run: integrationStep },
  verify: { run: verifyStep },
  'dispatch-metrics': { run: dispatchMetricsStep, when: 'always' },
  report: { run: reportStep, when: 'always' },
  notebook: { run: notebookStep, when: 'always' },
  promote: { run: promoteStep, when: 'green', notRun: promoteHeldBack }
}

/** Why `step` does not run now, or undefined when it does. */
function whyNot(
  step: PipelineStep,
  state: { cancelled: boolean; failed?: string; stoppedBy?: string }
): string | undefined {
  if (state.cancelled) return 'the pipeline was cancelled'
  if (step.when === 'green' && state.failed !== undefined)
    return `${state.failed} did not pass`
  if (step.when !== 'always' && state.stoppedBy !== undefined)
    return `${state.stoppedBy} did not pass (on-failure: stop)`
  return undefined
}

/** Runs the profile's steps; see the module comment. */
export async function runPipeline(
  config: StackciConfig,
  reporter: Reporter,
  options: PipelineOptions = {}
): Promise<PipelineResult> {
  const env = options.env ?? process.env
  const plan = options.plan ?? planPipeline(config, options)
  const { profile, runId } = plan
  const dir = join(config.baseDir, '.stackci', 'runs', runId)
  mkdirSync(dir, { recursive: true })
  const engine: () => Promise<DockerEngine> = once(
    options.docker ?? (async () => connectDocker(undefined, env))
  )
  const run: RunState = {
    config,
    profile,
    runId,
    env,
    clientEnv: clientEnvOf(config, env),
    reporter,
    options,
    dir,
    engine
  }
  const total = profile.steps.length
  // Announced already when the caller planned the run.
  if (options.plan === undefined) reporter.info(planLine(plan))
  // Nothing runs (or is announced) until the file is right.
  preflight(run)
  const announcer = new RunAnnouncer(run, profile.steps)
  await announcer.start()
  const steps: StepOutcome[] = []
  let stoppedBy: string | undefined
  let failed: string | undefined
  for (const [i, name] of profile.steps.entries()) {
    const tag = `[${i + 1}/${total}] ${name}`
    const definition = STEPS[name]
    const why = whyNot(definition, {
      cancelled: options.signal?.aborted === true,
      ...(failed === undefined ? {} : { failed }),
      ...(stoppedBy === undefined ? {} : { stoppedBy })
    })
    if (why !== undefined) {
      const done =
        definition.notRun === undefined
          ? { status: 'skipped' as const, detail: `not run: ${why}` }
          : await definition.notRun(run, why)
      const outcome = { step: name, ...done, durationMs: 0 }
      steps.push(outcome)
      reporter.info(`${tag}: skipped, ${done.detail}`)
      if (definition.notRun !== undefined) await announcer.stepDone(outcome)
      continue
    }
    reporter.info(`${tag} …`)
    announcer.stepStarted(name)
    const started = Date.now()
    let done: StepDone
    try {
      done = await reporter.group(name, async () => definition.run(run))
    } catch (error) {
      const message = errorMessage(error)
      reporter.error(`${name}: ${message}`)
      done = { status: 'error', detail: message.split('\n')[0] ?? '' }
    }
    const step: StepOutcome = {
      step: name,
      ...done,
      durationMs: Date.now() - started
    }
    steps.push(step)
    reporter.info(
      `${tag}: ${step.status} (${formatMs(step.durationMs)}) ${step.detail}`
    )
    await announcer.stepDone(step)
    if (step.status === 'failed' || step.status === 'error') {
      failed ??= name
      if (profile.onFailure === 'stop') stoppedBy ??= name
    }
  }
  const passed = steps.every(
    (s) => s.status === 'passed' || s.status === 'skipped'
  )
  const result: PipelineResult = {
    passed,
    runId,
    profile: profile.name,
    steps,
    ...(run.image === undefined
      ? {}
      : {
          image: {
            ref: run.image.image,
            tags: run.image.tags,
            imageId: run.image.imageId,
            ...(run.image.digest === undefined
              ? {}
              : { digest: run.image.digest })
          }
        }),
    ...(run.report === undefined ? {} : { report: run.report }),
    ...(run.notebooks === undefined ? {} : { notebooks: run.notebooks })
  }
  await announcer.finish(passed, formatPipelineTable(result))
  return result
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
  // ⏭️ carries a variation selector: count what a terminal shows.
  const width = (c: string): number => c.replace(/\uFE0F/g, '').length
  const widths = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => width(r[i] ?? '')), 4)
  )
  const verdict = `${result.passed ? '✅ passed' : '❌ failed'}: stackci ${result.profile}, run ${result.runId}`
  return [
    ...rows.map((r) =>
      r
        .map((c, i) =>
          i < 3 ? c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c))) : c
        )
        .join('  ')
    ),
    verdict
  ].join('\n')
}
