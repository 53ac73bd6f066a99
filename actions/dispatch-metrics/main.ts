/** The `dispatch-metrics` action: a door onto `runDispatchMetricsAction`. */
import * as core from '@actions/core'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { errorMessage } from '../../src/core/errors.js'
import {
  readDispatchMetricsInputs,
  runDispatchMetricsAction
} from '../../src/metrics/action.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  try {
    const inputs = readDispatchMetricsInputs(process.env, reporter)
    const { failure, ...outputs } = await runDispatchMetricsAction(
      inputs,
      process.env,
      reporter
    )
    for (const [name, value] of Object.entries(outputs))
      core.setOutput(name, value)
    if (failure !== '') core.setFailed(failure)
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}

void main()
