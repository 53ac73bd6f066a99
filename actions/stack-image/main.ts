/** The `stack-image` action: a door onto `runStackImage`. */
import * as core from '@actions/core'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { errorMessage } from '../../src/core/errors.js'
import {
  connectDocker,
  readStackImageInputs,
  runStackImage,
  stackImageOptions,
  stackImageOutputs,
  stackImageSummary
} from '../../src/docker/index.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  try {
    const inputs = readStackImageInputs(process.env)
    reporter.mask(inputs.password)
    const engine = await connectDocker(inputs['docker-host'])
    const result = await runStackImage(
      engine,
      stackImageOptions(inputs, process.env),
      reporter
    )
    await reporter.summary(stackImageSummary(result))
    for (const [name, value] of Object.entries(stackImageOutputs(result))) {
      core.setOutput(name, value)
    }
  } catch (error) {
    core.setFailed(reporter.masker.apply(errorMessage(error)))
  }
}

void main()
