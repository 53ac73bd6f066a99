/**
 * Jenkins: a typed client (crumb only when needed, folders, queue items,
 * progressive console, stop) and the `jenkins-build` step built on it.
 */

export * from './types.js'
export * from './paths.js'
export * from './http.js'
export * from './http-errors.js'
export * from './trigger.js'
export * from './client.js'
export * from './poll.js'
export * from './console.js'
export * from './follow.js'
export * from './watch.js'
export * from './results.js'
export * from './cancel.js'
export * from './run-build.js'
export * from './build-inputs.js'
