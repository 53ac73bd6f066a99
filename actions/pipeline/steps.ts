/**
 * The root action after its plan line: runs the steps and sets the outputs.
 * The door loads this lazily (it is its own file in the bundle's `chunks/`),
 * so its first line does not wait for every step's code to be read; this
 * module shares only plain data and the Reporter with the door, and reports
 * its own errors.
 */
import * as core from '@actions/core'
import type { StackciConfig } from '../../src/core/config.js'
import { errorMessage } from '../../src/core/errors.js'
import type { ParamValue } from '../../src/core/notebook-config.js'
import type { Reporter } from '../../src/core/reporter.js'
import { ANNOTATIONS_PER_KIND } from '../../src/lint/annotate.js'
import type { PipelinePlan } from '../../src/pipeline/plan.js'
import { formatPipelineTable, runPipeline } from '../../src/pipeline/run.js'

export interface StepsOptions {
  profile?: string
  version?: string
  date?: string
  runId?: string
  notebookParams?: Record<string, ParamValue>
  plan: PipelinePlan
  signal: AbortSignal
}

export async function runSteps(
  config: StackciConfig,
  reporter: Reporter,
  options: StepsOptions
): Promise<void> {
  try {
    const result = await runPipeline(config, reporter, {
      ...options,
      annotationLimit: ANNOTATIONS_PER_KIND,
      protectCommands: true
    })
    const table = formatPipelineTable(result)
    reporter.info(table)
    await reporter.summary(
      `## stackci ${result.profile}\n\n\`\`\`\n${table}\n\`\`\`\n`
    )
    core.setOutput('passed', String(result.passed))
    core.setOutput('run-id', result.runId)
    core.setOutput('image', result.image?.ref ?? '')
    core.setOutput('digest', result.image?.digest ?? '')
    core.setOutput('tags', JSON.stringify(result.image?.tags ?? []))
    core.setOutput('report', result.report ?? '')
    core.setOutput('notebooks', JSON.stringify(result.notebooks ?? []))
    core.setOutput(
      'steps',
      JSON.stringify(
        result.steps.map((s) => ({
          step: s.step,
          status: s.status,
          detail: s.detail,
          'duration-ms': s.durationMs
        }))
      )
    )
    if (!result.passed)
      core.setFailed(
        `stackci ${result.profile} did not pass (see the table above)`
      )
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
