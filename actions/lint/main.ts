/** The `lint` action: a door onto the lint step (src/lint/step.ts). */
import { join } from 'node:path'
import { runAction } from '../../src/core/action-door.js'
import {
  lintFailure,
  lintInputsFromAction,
  lintOutputs,
  lintSummary,
  runLintStep
} from '../../src/lint/index.js'

void runAction(async ({ reporter, env, workspace, signal }) => {
  const inputs = lintInputsFromAction(env)
  const report = join(env.RUNNER_TEMP ?? workspace, 'stackci-lint-report.json')
  const result = await runLintStep(inputs, {
    reporter,
    root: workspace,
    env,
    signal,
    reportFile: report
  })
  const failure = lintFailure(result)
  return {
    outputs: lintOutputs(result, report),
    summary: lintSummary(result),
    ...(failure === undefined ? {} : { failure })
  }
})
