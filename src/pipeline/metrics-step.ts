/**
 * The verify and dispatch-metrics steps: the jobs this run produced (or the
 * configured globs) evaluated against the specifications, sent to the
 * profile's stores, compared with history, gated — the Slack alert going to
 * the run's thread.
 */

import { existsSync } from 'node:fs'
import type { MetricsSection, ProfileSection } from '../core/config.js'
import { InputError } from '../core/errors.js'
import { expandGlobs } from '../core/glob.js'
import { LINT_PACKAGE, violationsMetric } from '../lint/metrics-job.js'
import type { BaselineSettings, Comparison } from '../metrics/history.js'
import {
  dispatchMetricsInputsFromConfig,
  dispatchMetricsSummary,
  runDispatchMetrics
} from '../metrics/step.js'
import { DEFAULT_GATE, gateLevel } from '../metrics/gate.js'
import {
  formatComparison,
  runVerify,
  verifyInputsFromConfig,
  verifySummary
} from '../verify/index.js'
import { mergeBaseOf } from './merge-base.js'
import { variablesOf } from './preflight.js'
import { formatOutcome, plural, TERMINAL_CAP } from '../core/format.js'
import { type RunState, type StepDone } from './state.js'

/**
 * The jobs given (collect mode: `--jobs`, relative to the working
 * directory), else this run's, else the files the patterns match under the
 * config.
 */
async function jobFiles(
  run: RunState,
  patterns: readonly string[]
): Promise<string[]> {
  const given = run.options.jobs
  if (given !== undefined) {
    const files = await expandGlobs(process.cwd(), given)
    if (files.length === 0)
      throw new InputError(`no job files match --jobs ${given.join(', ')}`)
    return files
  }
  if (run.jobs !== undefined) {
    if (run.jobs.length === 0)
      throw new InputError('the integration step collected no jobs')
    return run.jobs
  }
  const files = await expandGlobs(run.config.baseDir, patterns)
  if (files.length === 0) {
    throw new InputError(
      `no job files match ${patterns.join(', ')} under ${run.config.baseDir}`
    )
  }
  return files
}

const listOf = (v: string | readonly string[]): string[] =>
  typeof v === 'string' ? [v] : [...v]

export async function verifyStep(run: RunState): Promise<StepDone> {
  const section = run.config.verify
  if (section === undefined) {
    return { status: 'skipped', detail: 'no verify: section' }
  }
  const inputs = verifyInputsFromConfig(run.config)
  const files = await jobFiles(run, inputs.jobs)
  const result = await runVerify(inputs, { reporter: run.reporter, files })
  await run.reporter.summary(verifySummary(result))
  const t = result.totals
  // The gate's levels: a failing `design` spec warns, a `minimum` one fails.
  const gate = { ...DEFAULT_GATE, ...run.config.metrics?.gate }
  const levels = { fail: listOf(gate.fail), warn: listOf(gate.warn) }
  const level = (tags: string): string =>
    gateLevel(tags.split(/[\s,]+/).filter(Boolean), {
      ...levels,
      regressions: 'ignore'
    })
  const failing = result.failures.filter((f) => level(f.tags) === 'fail')
  const warning = result.failures.filter((f) => level(f.tags) === 'warn')
  const names = (rows: typeof failing): string =>
    [...new Set(rows.map((r) => r.spec))].join(', ')
  return {
    status:
      failing.length > 0 || result.errors.length > 0 ? 'failed' : 'passed',
    // For the terminal, under the closing table: the failing specifications.
    ...(result.passed
      ? {}
      : { summary: verifySummary(result, { cap: TERMINAL_CAP }) }),
    detail: [
      `${plural(t.jobs, 'job')}: ${formatOutcome(t)}`,
      ...(failing.length > 0 ? [`failing: ${names(failing)}`] : []),
      ...(warning.length > 0 ? [`warning: ${names(warning)}`] : [])
    ].join('; ')
  }
}

/**
 * The `metrics:` section as a profile uses it: only its stores, and no
 * Slack alert when its alerts are off — so nothing it does not use is
 * resolved, or asks for credentials.
 */
function metricsFor(
  section: MetricsSection | undefined,
  profile: ProfileSection
): MetricsSection | undefined {
  if (section === undefined) return undefined
  const only = profile.stores
  const out: MetricsSection = { ...section }
  if (only !== undefined && section.stores !== undefined) {
    out.stores = Object.fromEntries(
      Object.entries(section.stores).filter(([name]) =>
        (only as string[]).includes(name)
      )
    )
  }
  if (profile.alerts === false && section.notify !== undefined) {
    const { slack: _alert, ...notify } = section.notify
    out.notify = notify
  }
  return out
}

/**
 * Off the baseline series (a PR, a branch), main's history counts as of
 * the merge base: its points before main moved past it.
 */
