/** The `integration` action: a door onto `runDatasets`. */
import * as core from '@actions/core'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { errorMessage } from '../../src/core/errors.js'
import { connectDocker } from '../../src/docker/client.js'
import * as integration from '../../src/integration/index.js'
import { abortOnSignals } from '../../src/core/signals.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, reporter)
  try {
    const inputs = integration.readIntegrationInputs(process.env)
    const host = inputs['docker-host']
    const runId = integration.newRunId()
    // Saved before any container exists: the post step cleans up by it.
    core.saveState(integration.STATE_KEY, { runId, dockerHost: host })
    const result = await integration.runDatasets(
      await connectDocker(host),
      integration.integrationOptions(inputs, process.env, {
        runId,
        signal: cancel.signal
      }),
      reporter
    )
    await reporter.summary(integration.integrationSummary(result))
    const outputs = integration.integrationOutputs(result)
    for (const [name, value] of Object.entries(outputs))
      core.setOutput(name, value)
    if (!result.passed) core.setFailed(integration.failureMessage(result))
  } catch (error) {
    core.setFailed(errorMessage(error))
  } finally {
    release()
  }
  process.exit() // keep-alive sockets must not hold a finished step open
}

void main()
