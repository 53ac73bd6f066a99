/**
 * Message composition (pure functions over plain data, importing no store):
 * Slack messages and GitHub statuses / check runs for Jenkins builds and
 * pipeline runs, the metrics reports, the alert notices. The I/O happens at
 * the edge (the bridge, the step modules).
 */

export * from './build-model.js'
export * from './build-text.js'
export * from './build-slack.js'
export * from './build-github.js'
export * from './metrics-model.js'
export * from './metrics-chart.js'
export * from './metrics-markdown.js'
export * from './metrics-comment.js'
export * from './metrics-slack.js'
export * from './pipeline-slack.js'
export * from './alert-messages.js'