function compareAtMergeBase(run: RunState, baseline: BaselineSettings): void {
  const isPr = run.release?.kind === 'pr' || run.profile.kind === 'pr'
  const branch = variablesOf(run)['git.ref'].value
  if (!isPr && (branch === undefined || branch === baseline.series)) return
  const base = variablesOf(run)['pr.base_ref'].value ?? baseline.series
  const head = variablesOf(run)['pr.head_sha'].value
  const found =
    mergeBaseOf(run.config.baseDir, base, head) ??
    mergeBaseOf(run.config.baseDir, base)
  baseline.oneBreach = true
  if (found === undefined) {
    run.reporter.warning(
      `no merge base with ${base} here (not fetched?): comparing with the newest ${baseline.series}`
    )
    return
  }
  baseline.commit = found.commit
  if (found.before !== undefined) baseline.before = found.before
  run.reporter.info(
    `comparing with ${baseline.series} at the merge base ${found.commit}${found.before === undefined ? '' : ` (its points before ${new Date(found.before).toISOString()})`}`
  )
}

/**
 * The lint ratchet on a PR: a linter's count above main's (its newest
 * point at the merge base) fails, naming the codes found on the changed
 * lines. Counts may only go down.
 */
function ratchetBreaches(
  run: RunState,
  comparisons: readonly Comparison[],
  baseline: BaselineSettings
): string[] {
  const out: string[] = []
  for (const c of comparisons) {
    if (!c.metric.startsWith(`${LINT_PACKAGE}.`)) continue
    const main = c.history.at(-1)
    if (main === undefined || c.value <= main.value) continue
    const linter = Object.keys(run.lintCodes ?? {}).find(
      (l) => violationsMetric(l) === c.metric
    )
    const codes = Object.entries(run.lintCodes?.[linter ?? ''] ?? {})
      .map(([code, n]) => `${code} ×${n}`)
      .join(', ')
    out.push(
      `lint ratchet: ${c.metric} ${c.value} > ${main.value} on ${baseline.series}${baseline.commit === undefined ? '' : ` at ${baseline.commit}`}${codes === '' ? '' : ` (new on the changed lines: ${codes})`}`
    )
  }
  return out
}

export async function dispatchMetricsStep(run: RunState): Promise<StepDone> {
  const { config, profile } = run
  if (run.jobs?.length === 0 && run.integration?.passed === false)
    return {
      status: 'skipped',
      detail: 'nothing to record: the failed integration step collected no jobs'
    }
  const image = run.image
  const inputs = dispatchMetricsInputsFromConfig(config, profile.section, {
    env: run.env,
    ...(run.slackThread === undefined ? {} : { slackThread: run.slackThread }),
    provenance: {
      ...(image === undefined
        ? {}
        : {
            'image-digest': image.digest ?? image.imageId,
            'release-tag': image.release.eups ?? image.release.tag
          }),
      ...(run.jenkins?.buildUrl === undefined
        ? {}
        : { 'jenkins-build-url': run.jenkins.buildUrl })
    }
  })
  const patterns = config.metrics?.jobs ?? config.verify?.jobs
  const files = await jobFiles(run, patterns ?? ['**/*.verify.json'])
  // The ratchet's counts join the history, except from a laptop's `local`.
  if (
    run.lintJob !== undefined &&
    run.profile.name !== 'local' &&
    existsSync(run.lintJob)
  )
    files.push(run.lintJob)
  const result = await runDispatchMetrics(inputs, {
    reporter: run.reporter,
    env: run.clientEnv,
    workspace: config.baseDir,
    config: { ...config, metrics: metricsFor(config.metrics, profile.section) },
    files,
    defaultSqlite: true,
    adjust: (settings) => {
      compareAtMergeBase(run, settings.baseline)
    }
  })
  await run.reporter.summary(dispatchMetricsSummary(result))
  const { settings, outcome: o } = result
  run.sqliteStore = settings.stores.sqlite?.path
  const ratchet =
    settings.baseline.oneBreach === true ||
    o.jobs.some((j) => j.series.startsWith('pr/'))
      ? ratchetBreaches(run, o.comparisons, settings.baseline)
      : []
  if (ratchet.length > 0)
    await run.reporter.summary(
      `### ❌ Lint ratchet\n\n${ratchet.map((r) => `- ${r}`).join('\n')}\n`
    )
  const spooled = o.dispatch?.spooled ?? 0
  const stores = Object.keys(settings.stores)
  const regressionCount = o.comparisons.filter(
    (c) => c.verdict === 'regression'
  ).length
  const failed = !o.passed || result.errors.length > 0 || ratchet.length > 0
  // For the terminal, under the closing table: what failed the gate.
  const failing = (o.gate?.failures ?? []).slice(0, TERMINAL_CAP)
  const summary = [
    ...failing.map(
      (f) =>
        `- ${f.result.spec.name}: ${formatComparison(f.result)} (${f.source})`
    ),
    ...((o.gate?.failures.length ?? 0) > failing.length
      ? [
          `- … ${plural(o.gate?.failures.length ?? 0, 'failure')} in all: see the job summary or the report`
        ]
      : []),
    ...ratchet.map((r) => `- ${r}`)
  ].join('\n')
  return {
    status: failed ? 'failed' : 'passed',
    ...(summary === '' ? {} : { summary }),
    detail: [
      `${plural(o.jobs.length, 'job')} to ${stores.join(', ') || 'no store'}`,
      ...(spooled > 0 ? [`${spooled} spooled for replay`] : []),
      `${plural(o.gate?.failures.length ?? 0, 'failure')}, ${plural(o.gate?.warnings.length ?? 0, 'warning')}, ${plural(regressionCount, 'regression')}`,
      ...ratchet,
      ...result.errors.map((e) => e.split('\n')[0] ?? '')
    ].join('; ')
  }
}
