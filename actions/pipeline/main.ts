/** The root action: a door onto `runPipeline`. */
import * as core from '@actions/core'
import { resolve } from 'node:path'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import {
  ActionInputs,
  errorMessage,
  readStackciConfig
} from '../../src/core/index.js'
import { abortOnSignals } from '../../src/jenkins/cancel.js'
import { ANNOTATIONS_PER_KIND } from '../../src/lint/annotate.js'
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
    // Announced first; the steps' modules load meanwhile.
    const plan = planPipeline(config, options)
    reporter.info(planLine(plan))
    const { formatPipelineTable, runPipeline } =
      await import('../../src/pipeline/run.js')
    const result = await runPipeline(config, reporter, {
      ...options,
      plan,
      signal: cancel.signal,
      annotationLimit: ANNOTATIONS_PER_KIND,
      protectCommands: true
    })
    const table = formatPipelineTable(result)
    reporter.info(table)
    await reporter.summary(
      `## stackci ${result.profile}\n\n\`\`\`\n${table}\n\`\`\`\n`
    )
    core.setOutput('passed', String(result.passed))
    core.setOutput('run-id', result.runId)
    core.setOutput('image', result.image?.ref ?? '')
    core.setOutput('digest', result.image?.digest ?? '')
    core.setOutput('tags', JSON.stringify(result.image?.tags ?? []))
    core.setOutput('report', result.report ?? '')
    core.setOutput(
      'steps',
      JSON.stringify(
        result.steps.map((s) => ({
          step: s.step,
          status: s.status,
          detail: s.detail,
          'duration-ms': s.durationMs
        }))
      )
    )
    if (!result.passed)
      core.setFailed(
        `stackci ${result.profile} did not pass (see the table above)`
      )
  } catch (error) {
    core.setFailed(errorMessage(error))
  } finally {
    release()
  }
  process.exit() // keep-alive sockets must not hold a finished step open
}

void main()
