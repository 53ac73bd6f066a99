/**
 * The lint step: run every linter in the project root, keep the findings on
 * the pull request's changed lines (or all of them), decide pass/fail from
 * `fail-on`, annotate within the runner's limits, and write the JSON
 * report and the ratchet's metrics job. The doors show the summary
 * (step.ts).
 */

import { resolve } from 'node:path'
import { formatMs } from '../core/format.js'
import type { Progress, Reporter } from '../core/reporter.js'
import { annotateFindings, type AnnotationTally } from './annotate.js'
import type { Env } from '../core/env.js'
import { resolveBase } from './base.js'
import {
  changedLines,
  filterChanged,
  type ChangedLines
} from './changed-lines.js'
import {
  compareFindings,
  countCodes,
  countSeverities,
  type Finding,
  type SeverityCounts
} from './finding.js'
import { plural } from '../core/format.js'
import type { Linter } from './linters.js'
import { writeLintMetricsJob } from './metrics-job.js'
import { writeLintReport } from './report.js'
import { runCommandLinter, type LinterRun } from './runner.js'
import type { SeverityRules } from './severity.js'
import { runVerifyYamlLinter } from './verify-yaml.js'

export type FailOn = 'error' | 'warning' | 'never'
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'never']

export interface LintOptions {
  /** The project root: linters run here; finding paths are relative to it. */
  root: string
  linters: readonly Linter[]
  /** Handed to every command linter; none: each linter's default. */
  paths?: readonly string[]
  /** Keep only findings on lines the pull request changed (when there is a base). */
  onlyChanged?: boolean
  /** Compare with this instead of the event's base. */
  baseRef?: string
  /** The commit under test (default HEAD). */
  head?: string
  /** Where the event comes from (GITHUB_EVENT_NAME, …); default process.env. */
  env?: Env
  failOn?: FailOn
  severity?: SeverityRules
  timeoutMs?: number
  /** Annotate up to this many findings per kind; 0 for none (the CLI). */
  annotationLimit?: number
  reportFile?: string
  metricsJob?: string
  signal?: AbortSignal
}

export interface LinterResult {
  name: string
  command: string[]
  exitCode: number
  durationMs: number
  /** Findings in the whole linted tree. */
  all: number
  /** Whole-tree findings per code (the ratchet). */
  counts: Record<string, number>
  /** The findings kept (on changed lines, or all). */
  kept: SeverityCounts
  unparsed: number
}

export interface LintResult {
  linters: LinterResult[]
  /** Kept findings, sorted by file, line, column. */
  findings: Finding[]
  totals: SeverityCounts
  /** Findings before the changed-lines filter. */
  all: number
  /** The base compared with; undefined when every finding is reported. */
  base?: string
  baseReason: string
  /** The changed lines when the filter applied. */
  changed?: ChangedLines
  failOn: FailOn
  passed: boolean
  annotations?: AnnotationTally
}

/** Does this result fail at `failOn`? */
export function lintFails(totals: SeverityCounts, failOn: FailOn): boolean {
  if (failOn === 'never') return false
  return totals.errors > 0 || (failOn === 'warning' && totals.warnings > 0)
}

