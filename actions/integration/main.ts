/** The `integration` action: a door onto src/integration/step.ts. */
import { runAction } from '../../src/core/action-door.js'
import { STATE_KEY } from '../../src/integration/cleanup.js'
import {
  actionResultsDir,
  failureMessage,
  integrationInputsFromAction,
  integrationOutputs,
  integrationSummary,
  runIntegration
} from '../../src/integration/step.js'

void runAction(async (ctx) => {
  const { reporter, env, workspace, signal } = ctx
  const inputs = integrationInputsFromAction(env)
  const result = await runIntegration(inputs, {
    reporter,
    workspace,
    resultsDir: actionResultsDir(env, workspace),
    signal,
    // Saved before any container exists: the post step cleans up by it.
    onStart: (state) => {
      ctx.saveState(STATE_KEY, state)
    }
  })
  return {
    outputs: integrationOutputs(result),
    summary: integrationSummary(result),
    ...(result.passed ? {} : { failure: failureMessage(result) })
  }
})
