/** The `verify` action: a door onto `runVerifyGate`. */
import * as core from '@actions/core'
import { join, resolve } from 'node:path'
import { ActionsReporter } from '../../src/core/actions-reporter.js'
import { ActionInputs } from '../../src/core/action-inputs.js'
import { errorMessage, InputError } from '../../src/core/errors.js'
import { expandGlobs } from '../../src/core/glob.js'
import { runVerifyGate, verifyGateSummary } from '../../src/verify/gate.js'

export async function main(): Promise<void> {
  const reporter = new ActionsReporter()
  try {
    const input = new ActionInputs('verify')
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    const definitions = resolve(workspace, input.required('definitions'))
    const patterns = input.lines('jobs')
    if (patterns.length === 0)
      input.fail('jobs', 'is required and was not supplied')
    const files = await expandGlobs(workspace, patterns)
    if (files.length === 0)
      throw new InputError(`verify: no job files match ${patterns.join(', ')}`)
    // Said before the definitions load (the longest part of the start).
    reporter.info(
      `verify: ${files.length} job file${files.length === 1 ? '' : 's'} against the definitions in ${definitions}`
    )
    const report = join(
      process.env.RUNNER_TEMP ?? workspace,
      'stackci-verify-report.json'
    )
    const tags = input.list('tags')
    const result = await runVerifyGate(
      {
        definitions,
        files,
        tags,
        strict: input.boolean('strict', false),
        reportFile: report
      },
      reporter
    )
    await reporter.summary(verifyGateSummary(result))
    const t = result.totals
    for (const [k, v] of Object.entries({
      passed: t.passed,
      failed: t.failed,
      'no-value': t.noValue,
      jobs: t.jobs,
      report
    })) {
      core.setOutput(k, v)
    }
    if (!result.passed && input.boolean('fail-on-failure', true)) {
      core.setFailed(
        `${t.failed} specification(s) failed${t.errors > 0 ? `, ${t.errors} job file(s) unreadable` : ''}`
      )
    }
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}

void main()
