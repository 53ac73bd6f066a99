/**
 * Integration datasets: run test datasets inside the stack image, with the
 * dataset mounted read-only, limits, a timeout and clean-up in every case,
 * and bring back the verify jobs they write, checked and stamped.
 */

export {
  checkDatasetPaths,
  confineDatasets,
  parseDatasets
} from './datasets.js'
export { containerArgv, formatCommand, splitCommand } from './command.js'
export {
  checkContainerPath,
  checkNetwork,
  checkOutputPatterns,
  parseCpus,
  parseLimits,
  parseMemory
} from './limits.js'
export { Demuxer, LineCollector, type StreamName } from './container-log.js'

export { type JobStamp, stampJobFile, withProvenance } from './provenance.js'
export { type DatasetResult } from './results.js'
export { newRunId, parseRunState, RUN_LABEL } from './cleanup.js'
export {
  type DatasetRunOptions,
  DEFAULT_DATASET_PATH,
  DEFAULT_OUTPUT_PATH
} from './run-options.js'
export { type IntegrationResult, runDatasets } from './run-datasets.js'
export {
  failureMessage,
  integrationJson,
  integrationOutputs,
  integrationSummary,
  integrationTable
} from './summary.js'
export {
  actionResultsDir,
  cleanUpIntegration,
  integrationInputsFromAction,
  integrationInputsFromConfig,
  integrationInputsFromFlags,
  integrationOptions,
  readIntegrationInputs,
  runIntegration,
  type IntegrationDeps,
  type IntegrationInputs
} from './step.js'
export {
  INJECTED_TAG,
  injectParameters,
  type NotebookJson,
  parseNotebook,
  parseParams,
  parseParamValue,
  pythonLiteral
} from './notebook-params.js'
export { parseDriverResult, RESULT_MARK } from './notebook-driver.js'
export { parseHistorySource } from './notebook-history.js'
export { notebookFailureText, notebookSummary } from './notebook-result.js'
export { runNotebook } from './notebook-run.js'
