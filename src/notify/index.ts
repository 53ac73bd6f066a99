/**
 * Message composition (pure functions): Slack messages and GitHub statuses /
 * check runs for Jenkins builds, and the metrics reports. The I/O happens at
 * the edge (the bridge, the dispatch).
 */

export * from './build-model.js'
export * from './build-text.js'
export * from './build-slack.js'
export * from './build-github.js'
export * from './metrics-chart.js'
export * from './metrics-markdown.js'
export * from './metrics-comment.js'
export * from './metrics-slack.js'
export * from './pipeline-slack.js'
export * from './alert-messages.js'
