/**
 * The report step: the static HTML report of the metric history (every run
 * so far, this one included) — from the SQLite store the metrics went to,
 * or the git store — thresholds from the definitions; then, when
 * `report.publish` is set for this profile, the report published to the
 * Pages branch (one page per profile, an index of past reports), its
 * address in the job summary and in the run's Slack thread. The step
 * itself is src/report/step.ts.
 */

import { displayPath } from '../core/glob.js'
import {
  publishedWhere,
  reportInputsFromConfig,
  reportStepSummary,
  runReport
} from '../report/step.js'
import type { RunState, StepDone } from './state.js'

export async function reportStep(run: RunState): Promise<StepDone> {
  const inputs = reportInputsFromConfig(
    run.config,
    { name: run.profile.name, stores: run.profile.section.stores },
    { store: run.sqliteStore, runId: run.runId }
  )
  if (inputs === undefined) {
    return {
      status: 'skipped',
      detail:
        'the report reads the SQLite or git store, and neither was written (add dispatch-metrics before report)'
    }
  }
  const result = await runReport(inputs, {
    reporter: run.reporter,
    env: run.clientEnv,
    config: run.config
  })
  run.report = result.report.out
  const m = result.report.model
  const detail = [
    `${displayPath(result.report.out)}: ${m.metrics.length} metrics, ${m.datasets.length} datasets, ${m.runs.length} runs`
  ]
  const where = publishedWhere(result)
  if (where !== undefined) detail.push(`published: ${where}`)
  const summary = reportStepSummary(result)
  if (summary !== undefined) await run.reporter.summary(summary)
  return { status: 'passed', detail: detail.join('; ') }
}
