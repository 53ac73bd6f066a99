/** The `verify` action: a door onto the verify step (src/verify/step.ts). */
import { join } from 'node:path'
import { runAction } from '../../src/core/action-door.js'
import {
  runVerify,
  verifyFailure,
  verifyInputsFromAction,
  verifyOutputs,
  verifySummary
} from '../../src/verify/step.js'

void runAction(async ({ reporter, env, workspace }) => {
  const inputs = verifyInputsFromAction(env)
  const result = await runVerify(inputs, {
    reporter,
    root: workspace,
    reportFile: join(env.RUNNER_TEMP ?? workspace, 'stackci-verify-report.json')
  })
  const failure = verifyFailure(result, inputs)
  return {
    outputs: verifyOutputs(result),
    summary: verifySummary(result),
    ...(failure === undefined ? {} : { failure })
  }
})
