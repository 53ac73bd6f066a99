/**
 * Stack images: release tags, build context packing (.dockerignore as the
 * docker CLI reads it), build, labels and push through the Docker engine
 * API; promotion by digest through the registry's HTTP API; and the
 * `stack-image` step module on top (`step.ts`).
 */

export {
  DEFAULT_TIME_ZONE,
  dockerTimestamp,
  formatDate,
  usWeek,
  type CalendarDate
} from './calendar.js'
export { RELEASE_KINDS, type ReleaseKind } from './release-kinds.js'
export {
  releaseTags,
  sanitizeEupsTag,
  sanitizeTag,
  type ReleaseTagRequest,
  type ReleaseTags
} from './release-tags.js'
export { cleanPath, parseDockerignore, PatternMatcher } from './dockerignore.js'
export { listContext, type ContextEntry } from './context-walk.js'
export { packContext, type PackedContext } from './context.js'
export {
  buildSteps,
  instructionOfStep,
  parseDockerfile,
  type Dockerfile
} from './dockerfile.js'
export { BuildLog, BuildStepError, engineMessages } from './build-log.js'
export {
  checkEngine,
  connectDocker,
  DEFAULT_DOCKER_HOST,
  type DockerEngine
} from './client.js'
export {
  buildImage,
  DEFAULT_BUILD_TIMEOUT_MS,
  type BuildOptions,
  type BuildResult
} from './build.js'
export {
  imageLabels,
  parseKeyValues,
  readProvenance,
  STACKCI_LABELS,
  type Provenance
} from './labels.js'
export {
  checkRegistryAuth,
  checkRepository,
  registryAuth,
  registryOf,
  type RegistryAuth
} from './registry-auth.js'
export { pullImage, pushTags, transientRegistryError } from './registry.js'
export { parseRegistryRef, RegistryApi } from './registry-api.js'
export { describeMove, type TagMove } from './tag-moves.js'
export { currentDigests, promoteImage, type PromoteResult } from './promote.js'
export {
  gitHead,
  projectName,
  PROJECT_LABEL,
  pruneProjectLeftovers,
  worktreeDirty
} from './project.js'
export {
  LOCAL_REPOSITORY,
  runStackImage,
  type StackImageOptions,
  type StackImageResult
} from './stack-image.js'
export {
  defaultVersion,
  dirtyTemplates,
  readStackImageInputs,
  runStackImageStep,
  stackImageInputsFromAction,
  stackImageInputsFromConfig,
  stackImageInputsFromFlags,
  stackImageOutputs,
  stackImagePaths,
  stackImagePlan,
  stackImageSummary,
  type StackImageFlags,
  type StackImageInputs,
  type StackImageProject,
  type StackImageStepDeps
} from './step.js'
