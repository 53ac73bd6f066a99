/** The `dispatch-metrics` action: a door onto `runDispatchMetrics`. */
import { join } from 'node:path'
import { runAction } from '../../src/core/action-door.js'
import {
  dispatchMetricsInputsFromAction,
  dispatchMetricsOutputs,
  dispatchMetricsSummary,
  runDispatchMetrics
} from '../../src/metrics/step.js'

void runAction(async ({ reporter, env, workspace }) => {
  const result = await runDispatchMetrics(
    dispatchMetricsInputsFromAction(env),
    {
      reporter,
      env,
      workspace,
      reportFile: join(
        env.RUNNER_TEMP ?? workspace,
        'stackci-metrics-report.json'
      )
    }
  )
  return {
    outputs: dispatchMetricsOutputs(result),
    summary: dispatchMetricsSummary(result),
    ...(result.failure === undefined ? {} : { failure: result.failure })
  }
})
