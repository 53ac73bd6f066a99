/** Metric stores, the spool, history and regressions, gating, reporting. */

export {
  describeKey,
  type DispatchJob,
  jobRecords,
  keyString,
  type MetricRecord,
  type SeriesKey,
  seriesKeyOf
} from './record.js'
export {
  chooseEnv,
  ciEnvironment,
  detectEnv,
  ENV_CHOICES,
  type EnvChoice,
  type EnvName,
  isoUtc,
  parseDateCreated,
  provenanceOf,
  seriesOf,
  workflowRunUrl
} from './environment.js'
export {
  jobId,
  prepareJob,
  prepareJobFiles,
  type PrepareOptions
} from './prepare.js'
export {
  type Acceptance,
  canReadHistory,
  type HistoryPoint,
  type HistoryQuery,
  type HistoryStore,
  type MetricStore,
  type StoreType,
  type WriteOutcome
} from './store.js'
export {
  encodePoint,
  escapeKey,
  escapeMeasurement,
  escapeStringField,
  type FieldValue,
  type Point,
  type Precision,
  PRECISION_NS,
  quoteIdentifier,
  quoteString,
  timestampFromMs
} from './line-protocol.js'
export {
  InfluxClient,
  type InfluxOptions,
  type InfluxSeries,
  influxShouldRetry,
  PartialWriteError
} from './influxdb-client.js'
export {
  InfluxStore,
  type InfluxStoreOptions,
  jobPoints,
  PROVENANCE_FIELDS
} from './influxdb-store.js'
export { SqliteStore } from './sqlite-store.js'
export {
  squashBody,
  squashShouldRetry,
  SquashStore,
  type SquashStoreOptions
} from './squash-store.js'
export {
  sasquatchShouldRetry,
  SasquatchStore,
  type SasquatchStoreOptions,
  SasquatchWriteError
} from './sasquatch-store.js'
export {
  avroField,
  type AvroField,
  type AvroRecordSchema,
  checkNamespace,
  commonFields,
  EXTRA_KEYS,
  IDENTIFIER_KEYS,
  inferSchema,
  produceBody,
  recordId,
  sasquatchPlan,
  type SasquatchPlan,
  type SasquatchPost,
  type SasquatchRecord,
  type SasquatchTarget,
  type SasquatchValue,
  type SkippedMeasurement
} from './sasquatch-record.js'
export {
  closeStores,
  HISTORY_ORDER,
  historyStore,
  openStores,
  storedAcceptances,
  type StoreDeps
} from './stores.js'
export { type Claim, entryJob, Spool, type SpoolEntry } from './spool.js'
export {
  dispatchJobs,
  type DispatchOptions,
  type DispatchResult,
  type ReplayResult,
  replaySpool,
  storeIsDown,
  type StoreTally
} from './dispatch.js'
export {
  analyzeSeries,
  type Band,
  DEFAULT_REGRESSION,
  type PointVerdict,
  predictionFactor,
  RegressionDetector,
  type RegressionOptions,
  type Verdict,
  type Worse,
  worseDirection
} from './regression.js'
export {
  acceptanceTimes,
  type BaselineSettings,
  compareWithHistory,
  type Comparison,
  DEFAULT_BASELINE,
  describeRegression,
  metricDirection
} from './history.js'
export {
  type HistoryFilter,
  noMeasurements,
  openStore,
  readStoreHistory,
  type SelectedJobs,
  selectJobs,
  type StoredJob,
  type StoredMeasurement,
  type StoreHistory,
  withStore
} from './store-reader.js'
export {
  DEFAULT_GATE,
  evaluateGate,
  gateLevel,
  type GateLevel,
  type GateResult,
  type GateRow,
  type GateSettings
} from './gate.js'
export { type MetricsOutcome } from './outcome.js'
export {
  type CallOptions,
  type CommentResult,
  type CommentTarget,
  postSlackAlert,
  type SlackResult,
  upsertComment
} from './publish.js'
export {
  type ComparisonJson,
  metricsReportJson,
  type MetricsReportJson
} from './report-json.js'
export {
  type AlertKind,
  DEFAULT_NAMESPACE,
  DEFAULT_SPOOL,
  DEFAULT_SQLITE,
  type GitSettings,
  type HistoryChoice,
  type InfluxSettings,
  type MetricsOverrides,
  type MetricsSettings,
  pullRequestOf,
  resolveMetricsSettings,
  type SasquatchSettings,
  type StoreSettings
} from './settings.js'
export {
  type MetricsRunDeps,
  type MetricsRunOptions,
  type MetricsRunResult,
  runMetrics
} from './run.js'
export { type Packages, parsePackages, readPackages } from './packages.js'
export {
  analyzeStore,
  type SeriesSource,
  type SeriesSummary,
  summarizeSeries
} from './analyze.js'
export { SortedWindow } from './sorted-window.js'
export { migrate, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js'
export {
  type FileChange,
  gitAuthHeader,
  GitCommandError,
  type GitRemote,
  GitRepo,
  type GitRunOptions,
  parseGitTarget
} from './git-cli.js'
export {
  acceptancePath,
  decodeAcceptance,
  decodeJobFile,
  encodeJobFile,
  type GitJobFile,
  JOB_FORMAT,
  jobPath,
  monthMayHold,
  pushMeasurements,
  seriesDir,
  seriesOfPath,
  storedJobOf
} from './git-layout.js'
export {
  type DecodedPack,
  decodePack,
  encodePack,
  type GitPackFile,
  isPackPath,
  PACK_FORMAT,
  type PackedJob,
  packedCount,
  packedMetrics,
  packOfJobPath,
  setPackedMeasurements,
  unpackJobFiles
} from './git-pack.js'
export { BlobSplitter } from './git-blobs.js'
export { GitHistoryBuilder } from './git-history.js'
export {
  DEFAULT_GIT_BRANCH,
  DEFAULT_GIT_CACHE,
  GitStore,
  type GitStoreOptions
} from './git-store.js'
export { HistoryIndex, type IndexedJob } from './history-index.js'
export {
  readHistory,
  type ReadHistoryOptions,
  readStoreSettingsHistory,
  unitsOf
} from './history-readers.js'
export {
  EXPORT_COLUMNS,
  type ExportFormat,
  type ExportRecord,
  exportRecords,
  exportText
} from './export.js'
export {
  dispatchMetricsInputsFromAction,
  dispatchMetricsInputsFromConfig,
  dispatchMetricsInputsFromFlags,
  dispatchMetricsOutputs,
  dispatchMetricsSettings,
  dispatchMetricsSummary,
  maskInputs,
  metricsOverrides,
  readDispatchMetricsInputs,
  runDispatchMetrics,
  type DispatchMetricsDeps,
  type DispatchMetricsInputs,
  type DispatchMetricsResult,
  type SettingsContext
} from './step.js'
