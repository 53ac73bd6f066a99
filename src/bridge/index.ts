/**
 * The jenkins-bridge service: Jenkins build events in (authenticated,
 * size-limited, persisted before the 2xx), Slack and GitHub out (paced,
 * coalesced, retried, exactly once across restarts).
 */

export {
  type BridgeConfig,
  loadSecretFiles,
  readBridgeConfig,
  SECRET_VARIABLES
} from './config.js'
export {
  type BuildEvent,
  cleanBranch,
  EVENT_PHASES,
  eventKey,
  type EventPhase,
  jobFromUrl,
  parseEvent
} from './event.js'
export {
  applyAuthoritative,
  type AuthoritativeBuild,
  buildUrlOf,
  type Identity,
  type JobStreakState,
  mergeEvent,
  nextStreak,
  snapshotPhase
} from './build-state.js'
export {
  type GithubRoute,
  loadRoutingConfig,
  readRoutingConfig,
  type RouteConfig,
  type RoutingFile,
  routingSchema
} from './routing-config.js'
export {
  type CompiledRoute,
  compileRouting,
  type DeliveryPlan,
  type GithubPlan,
  isQuiet,
  matchRoutes,
  planDeliveries,
  repoFromUrl,
  resolveIdentity,
  routesJob,
  type Routing,
  type SlackPlan
} from './routing.js'
export {
  authenticate,
  type AuthOutcome,
  type AuthRequest,
  checkCredentials,
  type CredentialCheck,
  safeEqual,
  SIGNATURE_HEADERS,
  SIGNATURE_WINDOW_MS,
  signatureHeaders,
  signBody,
  TIMESTAMP_HEADER,
  verifySignature
} from './signature.js'
export {
  BridgeStore,
  type InsertResult,
  type NewEvent,
  type StoredEvent,
  type StoreStats,
  type SyncMode
} from './store.js'
export {
  DeliveryStore,
  type RelayName,
  type Target,
  type WantedTarget
} from './delivery-store.js'
export {
  JsonLog,
  type JsonLogOptions,
  type Log,
  type LogFields,
  type LogLevel,
  MemoryLog,
  nullLog
} from './log.js'
export { BridgeMetrics } from './metrics.js'
export {
  type BuildRef,
  HttpJenkinsSource,
  type HttpJenkinsSourceOptions,
  jenkinsBuildPath,
  type JenkinsBuildSource,
  jenkinsBuildUrl,
  lastLines,
  readBuildJson
} from './jenkins-source.js'
export { Server, type ServerOptions } from './server.js'
export {
  describeConfig,
  runBridge,
  type RunBridgeOptions,
  type ServeOptions,
  serveUntilSignal,
  type SignalSource
} from './lifecycle.js'
export {
  eventFromEnv,
  sendEvent,
  type SendFlags,
  type SendOptions
} from './send.js'
