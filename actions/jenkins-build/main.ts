/** The `jenkins-build` action: a door onto `runJenkinsBuildStep`. */
import { runAction } from '../../src/core/action-door.js'
import {
  STATE_KEY,
  jenkinsBuildInputsFromAction,
  jenkinsBuildOutputs,
  jenkinsBuildSummary,
  reporterConsoleSink,
  runJenkinsBuildStep
} from '../../src/jenkins/index.js'

void runAction(async (ctx) => {
  const { reporter, env, signal } = ctx
  const inputs = jenkinsBuildInputsFromAction(env, reporter)
  const result = await runJenkinsBuildStep(inputs, {
    reporter,
    signal,
    console: reporterConsoleSink(reporter, { protectCommands: true }),
    saveState: (state) => {
      ctx.saveState(STATE_KEY, JSON.stringify(state))
    }
  })
  return {
    outputs: jenkinsBuildOutputs(result),
    summary: jenkinsBuildSummary(result),
    ...(result.outcome.failed ? { failure: result.outcome.message } : {})
  }
})
