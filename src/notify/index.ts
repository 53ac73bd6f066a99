/**
 * Notification composition (pure functions): Slack messages and GitHub
 * statuses / check runs for Jenkins builds. The bridge does the I/O.
 */

export * from './build-model.js'
export * from './build-text.js'
export * from './build-slack.js'
export * from './build-github.js'
