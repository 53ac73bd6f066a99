/**
 * The `jenkins-build` post step: when the job was cancelled or timed out
 * before the step finished, stop the Jenkins build it left running.
 */
import * as core from '@actions/core'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { ActionInputs } from '../../src/core/action-inputs.js'
import { errorMessage } from '../../src/core/errors.js'
import {
  STATE_KEY,
  jenkinsClientFor,
  parseBuildState,
  readJenkinsBuildInputs,
  stopAbandoned
} from '../../src/jenkins/index.js'

export async function post(): Promise<void> {
  const reporter = new ActionsReporter()
  try {
    const state = parseBuildState(core.getState(STATE_KEY))
    if (state !== undefined && !state.done) {
      const inputs = readJenkinsBuildInputs(
        new ActionInputs('jenkins-build'),
        reporter
      )
      await stopAbandoned(jenkinsClientFor(inputs, reporter), state, {
        reporter,
        cancelOnAbort: inputs['cancel-on-abort']
      })
    } else {
      reporter.info('nothing to stop: the step finished')
    }
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
  process.exit()
}

void post()
