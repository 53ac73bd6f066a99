/** The root action: a door onto `runPipeline`. */
import * as core from '@actions/core'
import { resolve } from 'node:path'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import {
  ActionInputs,
  errorMessage,
  readStackciConfig
} from '../../src/core/index.js'
import { formatPipelineTable, runPipeline } from '../../src/pipeline/index.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  try {
    const input = new ActionInputs('stackci')
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    const config = await readStackciConfig(
      resolve(workspace, input.string('config') ?? 'stackci.yml')
    )
    const result = await runPipeline(config, reporter)
    reporter.info(formatPipelineTable(result))
    core.setOutput('passed', String(result.passed))
    if (!result.passed)
      core.setFailed('the pipeline did not pass (see the table above)')
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}

void main()
