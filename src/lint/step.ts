/**
 * The lint step, whichever door it is run from: the `lint` action, `stackci
 * lint` and the pipeline's lint step read their inputs into one
 * {@link LintInputs}, run {@link runLintStep} and show {@link lintSummary}.
 */

import { resolve } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import type { StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import { plural } from '../core/format.js'
import type { Reporter } from '../core/reporter.js'
import {
  configSource,
  flagSource,
  layered,
  StepInputs
} from '../core/step-inputs.js'
import { ANNOTATIONS_PER_KIND } from './annotate.js'
import { parseLinters, type Linter } from './linters.js'
import { lintCounts } from './report.js'
import {
  FAIL_ON,
  runLint,
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
  /** Milliseconds. */
  timeout?: number
}

/**
 * The one parser: the same checks and wording from every source.
 * `onlyChanged` is the default of `only-changed`: on for the action and the
 * pipeline (a pull request's lines), off in a terminal.
 */
export function readLintInputs(
  r: StepInputs,
  onlyChanged: boolean
): LintInputs {
  const linters = r.lines('linters')
  const inputs: LintInputs = {
    linters: parseLinters(
      linters.length === 0 ? ['flake8'] : linters,
      r.source.describe('linters')
    ),
    paths: r.lines('paths'),
    'only-changed': r.boolean('only-changed', onlyChanged),
    'fail-on': r.choice('fail-on', FAIL_ON, 'error'),
    severity: parseSeverityRules(
      r.lines('severity'),
      r.source.describe('severity')
    )
  }
  const base = r.string('base-ref')
  if (base !== undefined) inputs['base-ref'] = base
  const job = r.string('metrics-job')
  if (job !== undefined) inputs['metrics-job'] = job
  const timeout = r.duration('timeout')
  if (timeout !== undefined) inputs.timeout = timeout
  return inputs
}

export function lintInputsFromAction(env: Env): LintInputs {
  return readLintInputs(new ActionInputs('lint', env), true)
}

function configLintSource(
  config: StackciConfig
): ReturnType<typeof configSource> {
  return configSource(config.file, 'lint', config.lint)
}

/**
 * `stackci lint`: its flags (`linters` = every `--linter` and `--linters`
 * line, `paths` = the arguments and `--paths`) over stackci.yml's `lint:`
 * section when there is one. `--metrics-job` is relative to the working
 * directory, as a terminal expects.
 */
export function lintInputsFromFlags(
  flags: object,
  config?: StackciConfig
): LintInputs {
  const cli = flagSource(flags, { linters: 'linter' })
  const inputs = readLintInputs(
    new StepInputs(
      config?.lint === undefined ? cli : layered(cli, configLintSource(config))
    ),
    false
  )
  const job = inputs['metrics-job']
  return job === undefined ? inputs : { ...inputs, 'metrics-job': resolve(job) }
}

/** The pipeline's lint step: stackci.yml's `lint:` section (or flake8). */
export function lintInputsFromConfig(config: StackciConfig): LintInputs {
  return readLintInputs(new StepInputs(configLintSource(config)), true)
}

export interface LintDeps {
  reporter: Reporter
  /** The project root: linters run here; a relative `metrics-job` too. */
  root: string
  /** Where the event comes from (GITHUB_EVENT_NAME, …). */
  env?: Env
  signal?: AbortSignal
  /** The commit under test (default HEAD). */
  head?: string
  /** Write the JSON report here. */
  reportFile?: string
  /** Annotate up to this many findings per kind (default: the runner's limit). */
  annotationLimit?: number
}

/** The options of {@link runLint} for these inputs. */
export function lintOptions(inputs: LintInputs, deps: LintDeps): LintOptions {
  const options: LintOptions = {
    root: deps.root,
    linters: inputs.linters,
    onlyChanged: inputs['only-changed'],
    failOn: inputs['fail-on'],
    severity: inputs.severity,
    annotationLimit: deps.annotationLimit ?? ANNOTATIONS_PER_KIND
  }
  if (inputs.paths.length > 0) options.paths = inputs.paths
  if (inputs['base-ref'] !== undefined) options.baseRef = inputs['base-ref']
  const job = inputs['metrics-job']
  if (job !== undefined) options.metricsJob = resolve(deps.root, job)
  if (inputs.timeout !== undefined) options.timeoutMs = inputs.timeout
  if (deps.reportFile !== undefined) options.reportFile = deps.reportFile
  if (deps.env !== undefined) options.env = deps.env
  if (deps.head !== undefined) options.head = deps.head
  if (deps.signal !== undefined) options.signal = deps.signal
  return options
}

/** Runs the linters (see run-lint.ts); a linter that cannot run throws. */
export async function runLintStep(
  inputs: LintInputs,
  deps: LintDeps
): Promise<LintResult> {
  return runLint(lintOptions(inputs, deps), deps.reporter)
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

/** Why the step fails on its findings, or undefined when it passes. */
export function lintFailure(r: LintResult): string | undefined {
  if (r.passed) return undefined
  const t = r.totals
  const what =
    r.failOn === 'warning'
      ? `${plural(t.errors, 'error')} and ${plural(t.warnings, 'warning')}`
      : plural(t.errors, 'error')
  return `lint: ${what}${r.changed === undefined ? '' : ' on changed lines'} (fail-on: ${r.failOn})`
}

/** The one-line verdict a terminal and the pipeline's table show. */
export function lintCountsLine(r: LintResult): string {
  const t = r.totals
  const scope = r.changed === undefined ? '' : ' on changed lines'
  return `${plural(t.findings, 'finding')}${scope}: ${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}, ${plural(t.notices, 'notice')} (${r.all} in the whole tree); fail-on ${r.failOn}: ${r.passed ? 'passed' : 'failed'}`
}
