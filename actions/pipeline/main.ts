/** The root action: a door onto `runPipeline` (through `steps.ts`). */
import * as core from '@actions/core'
import { resolve } from 'node:path'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { ActionInputs } from '../../src/core/action-inputs.js'
import { readStackciConfig } from '../../src/core/config.js'
import { errorMessage } from '../../src/core/errors.js'
import { abortOnSignals } from '../../src/core/signals.js'
import { parseParams } from '../../src/integration/notebook-params.js'
import { planLine, planPipeline } from '../../src/pipeline/plan.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, reporter)
  try {
    const input = new ActionInputs('stackci')
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    const config = await readStackciConfig(
      resolve(workspace, input.string('config') ?? 'stackci.yml')
    )
    const given = (name: string): Record<string, string> => {
      const v = input.string(name)
      return v === undefined ? {} : { [name === 'run-id' ? 'runId' : name]: v }
    }
    const options = {
      ...given('profile'),
      ...given('version'),
      ...given('date'),
      ...given('run-id')
    }
    const notebookParams = parseParams(
      input.lines('notebook-params'),
      "input 'notebook-params'"
    )
    // Announced first; then the steps' code is read (its own file).
    const plan = planPipeline(config, options)
    reporter.info(planLine(plan))
    const { runSteps } = await import('./steps.js')
    await runSteps(config, reporter, {
      ...options,
      notebookParams,
      plan,
      signal: cancel.signal
    })
  } catch (error) {
    core.setFailed(errorMessage(error))
  } finally {
    release()
  }
  process.exit() // keep-alive sockets must not hold a finished step open
}

void main()
