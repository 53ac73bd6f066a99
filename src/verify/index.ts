/** The verification framework: lsst.verify-compatible metrics and specs. */

export {
  compareQuantities,
  conversionFactor,
  convertValue,
  isConvertible,
  isOperator,
  knownUnitNames,
  OPERATORS,
  parseUnit,
  type Operator,
  type Unit
} from './units.js'
export {
  formatName,
  isFullyQualified,
  makeName,
  nameContains,
  NameError,
  type Name
} from './naming.js'
export {
  deepCopy,
  isMapping,
  mergeDocuments,
  pyEqual,
  type Doc
} from './merge.js'
export {
  metricToJson,
  readMetric,
  readTags,
  type DocProblem,
  type Metric,
  type MetricJson,
  type MetricReference
} from './metric.js'
export {
  buildSpecification,
  specToJson,
  type SourceRef,
  type Specification,
  type SpecificationJson,
  type Threshold
} from './specification.js'
export {
  normalizePartialName,
  resolveSpecDocuments,
  type LocatedProblem,
  type ResolvedPartial,
  type SpecDocument,
  type SpecLoadResult
} from './spec-loader.js'
export {
  loadDefinitions,
  loadDefinitionTexts,
  type Definitions,
  type DefinitionTexts
} from './definitions.js'
export { matchesQuery } from './metadata-query.js'
export {
  newIdentifier,
  normalizeMeasurements,
  parseJob,
  positionOf,
  serializeJob,
  type Blob,
  type Datum,
  type Job,
  type Measurement
} from './job.js'
export {
  countResults,
  evaluateJob,
  resultToJson,
  type EvaluateOptions,
  type ResultCounts,
  type SpecResult,
  type SpecResultJson
} from './evaluate.js'
export {
  formatComparison,
  formatMarkdownTable,
  formatMeasurement,
  formatTest,
  formatTextTable,
  reportRows,
  STATUS_MARK,
  statusMark,
  textRows,
  type ReportRow
} from './report.js'
export { PyFloat, pythonFloatRepr, toPythonJson } from './python-json.js'
export {
  checkJobFiles,
  expandJobPaths,
  type CheckOptions,
  type CheckTotals,
  type JobOutcome
} from './check.js'
export {
  jobReportEntry,
  runVerifyGate,
  warnDefinitions,
  type JobReportJson,
  type VerifyGateOptions,
  type VerifyGateResult
} from './gate.js'
export {
  unknownMetricMessage,
  unknownMetrics,
  warnUnknownMetrics,
  type UnknownMetric
} from './unknown-metrics.js'
export {
  DEFAULT_VERIFY_JOBS,
  definitionsFromFlags,
  formatJobText,
  readVerifyInputs,
  runVerify,
  verifyFailure,
  verifyInputsFromAction,
  verifyInputsFromConfig,
  verifyInputsFromFlags,
  verifyOutputs,
  verifySummary,
  type SummaryOptions,
  type VerifyDeps,
  type VerifyInputs,
  type VerifyResult
} from './step.js'
