/**
 * The `stack-image` action after its plan line: runs the step and hands
 * back its outputs and summary. Loaded lazily by the door (its own file in
 * the bundle's `chunks/`), so it shares only plain data and the Reporter
 * with it, and turns its own errors into the step's failure.
 */
import type {
  ActionContext,
  ActionOutcome
} from '../../src/core/action-door.js'
import { errorMessage } from '../../src/core/errors.js'
import {
  runStackImageStep,
  stackImageOutputs,
  stackImageSummary,
  type StackImageInputs,
  type StackImageStepDeps
} from '../../src/docker/step.js'

export async function runStackImageAction(
  inputs: StackImageInputs,
  deps: StackImageStepDeps & { reporter: ActionContext['reporter'] }
): Promise<ActionOutcome> {
  try {
    const result = await runStackImageStep(inputs, deps)
    return {
      outputs: stackImageOutputs(result),
      summary: stackImageSummary(result)
    }
  } catch (error) {
    return { failure: deps.reporter.masker.apply(errorMessage(error)) }
  }
}
