/** The static HTML report: trends, thresholds, pass/fail per dataset. */

export {
  type HistorySource,
  isStoreHistory,
  memorySource
} from './history-source.js'
export { openSqliteSource } from './sqlite-source.js'
export { byNaturalKey, naturalCompare } from './natural-sort.js'
export {
  DEFAULT_DRAWN_POINTS,
  downsample,
  type DownsampleOptions,
  type SamplePoint
} from './downsample.js'
export {
  chartFrame,
  DATA_CALLBACK,
  dataFileName,
  type PackedChart,
  type PackedSet,
  packMetric,
  reportDataDir
} from './chart-data.js'
export {
  applicableSpecs,
  checkValue,
  describeQuery,
  describeThreshold,
  POINT_STATUSES,
  pointStatus,
  type PointStatus,
  type ReportGate,
  type SpecCheck,
  specLevel,
  thresholdIn
} from './checks.js'
export {
  buildReportModel,
  historyRange,
  lineLabel,
  type ModelOptions,
  type ReportLine,
  type ReportMetric,
  type ReportModel,
  type ReportPoint,
  type ReportRun,
  reportSummary,
  type ReportSummary,
  type ReportThreshold,
  type RunLink,
  unitOf
} from './report-model.js'
export {
  type DatasetRow,
  type DatasetTable,
  datasetTables
} from './dataset-tables.js'
export {
  chartConfig,
  type ChartConfig,
  type ChartDataset,
  type ChartDatum,
  checkText,
  LEVEL_COLORS,
  STATUS_COLORS,
  xAxis,
  yRange
} from './chart-config.js'
export {
  CHART_JS_FILE,
  chartLibrary,
  type ChartLibrary,
  prepareChartLibrary
} from './chart-library.js'
export {
  dataFileText,
  escapeHtml,
  relocateDataDir,
  type RenderOptions,
  renderReportHtml,
  scriptJson
} from './html.js'
export {
  buildReport,
  type DataSink,
  DEFAULT_REPORT_FILE,
  DEFAULT_REPORT_TITLE,
  type ReportOptions,
  type ReportResult,
  writeReport
} from './report.js'
export {
  DEFAULT_PAGES_BRANCH,
  DEFAULT_PAGES_KEEP,
  githubPagesUrl,
  pagesIndexHtml,
  type PagesTarget,
  pagesTargetFrom,
  type PublishedPage,
  publishPages,
  type PublishResult
} from './pages.js'
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
