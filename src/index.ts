/** stackci as a library: the same code the actions, CLI and bridge use. */

export * as core from './core/index.js'
export * as verify from './verify/index.js'
export * as jenkins from './jenkins/index.js'
export * as lint from './lint/index.js'
export * as metrics from './metrics/index.js'
export * as bridge from './bridge/index.js'
export * as notify from './notify/index.js'
export * as report from './report/index.js'
