/** The `jenkins-build` action: a door onto `runJenkinsBuild`. */
import * as core from '@actions/core'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { ActionInputs } from '../../src/core/action-inputs.js'
import { errorMessage } from '../../src/core/errors.js'
import { abortOnSignals } from '../../src/core/signals.js'
import {
  STATE_KEY,
  buildRequestFor,
  jenkinsClientFor,
  readJenkinsBuildInputs,
  reporterConsoleSink,
  runJenkinsBuild,
  summaryLine,
  writeJenkinsBuildOutputs
} from '../../src/jenkins/index.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, reporter)
  try {
    const input = new ActionInputs('jenkins-build')
    const inputs = readJenkinsBuildInputs(input, reporter)
    const outcome = await runJenkinsBuild(buildRequestFor(inputs), {
      jenkins: jenkinsClientFor(inputs, reporter),
      reporter,
      signal: cancel.signal,
      console: reporterConsoleSink(reporter, { protectCommands: true }),
      saveState: (state) => {
        core.saveState(STATE_KEY, JSON.stringify(state))
      }
    })
    writeJenkinsBuildOutputs(outcome, core.setOutput)
    await reporter.summary(summaryLine(outcome))
    if (outcome.failed) core.setFailed(outcome.message)
  } catch (error) {
    core.setFailed(errorMessage(error))
  } finally {
    release()
  }
  // Keep-alive sockets must not hold a finished step open.
  process.exit()
}

void main()
