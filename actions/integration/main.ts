/** The `integration` action: a door onto `runDatasets`. */
import * as core from '@actions/core'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { errorMessage } from '../../src/core/index.js'
import { connectDocker } from '../../src/docker/client.js'
import {
  STATE_KEY,
  failureMessage,
  integrationOptions,
  integrationOutputs,
  integrationSummary,
  newRunId,
  readIntegrationInputs,
  runDatasets
} from '../../src/integration/index.js'
import { abortOnSignals } from '../../src/jenkins/cancel.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, reporter)
  try {
    const inputs = readIntegrationInputs(process.env)
    const runId = newRunId()
    // Saved before any container exists: the post step removes what a
    // cancelled or killed run leaves, by this id.
    const host = inputs['docker-host']
    core.saveState(STATE_KEY, JSON.stringify({ runId, dockerHost: host }))
    const result = await runDatasets(
      await connectDocker(host),
      integrationOptions(inputs, process.env, { runId, signal: cancel.signal }),
      reporter
    )
    await reporter.summary(integrationSummary(result))
    for (const [name, value] of Object.entries(integrationOutputs(result))) {
      core.setOutput(name, value)
    }
    if (!result.passed) core.setFailed(failureMessage(result))
  } catch (error) {
    core.setFailed(errorMessage(error))
  } finally {
    release()
  }
  // Keep-alive sockets to the engine must not hold a finished step open.
  process.exit()
}

void main()
