/**
 * The `integration` post step: when the workflow was cancelled or timed out
 * while datasets ran, remove every container the run left (found by the run
 * id the main step saved).
 */
import * as core from '@actions/core'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { errorMessage } from '../../src/core/errors.js'
import { connectDocker } from '../../src/docker/client.js'
import {
  STATE_KEY,
  parseRunState,
  removeRunContainers
} from '../../src/integration/index.js'

export async function post(): Promise<void> {
  const reporter = new ActionsReporter()
  try {
    const state = parseRunState(core.getState(STATE_KEY))
    if (state === undefined) {
      reporter.info('nothing to clean up: no run was started')
    } else {
      const engine = await connectDocker(state.dockerHost)
      const removed = await removeRunContainers(engine, state.runId, reporter)
      reporter.info(
        removed === 0
          ? `nothing to clean up: run ${state.runId} left no container`
          : `removed ${removed} container(s) left by run ${state.runId}`
      )
    }
  } catch (error) {
    // The job's result is already decided; a failed clean-up is reported.
    core.warning(`integration clean-up: ${errorMessage(error)}`)
  }
  process.exit()
}

void post()
