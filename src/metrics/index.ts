/** Metric stores, the spool, history and regressions, gating, reporting. */

export * from './record.js'
export * from './environment.js'
export * from './prepare.js'
export * from './store.js'
export * from './line-protocol.js'
export * from './influxdb-client.js'
export * from './influxdb-store.js'
export * from './sqlite-store.js'
export * from './squash-store.js'
export * from './sasquatch-store.js'
export * from './sasquatch-record.js'
export * from './stores.js'
export * from './spool.js'
export * from './dispatch.js'
export * from './regression.js'
export * from './history.js'
export * from './store-reader.js'
export * from './gate.js'
export * from './outcome.js'
export * from './publish.js'
export * from './report-json.js'
export * from './settings.js'
export * from './run.js'
export * from './packages.js'
export * from './analyze.js'
export * from './sorted-window.js'
export * from './sqlite-schema.js'
export * from './git-cli.js'
export * from './git-layout.js'
export * from './git-pack.js'
export * from './git-store.js'
export * from './history-index.js'
export * from './history-readers.js'
export * from './export.js'
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
