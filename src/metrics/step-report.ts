/**
 * The dispatch-metrics step's report: the outcome of a metrics run composed
 * by notify (the Markdown summary, the sticky PR comment, the Slack alert),
 * told through publish.ts, and turned into the JSON report, the action's
 * outputs and the failure. Problems telling people do not hide the gate:
 * they join `errors`, which fail the step after its outputs are set.
 */

import type { Octokit } from '@octokit/rest'
import type { WebClient } from '@slack/web-api'
import { writeFile } from 'node:fs/promises'
import { errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import {
  commentMarker,
  metricsComment,
  metricsMarkdown,
  metricsSlackMessage
} from '../notify/index.js'
import type { MetricsOutcome } from './outcome.js'
import {
  postSlackAlert,
  upsertComment,
  type CommentResult,
  type SlackResult
} from './publish.js'
import { metricsReportJson, type MetricsReportJson } from './report-json.js'
import type { MetricsRunDeps, MetricsRunResult } from './run.js'
import type { MetricsSettings } from './settings.js'

export interface TellDeps extends MetricsRunDeps {
  octokit?: (token: string) => Octokit | Promise<Octokit>
  slack?: (token: string) => WebClient | Promise<WebClient>
  /** Where the JSON report is written (the action's `report` output). */
  reportFile?: string
}

/** What the step did, for the doors. */
export interface DispatchMetricsResult {
  /** What the run was resolved to (stores, baseline, gate). */
  settings: MetricsSettings
  outcome: MetricsOutcome
  /** The job summary (and what the CLI prints). */
  markdown: string
  json: MetricsReportJson
  /** Dry run: what each store would receive, per job. */
  preview?: unknown
  /** Problems reading history or telling people: the step fails on them. */
  errors: string[]
  /** The JSON report's file, when one was written. */
  reportFile?: string
  /** Why the step fails, one reason a line; undefined: it does not. */
  failure?: string
  /** The CLI's: 0 passed, 1 the gate failed, 2 an error (or a spooled send with fail-on-spool). */
  exitCode: 0 | 1 | 2
}

/** Composes and tells the report of a metrics run. */
export async function reportMetrics(
  run: MetricsRunResult,
  settings: MetricsSettings,
  inputs: {
    'dry-run': boolean
    'fail-on-gate': boolean
    'fail-on-spool': boolean
  },
  deps: TellDeps
): Promise<DispatchMetricsResult> {
  const { outcome } = run
  const options = {
    keyMetrics: settings.report.keyMetrics,
    trendPoints: settings.report.trendPoints
  }
  const errors = [...run.errors]
  const told = inputs['dry-run']
    ? {}
    : await tell(outcome, settings, deps, errors, options)
  for (const e of errors) deps.reporter.error(e)
  const json = metricsReportJson(outcome, {
    ...told,
    ...(run.replay === undefined ? {} : { replay: run.replay }),
    errors
  })
  if (deps.reportFile !== undefined)
    await writeFile(deps.reportFile, `${JSON.stringify(json)}\n`)
  const spooled = outcome.dispatch?.spooled ?? 0
  const gateFails = !outcome.passed && inputs['fail-on-gate']
  const spoolFails = spooled > 0 && inputs['fail-on-spool']
  const reasons = [
    ...(gateFails
      ? [`metrics gate failed: ${outcome.gate?.reasons.join('; ') ?? ''}`]
      : []),
    ...(spoolFails ? [`${spooled} send(s) were spooled`] : []),
    ...errors
  ]
  return {
    settings,
    outcome,
    markdown: metricsMarkdown(outcome, options),
    json,
    ...(run.preview === undefined ? {} : { preview: run.preview }),
    errors,
    ...(deps.reportFile === undefined ? {} : { reportFile: deps.reportFile }),
    ...(reasons.length === 0 ? {} : { failure: reasons.join('\n') }),
    exitCode: errors.length > 0 || spoolFails ? 2 : gateFails ? 1 : 0
  }
}

async function tell(
  outcome: MetricsOutcome,
  settings: MetricsSettings,
  deps: TellDeps,
  errors: string[],
  options: { keyMetrics: string[]; trendPoints: number }
): Promise<{ comment?: CommentResult; slack?: SlackResult }> {
  const out: { comment?: CommentResult; slack?: SlackResult } = {}
  const reporter: Reporter = deps.reporter
  const c = settings.comment
  if (c !== undefined && deps.octokit !== undefined) {
    try {
      const runUrl = outcome.jobs[0]?.provenance.workflowRunUrl
      const body = metricsComment(outcome, c.key, {
        ...options,
        ...(runUrl === undefined ? {} : { runUrl })
      })
      reporter.mask(c.token)
      out.comment = await upsertComment(
        await deps.octokit(c.token),
        {
          repository: c.repository,
          issue: c.issue,
          marker: commentMarker(c.key)
        },
        body,
        {
          reporter,
          ...(deps.clock === undefined ? {} : { clock: deps.clock }),
          ...(deps.retries === undefined ? {} : { retries: deps.retries })
        }
      )
      reporter.info(`PR comment ${out.comment.action}: ${out.comment.url}`)
    } catch (error) {
      errors.push(`the PR comment failed: ${errorMessage(error)}`)
    }
  }
  const s = settings.slack
  const message =
    s === undefined ? undefined : metricsSlackMessage(outcome, s.on)
  if (s !== undefined && message !== undefined && deps.slack !== undefined) {
    try {
      reporter.mask(s.token)
      out.slack = await postSlackAlert(
        await deps.slack(s.token),
        s.channel,
        message,
        s.threadTs
      )
      reporter.info(`Slack alert posted to ${s.channel} (${out.slack.ts})`)
    } catch (error) {
      errors.push(`the Slack alert failed: ${errorMessage(error)}`)
    }
  }
  return out
}

/** The action's outputs (action.yml), from the step's result. */
export function dispatchMetricsOutputs(
  result: DispatchMetricsResult
): Record<string, string | number | boolean> {
  const o = result.outcome
  return {
    passed: o.passed,
    failures: o.gate?.failures.length ?? 0,
    warnings: o.gate?.warnings.length ?? 0,
    regressions: o.comparisons.filter((c) => c.verdict === 'regression').length,
    jobs: o.jobs.length,
    spooled: o.dispatch?.spooled ?? 0,
    report: result.reportFile ?? '',
    'comment-url': result.json.comment?.url ?? '',
    'slack-ts': result.json.slack?.ts ?? ''
  }
}

/**
 * The job summary: the report in Markdown (its tables are already capped,
 * the rest is in the JSON report).
 */
export function dispatchMetricsSummary(result: DispatchMetricsResult): string {
  return result.markdown
}
