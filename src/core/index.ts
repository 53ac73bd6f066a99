/**
 * Shared foundations: errors, the Reporter, retries and timeouts, secret
 * masking, durations, YAML, and the stackci.yml loader. (The Actions
 * Reporter lives in `actions-reporter.ts`, imported only by actions.)
 */

export {
  ConfigError,
  DockerError,
  type ErrorKind,
  errorMessage,
  formatProblem,
  formatWhere,
  HttpError,
  InputError,
  isUserError,
  JenkinsError,
  JobError,
  type Problem,
  SpecError,
  StackciError,
  type StackciErrorOptions,
  StoreError,
  SystemError,
  TimeoutError,
  toError,
  UnitError,
  UserError,
  type Where
} from './errors.js'
export {
  type Annotation,
  type Progress,
  type RecordedEntry,
  RecordingReporter,
  type Reporter,
  silentReporter
} from './reporter.js'
export { CliReporter, type CliReporterOptions } from './cli-reporter.js'
export {
  basicAuthHeader,
  MASK,
  Masker,
  redactUrl,
  urlUserinfoSecrets
} from './secrets.js'
export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  defaultShouldRetry,
  describeRetry,
  networkErrorCode,
  parseRetryAfter,
  retry,
  type RetryAfterCarrier,
  type RetryDecision,
  type RetryInfo,
  type RetryOptions,
  type RetryPolicy,
  TRANSIENT_STATUSES,
  withTimeout
} from './retry.js'
export { type Clock, systemClock } from './clock.js'
export {
  formatBytes,
  formatMs,
  formatOutcome,
  type OutcomeCounts,
  plural
} from './format.js'
export { abortOnSignals, CancelledError, signalExitCode } from './signals.js'
export { type Env } from './env.js'
export { type Provenance, PROVENANCE_KEYS, STACKCI_META } from './provenance.js'
export { parseDuration } from './duration.js'
export {
  array,
  boolean,
  closest,
  duration,
  type Field,
  formatPath,
  type Infer,
  isPlainObject,
  listOrOne,
  literal,
  number,
  object,
  optional,
  type PathSegment,
  record,
  required,
  type Schema,
  SchemaContext,
  type SchemaProblem,
  string,
  url
} from './schema.js'
export {
  asYamlSyntaxError,
  loadYamlDocuments,
  locateYamlPath,
  type Position,
  pyyamlSchema,
  toProblem,
  YamlSyntaxError
} from './yaml.js'
export {
  githubSectionSchema,
  imageSectionSchema,
  integrationSectionSchema,
  jenkinsSectionSchema,
  lintSectionSchema,
  loadStackciConfig,
  loadYamlConfig,
  type MetricsSection,
  metricsSectionSchema,
  PIPELINE_STEPS,
  type PipelineStepName,
  profileSchema,
  type ProfileSection,
  readStackciConfig,
  registrySectionSchema,
  reportSectionSchema,
  slackSectionSchema,
  type StackciConfig,
  stackciConfigSchema,
  STANDARD_PROFILES,
  verifySectionSchema
} from './config.js'
export { ActionInputs } from './action-inputs.js'
export {
  actionSource,
  configSource,
  flagProperty,
  flagSource,
  type InputSource,
  layered,
  StepInputs,
  valuesSource
} from './step-inputs.js'
export { displayPath, expandGlobs, globToRegExp } from './glob.js'
export { type GitHubEvent, readGitHubEvent } from './github-event.js'
