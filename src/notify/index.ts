/** Message composition for Slack and GitHub (pure functions). */

export * from './metrics-chart.js'
export * from './metrics-markdown.js'
export * from './metrics-comment.js'
export * from './metrics-slack.js'
