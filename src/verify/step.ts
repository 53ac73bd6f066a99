/**
 * The verify step, whichever door it is run from: the `verify` action,
 * `stackci verify check` and the pipeline's verify step read their inputs
 * into one {@link VerifyInputs}, run {@link runVerify} (the gate's one loop
 * over the job files) and show {@link verifySummary}.
 */

import { resolve } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import type { StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import { InputError } from '../core/errors.js'
import { formatOutcome, plural } from '../core/format.js'
import { displayPath } from '../core/glob.js'
import type { Reporter } from '../core/reporter.js'
import {
  configSource,
  flagSource,
  layered,
  StepInputs,
  type InputSource
} from '../core/step-inputs.js'
import { expandJobPaths, type JobOutcome } from './check.js'
import { runVerifyGate, type VerifyGateResult } from './gate.js'
import {
  formatComparison,
  formatMarkdownTable,
  formatTextTable,
  STATUS_MARK,
  textRows
} from './report.js'
import { unknownMetricMessage } from './unknown-metrics.js'

/** Keys mirror actions/verify/action.yml. */
export interface VerifyInputs {
  /** The directory holding metrics/ and specs/. */
  definitions: string
  /** Job files, directories of `*.verify.json`, or globs. */
  jobs: string[]
  /** Only specifications carrying all of these tags. */
  tags: string[]
  /** A specification without a value, or an unknown metric, fails too. */
  strict: boolean
  'fail-on-failure': boolean
}

/** The jobs the verify step checks when stackci.yml names none. */
export const DEFAULT_VERIFY_JOBS: readonly string[] = ['**/*.verify.json']

const DEFINITIONS_HINT =
  'the directory holding metrics/ and specs/ (in stackci.yml: verify.definitions)'

function readDefinitions(r: StepInputs): string {
  if (!r.has('definitions'))
    r.fail('definitions', 'is required and was not supplied', DEFINITIONS_HINT)
  return r.required('definitions')
}

/** The one parser: the same checks and wording from every source. */
export function readVerifyInputs(r: StepInputs): VerifyInputs {
  const inputs: VerifyInputs = {
    definitions: readDefinitions(r),
    jobs: r.lines('jobs'),
    tags: r.list('tags'),
    strict: r.boolean('strict', false),
    'fail-on-failure': r.boolean('fail-on-failure', true)
  }
  if (inputs.jobs.length === 0)
    r.fail(
      'jobs',
      'is required and was not supplied',
      'verify job files, directories of *.verify.json, or globs'
    )
  return inputs
}

export function verifyInputsFromAction(env: Env): VerifyInputs {
  return readVerifyInputs(new ActionInputs('verify', env))
}

/**
 * stackci.yml's `verify:` section with its paths made absolute (they are
 * relative to the file), and the pipeline's default jobs.
 */
function configVerifySource(config: StackciConfig): InputSource {
  const section = config.verify
  const at = (path: string): string => resolve(config.baseDir, path)
  const jobs = section?.jobs ?? DEFAULT_VERIFY_JOBS
  return configSource(
    config.file,
    'verify',
    section && {
      ...section,
      definitions: at(section.definitions),
      jobs: (typeof jobs === 'string' ? [jobs] : jobs).map(at)
    }
  )
}

/**
 * `stackci verify check`: its flags (`jobs` = the arguments and the
 * `--jobs-from` list) over stackci.yml's `verify:` section when there is one.
 */
export function verifyInputsFromFlags(
  flags: object,
  config?: StackciConfig
): VerifyInputs {
  return readVerifyInputs(flagInputs(flags, config))
}

/** `stackci verify list`: `--definitions`, else stackci.yml's. */
export function definitionsFromFlags(
  flags: object,
  config?: StackciConfig
): string {
  return readDefinitions(flagInputs(flags, config))
}

function flagInputs(flags: object, config?: StackciConfig): StepInputs {
  const cli = flagSource(flags)
  const args: InputSource = {
    describe: (key) =>
      key === 'jobs'
        ? 'job files (arguments or --jobs-from)'
        : cli.describe(key),
    get: (key) => cli.get(key)
  }
  const sources = [args]
  if (config?.verify !== undefined) sources.push(configVerifySource(config))
  return new StepInputs(layered(...sources))
}

/** The pipeline's verify step: stackci.yml's `verify:` section. */
export function verifyInputsFromConfig(config: StackciConfig): VerifyInputs {
  return readVerifyInputs(new StepInputs(configVerifySource(config)))
}

export interface VerifyDeps {
  reporter: Reporter
  /**
   * Relative definitions and jobs resolve here (the workspace); without it
   * they stay relative to the working directory, as a terminal shows them.
   */
  root?: string
  /** The job files, already chosen (the pipeline's run): `jobs` is not expanded. */
  files?: readonly string[]
  /** Write the JSON report here. */
  reportFile?: string
  includeUnmeasured?: boolean
  concurrency?: number
  /** Log and show progress from this many files on (default: always). */
  progressFrom?: number
  /** Each job as it is checked, in input order, and how many there are. */
  onJob?: (outcome: JobOutcome, total: number) => void | Promise<void>
}

export interface VerifyResult extends VerifyGateResult {
  /** The JSON report, when written. */
  report?: string
}

/** Checks the jobs against the definitions: the gate's one loop. */
export async function runVerify(
  inputs: VerifyInputs,
  deps: VerifyDeps
): Promise<VerifyResult> {
  const at = (path: string): string =>
    deps.root === undefined ? path : resolve(deps.root, path)
  const files = deps.files ?? (await expandJobPaths(inputs.jobs, deps.root))
  if (files.length === 0)
    throw new InputError(
      `no *.verify.json files found in ${inputs.jobs.join(', ')}`
    )
  const definitions = at(inputs.definitions)
  // Said before the definitions load (the longest part of the start).
  if (files.length >= (deps.progressFrom ?? 0))
    deps.reporter.info(
      `verify: ${plural(files.length, 'job file')} against the definitions in ${displayPath(definitions)}`
    )
  const result = await runVerifyGate(
    {
      definitions,
      files,
      strict: inputs.strict,
      ...(inputs.tags.length === 0 ? {} : { tags: inputs.tags }),
      ...(deps.includeUnmeasured === true ? { includeUnmeasured: true } : {}),
      ...(deps.concurrency === undefined
        ? {}
        : { concurrency: deps.concurrency }),
      ...(deps.progressFrom === undefined
        ? {}
        : { progressFrom: deps.progressFrom }),
      ...(deps.reportFile === undefined ? {} : { reportFile: deps.reportFile }),
      ...(deps.onJob === undefined ? {} : { onJob: deps.onJob })
    },
    deps.reporter
  )
  return deps.reportFile === undefined
    ? result
    : { ...result, report: deps.reportFile }
}

/** The action's outputs (action.yml lists them). */
export function verifyOutputs(
  r: VerifyResult
): Record<string, string | number> {
  const t = r.totals
  return {
    passed: t.passed,
    failed: t.failed,
    'no-value': t.noValue,
    jobs: t.jobs,
    report: r.report ?? ''
  }
}

/** Why the step fails, or undefined when it does not. */
export function verifyFailure(
  r: VerifyResult,
  inputs: VerifyInputs
): string | undefined {
  if (r.passed || !inputs['fail-on-failure']) return undefined
  const t = r.totals
  const strict = r.strict
    ? [
        ...(t.noValue > 0 ? [`${t.noValue} without a value`] : []),
        ...(r.unknown.length > 0
          ? [plural(r.unknown.length, 'unknown metric')]
          : [])
      ]
    : []
  return [
    `${t.failed} specification(s) failed`,
    ...(t.errors > 0 ? [`${t.errors} job file(s) unreadable`] : []),
    ...strict.map((s) => `${s} (strict)`)
  ].join(', ')
}

export interface SummaryOptions {
  /** Rows listed at most (failing specifications, unknown metrics). */
  cap?: number
  /**
   * `threshold`: measurements in the threshold's unit with significant
   * digits (a terminal); default lsst.verify's report format.
   */
  units?: 'lsst' | 'threshold'
  /** Where the rest is: `the JSON report` unless said. */
  rest?: string
}

/** The job-summary Markdown; the CLI prints it too (capped). */
export function verifySummary(
  r: VerifyResult,
  options: SummaryOptions = {}
): string {
  const cap = options.cap ?? 200
  const rest = options.rest ?? r.report ?? 'the JSON report'
  const t = r.totals
  const lines = [
    `### ${r.passed ? '✅' : '❌'} Verification: ${formatOutcome(t)} (${plural(t.jobs, 'job')})`,
    ''
  ]
  if (r.failures.length > 0) {
    const files = new Set(r.failures.map((f) => f.file))
    const listed = r.failures.slice(0, cap)
    const shown = listed.map((f) =>
      options.units === 'threshold' ? f.inUnit : f
    )
    const jobs = listed.map((f) => displayPath(f.file))
    lines.push(
      files.size > 1
        ? formatMarkdownTable(shown, jobs)
        : formatMarkdownTable(shown)
    )
    if (r.failures.length > cap)
      lines.push(
        '',
        `… and ${r.failures.length - cap} more failures (see ${rest}).`
      )
  }
  if (r.strict && t.noValue > 0)
    lines.push(
      '',
      `${plural(t.noValue, 'specification')} without a value fail (strict).`
    )
  if (r.unknown.length > 0) {
    lines.push(
      '',
      `${r.strict ? '❌' : '⚠️'} ${plural(r.unknown.length, 'measurement')} of metrics not in the definitions:`,
      ''
    )
    for (const u of r.unknown.slice(0, cap))
      lines.push(`- \`${displayPath(u.file)}\`: ${unknownMetricMessage(u)}`)
    if (r.unknown.length > cap)
      lines.push(`- … and ${r.unknown.length - cap} more`)
  }
  for (const e of r.errors.slice(0, cap))
    lines.push('', `- \`${e.file}\`: ${e.message.split('\n')[0] ?? ''}`)
  return lines.join('\n')
}

/**
 * One job as `stackci verify check` prints it: its counts, then the whole
 * table or only the failing specifications, in the threshold's unit.
 */
export function formatJobText(outcome: JobOutcome, table: boolean): string {
  if (outcome.error !== undefined || outcome.results === undefined)
    return `${outcome.file}: not checked\n`
  const c = outcome.counts ?? { passed: 0, failed: 0, noValue: 0 }
  const head = `${outcome.file}: ${formatOutcome(c)}`
  if (outcome.results.length === 0)
    return `${head} (no specification applies to this job)\n`
  if (table) return `${head}\n${formatTextTable(textRows(outcome.results))}\n\n`
  const failed = outcome.results.filter((r) => r.passed === false)
  return `${head}\n${failed.map((r) => `  ${STATUS_MARK.fail} ${r.spec.name}: ${formatComparison(r)}\n`).join('')}`
}
