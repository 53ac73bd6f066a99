/**
 * The `lint` action's inputs and outputs, as pure functions of the
 * environment and the result, so the door stays a handful of lines and both
 * ends are testable with a literal env.
 */

import { isAbsolute, join } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import type { Env } from '../core/env.js'
import { InputError } from '../core/errors.js'
import { ANNOTATIONS_PER_KIND } from './annotate.js'
import { plural } from '../core/format.js'
import { parseLinters, type Linter } from './linters.js'
import { lintCounts } from './report.js'
import {
  FAIL_ON,
  type FailOn,
  type LintOptions,
  type LintResult
} from './run-lint.js'
import { parseSeverityRules, type SeverityRules } from './severity.js'

/** Keys mirror actions/lint/action.yml. */
export interface LintInputs {
  linters: Linter[]
  paths: string[]
  'only-changed': boolean
  'base-ref'?: string
  'fail-on': FailOn
  'metrics-job'?: string
  severity: SeverityRules
  timeout?: number
}

export function readLintInputs(env: Env = process.env): LintInputs {
  const input = new ActionInputs('lint', env)
  const lines = input.lines('linters')
  const wrap = <T>(name: string, fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      if (error instanceof InputError)
        throw new InputError(
          `lint: input '${name}': ${error.message}`,
          error.hint === undefined ? {} : { hint: error.hint }
        )
      throw error
    }
  }
  const out: LintInputs = {
    linters: wrap('linters', () =>
      parseLinters(lines.length === 0 ? ['flake8'] : lines, 'linters')
    ),
    paths: input.lines('paths'),
    'only-changed': input.boolean('only-changed', true),
    'fail-on': input.choice('fail-on', FAIL_ON, 'error'),
    severity: wrap('severity', () =>
      parseSeverityRules(input.lines('severity'), 'severity')
    )
  }
  const base = input.string('base-ref')
  if (base !== undefined) out['base-ref'] = base
  const job = input.string('metrics-job')
  if (job !== undefined) out['metrics-job'] = job
  const timeout = input.duration('timeout')
  if (timeout !== undefined) out.timeout = timeout
  return out
}

/** The options of {@link runLint} for the action, rooted at the workspace. */
export function lintOptionsFromInputs(
  inputs: LintInputs,
  workspace: string,
  reportFile: string,
  env: Env = process.env
): LintOptions {
  const options: LintOptions = {
    root: workspace,
    linters: inputs.linters,
    onlyChanged: inputs['only-changed'],
    failOn: inputs['fail-on'],
    severity: inputs.severity,
    annotationLimit: ANNOTATIONS_PER_KIND,
    reportFile,
    env
  }
  if (inputs.paths.length > 0) options.paths = inputs.paths
  if (inputs['base-ref'] !== undefined) options.baseRef = inputs['base-ref']
  const job = inputs['metrics-job']
  if (job !== undefined)
    options.metricsJob = isAbsolute(job) ? job : join(workspace, job)
  if (inputs.timeout !== undefined) options.timeoutMs = inputs.timeout
  return options
}

/** The action's outputs (action.yml lists them). */
export function lintOutputs(
  r: LintResult,
  report: string
): Record<string, string | number> {
  return {
    findings: r.totals.findings,
    errors: r.totals.errors,
    warnings: r.totals.warnings,
    notices: r.totals.notices,
    total: r.all,
    counts: JSON.stringify(lintCounts(r)),
    report
  }
}

/** The failure message when the step fails on its findings. */
export function lintFailureMessage(r: LintResult): string {
  const t = r.totals
  const what =
    r.failOn === 'warning'
      ? `${plural(t.errors, 'error')} and ${plural(t.warnings, 'warning')}`
      : plural(t.errors, 'error')
  return `lint: ${what}${r.changed === undefined ? '' : ' on changed lines'} (fail-on: ${r.failOn})`
}
