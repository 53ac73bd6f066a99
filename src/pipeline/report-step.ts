/**
 * The report step: the static HTML report of the SQLite store's history
 * (every run so far, this one included), thresholds from the definitions.
 */

import { resolve } from 'node:path'
import { displayPath } from '../core/glob.js'
import { writeReport } from '../report/report.js'
import type { RunState, StepDone } from './state.js'

export const DEFAULT_REPORT_OUT = '.stackci/report.html'

export async function reportStep(run: RunState): Promise<StepDone> {
  const { config } = run
  const store =
    run.sqliteStore ??
    (config.metrics?.stores?.sqlite?.path === undefined
      ? undefined
      : resolve(config.baseDir, config.metrics.stores.sqlite.path))
  if (store === undefined) {
    return {
      status: 'skipped',
      detail:
        'the report reads the SQLite store, and none was written (add dispatch-metrics before report)'
    }
  }
  const definitions = config.metrics?.definitions ?? config.verify?.definitions
  const out = resolve(config.baseDir, config.report?.out ?? DEFAULT_REPORT_OUT)
  const result = await writeReport(
    {
      store,
      out,
      ...(definitions === undefined
        ? {}
        : { definitions: resolve(config.baseDir, definitions) }),
      ...(config.report?.title === undefined
        ? {}
        : { title: config.report.title })
    },
    run.reporter
  )
  run.report = result.out
  const m = result.model
  return {
    status: 'passed',
    detail: `${displayPath(result.out)}: ${m.metrics.length} metrics, ${m.datasets.length} datasets, ${m.runs.length} runs`
  }
}
