/**
 * Jenkins: a typed client (crumb only when needed, folders, queue items,
 * progressive console, stop) and the `jenkins-build` step built on it.
 */

export {
  BUILD_RESULTS,
  isBuildResult,
  type BuildInfo,
  type BuildRef,
  type BuildResult,
  type QueueItem,
  type QueueState
} from './types.js'
export { jobName, jobPath, normalizeBaseUrl } from './paths.js'
export { JenkinsHttpError } from './http-errors.js'
export type { BuildParameters, TriggerResult } from './trigger.js'
export {
  JenkinsClient,
  type JenkinsClientOptions,
  type StopMode
} from './client.js'
export { DEFAULT_POLL_POLICY, type PollPolicy } from './poll.js'
export {
  reporterConsoleSink,
  streamConsoleSink,
  type ConsoleSink
} from './console.js'
export { QueueCancelledError } from './follow.js'
export {
  DEFAULT_FAIL_ON,
  parseFailOn,
  summaryLine,
  type JenkinsBuildOutcome
} from './results.js'
export {
  STATE_KEY,
  leftBehind,
  parseBuildState,
  stopAbandoned,
  stopBuildOrItem,
  type BuildState
} from './cancel.js'
export {
  runJenkinsBuild,
  type JenkinsBuildDeps,
  type JenkinsBuildRequest
} from './run-build.js'
export {
  FAILING_CAP,
  describeTests,
  downloadArtifacts,
  readTestReport,
  type TestSummary
} from './published.js'
export { parseParamFlag, parseParameters } from './parameters.js'
export {
  DEFAULT_TIMEOUT_MS,
  jenkinsBuildInputsFromAction,
  jenkinsBuildInputsFromConfig,
  jenkinsBuildInputsFromFlags,
  jenkinsBuildOutputs,
  jenkinsBuildSummary,
  jenkinsClientFor,
  maskJenkinsCredentials,
  readJenkinsBuildInputs,
  runJenkinsBuildPost,
  runJenkinsBuildStep,
  type JenkinsBuildFlags,
  type JenkinsBuildInputs,
  type JenkinsBuildStepDeps,
  type JenkinsBuildStepResult
} from './step.js'
