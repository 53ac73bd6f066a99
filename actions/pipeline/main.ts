/** The root action: a door onto the pipeline step module. */
import { runAction } from '../../src/core/action-door.js'
import {
  pipelineInputsFromAction,
  preparePipeline
} from '../../src/pipeline/step.js'

void runAction(async (ctx) => {
  const inputs = pipelineInputsFromAction(ctx.env)
  // The plan line first; then the steps' code is read (its own chunk).
  const prepared = await preparePipeline(inputs, ctx)
  const { runSteps } = await import('./steps.js')
  return runSteps(prepared, ctx.reporter, ctx.signal)
})
