/** The static HTML report: trends, thresholds, pass/fail per dataset. */

export * from './history-source.js'
export * from './sqlite-source.js'
export * from './natural-sort.js'
export * from './downsample.js'
export * from './chart-data.js'
export * from './checks.js'
export * from './report-model.js'
export * from './dataset-tables.js'
export * from './chart-config.js'
export * from './chart-library.js'
export * from './html.js'
export * from './report.js'
export * from './pages.js'
export {
  DEFAULT_REPORT_OUT,
  parseSince,
  publishedWhere,
  readReportInputs,
  reportInputsFromConfig,
  reportInputsFromFlags,
  reportJson,
  reportStepSummary,
  runReport,
  type ReportDeps,
  type ReportInputs,
  type ReportStepResult
} from './step.js'
