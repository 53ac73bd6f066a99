/** The `lint` action: a door onto `runLint`. */
import * as core from '@actions/core'
import { join } from 'node:path'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { errorMessage } from '../../src/core/errors.js'
import {
  lintFailureMessage,
  lintOptionsFromInputs,
  lintOutputs,
  readLintInputs,
  runLint
} from '../../src/lint/index.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  try {
    const inputs = readLintInputs(process.env)
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    const report = join(
      process.env.RUNNER_TEMP ?? workspace,
      'stackci-lint-report.json'
    )
    const options = lintOptionsFromInputs(inputs, workspace, report)
    const result = await runLint(options, reporter)
    for (const [name, value] of Object.entries(lintOutputs(result, report))) {
      core.setOutput(name, value)
    }
    if (!result.passed) core.setFailed(lintFailureMessage(result))
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}

void main()