async function runOne(
  linter: Linter,
  options: LintOptions,
  progress: Progress
): Promise<LinterRun> {
  if (linter.kind === 'verify-yaml') {
    return runVerifyYamlLinter(linter, {
      root: options.root,
      ...(options.severity === undefined ? {} : { severity: options.severity })
    })
  }
  let n = 0
  return runCommandLinter(linter, {
    root: options.root,
    ...(options.paths === undefined ? {} : { paths: options.paths }),
    ...(options.severity === undefined ? {} : { severity: options.severity }),
    ...(options.timeoutMs === undefined
      ? {}
      : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onFinding: () => {
      // Every 50th: progress costs nothing next to the linter.
      if (++n % 50 === 0) progress.update(n)
    }
  })
}

/** Runs one linter in its own log group; returns its result and kept findings. */
async function lintOne(
  linter: Linter,
  options: LintOptions,
  changed: ChangedLines | undefined,
  reporter: Reporter
): Promise<{ result: LinterResult; kept: Finding[] }> {
  return reporter.group(`lint: ${linter.name}`, async () => {
    reporter.debug(`${linter.name}: ${linter.source}`)
    const progress = reporter.progress(`${linter.name}: findings so far`)
    let run: LinterRun
    try {
      run = await runOne(linter, options, progress)
    } catch (error) {
      progress.done(`${linter.name}: failed`)
      throw error
    }
    const kept =
      changed === undefined
        ? run.findings
        : filterChanged(run.findings, changed)
    const counts = countSeverities(kept)
    progress.done(
      `${linter.name}: ${plural(run.findings.length, 'finding')}${changed === undefined ? '' : `, ${counts.findings} on changed lines`} (${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.notices, 'notice')}) in ${formatMs(run.durationMs)}: ${run.command.join(' ')}`
    )
    if (run.stderr.trim() !== '') {
      const tail = run.stderr.trimEnd().split('\n').slice(-20).join('\n')
      reporter.info(`${linter.name} stderr:\n${tail}`)
    }
    if (run.unparsed > 0) {
      reporter.debug(
        `${linter.name}: ${plural(run.unparsed, 'output line')} not findings, e.g. ${JSON.stringify(run.unparsedSample[0])}`
      )
    }
    return {
      kept,
      result: {
        name: run.linter,
        command: run.command,
        exitCode: run.exitCode,
        durationMs: run.durationMs,
        all: run.findings.length,
        counts: countCodes(run.findings),
        kept: counts,
        unparsed: run.unparsed
      }
    }
  })
}

/** Runs the step (see the module comment). Linter failures throw. */
export async function runLint(
  given: LintOptions,
  reporter: Reporter
): Promise<LintResult> {
  const options = { ...given, root: resolve(given.root) }
  const failOn = options.failOn ?? 'error'
  const choice =
    options.onlyChanged === true
      ? await resolveBase(options.baseRef, options.env ?? process.env)
      : { reason: 'only-changed is off: every finding is reported' }
  reporter.info(choice.reason)
  // Resolve the diff first: a bad base should fail before minutes of linting.
  const changed =
    choice.base === undefined
      ? undefined
      : await changedLines(options.root, choice.base, options.head)
  if (changed !== undefined) {
    reporter.info(
      `${plural(changed.size, 'file')} changed since ${choice.base ?? ''}`
    )
  }
  const linters: LinterResult[] = []
  const findings: Finding[] = []
  let all = 0
  for (const linter of options.linters) {
    const one = await lintOne(linter, options, changed, reporter)
    linters.push(one.result)
    all += one.result.all
    for (const f of one.kept) findings.push(f)
  }
  findings.sort(compareFindings)
  const totals = countSeverities(findings)
  const result: LintResult = {
    linters,
    findings,
    totals,
    all,
    ...(choice.base === undefined ? {} : { base: choice.base }),
    baseReason: choice.reason,
    ...(changed === undefined ? {} : { changed }),
    failOn,
    passed: !lintFails(totals, failOn)
  }
  const limit = options.annotationLimit ?? 0
  if (limit > 0)
    result.annotations = annotateFindings(
      findings,
      reporter,
      limit,
      !result.passed
    )
  if (options.reportFile !== undefined)
    await writeLintReport(options.reportFile, result)
  if (options.metricsJob !== undefined) {
    await writeLintMetricsJob(options.metricsJob, linters, {
      lint: { linters: linters.map((l) => l.name), base: choice.base ?? null }
    })
    reporter.info(
      `ratchet: ${linters.map((l) => `${l.name} ${l.all}`).join(', ')} written to ${options.metricsJob}`
    )
  }
  return result
}
