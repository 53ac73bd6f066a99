/**
 * Integration datasets: run test datasets inside the stack image, with the
 * dataset mounted read-only, limits, a timeout and clean-up in every case,
 * and bring back the verify jobs they write, checked and stamped.
 */

export * from './datasets.js'
export * from './command.js'
export * from './limits.js'
export * from './container-log.js'
export * from './container-run.js'
export * from './collect.js'
export * from './image.js'
export * from './provenance.js'
export * from './results.js'
export * from './cleanup.js'
export * from './run-options.js'
export * from './run-datasets.js'
export * from './summary.js'
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
export * from './notebook-params.js'
export * from './notebook-driver.js'
export * from './notebook-history.js'
export * from './notebook-result.js'
export * from './notebook-run.js'
