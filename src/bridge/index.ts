/**
 * The jenkins-bridge service: Jenkins build events in (authenticated,
 * size-limited, persisted before the 2xx), Slack and GitHub out (paced,
 * coalesced, retried, exactly once across restarts).
 */

export * from './config.js'
export * from './event.js'
export * from './build-state.js'
export * from './routing-config.js'
export * from './routing.js'
export * from './signature.js'
export * from './store.js'
export * from './delivery-store.js'
export * from './log.js'
export * from './metrics.js'
export * from './jenkins-source.js'
export * from './server.js'
export * from './lifecycle.js'
export * from './send.js'
