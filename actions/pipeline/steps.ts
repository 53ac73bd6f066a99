/**
 * The root action after its plan line: runs the steps. The door loads this
 * lazily (its own file in the bundle's `chunks/`), so its first line does
 * not wait for every step's code to be read; it shares only plain data and
 * the Reporter with the door, and words its own errors (its copy of the
 * error classes is not the door's).
 */
import type { ActionOutcome } from '../../src/core/action-door.js'
import { errorMessage } from '../../src/core/errors.js'
import type { Reporter } from '../../src/core/reporter.js'
import { ANNOTATIONS_PER_KIND } from '../../src/lint/annotate.js'
import { formatPipelineTable, runPipeline } from '../../src/pipeline/run.js'
import {
  pipelineFailure,
  pipelineOutputs,
  pipelineSummary,
  type PreparedPipeline
} from '../../src/pipeline/step.js'

export async function runSteps(
  prepared: PreparedPipeline,
  reporter: Reporter,
  signal: AbortSignal
): Promise<ActionOutcome> {
  try {
    const result = await runPipeline(prepared.config, reporter, {
      ...prepared.options,
      signal,
      annotationLimit: ANNOTATIONS_PER_KIND,
      protectCommands: true
    })
    const table = formatPipelineTable(result)
    reporter.info(table)
    const failure = pipelineFailure(result)
    return {
      outputs: pipelineOutputs(result),
      summary: pipelineSummary(result, table),
      ...(failure === undefined ? {} : { failure })
    }
  } catch (error) {
    return { failure: errorMessage(error) }
  }
}
