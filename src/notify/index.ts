/**
 * Message composition (pure functions over plain data, importing no store):
 * Slack messages and GitHub statuses / check runs for Jenkins builds and
 * pipeline runs, the metrics reports, the alert notices. The I/O happens at
 * the edge (the bridge, the step modules).
 */

export {
  BUILD_RESULTS,
  isFailing,
  type BuildPhase,
  type BuildResult,
  type BuildSnapshot,
  type Streak,
  type StreakKind,
  type TestSummary
} from './build-model.js'
export {
  buildTitle,
  commitUrl,
  elapsed,
  formatDuration,
  shortSha,
  statusEmoji,
  statusWord,
  tail,
  testsLine,
  truncate
} from './build-text.js'
export {
  buildSlackBackToNormalReply,
  buildSlackFailureReply,
  buildSlackParent,
  escapeMrkdwn,
  replyKind,
  slackLink,
  type FailureReplyOptions,
  type SlackBlock,
  type SlackMessageContent
} from './build-slack.js'
export {
  buildCheckRun,
  buildCommitStatus,
  CHECK_TEXT_MAX,
  checkExternalId,
  expandContext,
  STATUS_DESCRIPTION_MAX,
  type CheckConclusion,
  type CheckRunContent,
  type CheckRunOptions,
  type CommitState,
  type CommitStatusContent
} from './build-github.js'
export {
  describeKey,
  keyComparisons,
  reportCounts,
  thresholdInUnit,
  type AlertKind,
  type ComparedMeasurement,
  type GatedSpec,
  type MetricsReport,
  type SeriesKey,
  type StoreCount
} from './metrics-model.js'
export { trendChart, type ChartOptions } from './metrics-chart.js'
export {
  formatDelta,
  metricsMarkdown,
  type MarkdownOptions
} from './metrics-markdown.js'
export {
  COMMENT_LIMIT,
  commentMarker,
  metricsComment
} from './metrics-comment.js'
export {
  cutForSlack,
  headedSlackMessage,
  metricsSlackMessage,
  type SlackMessage
} from './metrics-slack.js'
export {
  PIPELINE_STEP_STATUSES,
  pipelineSlackMessage,
  pipelineStepReply,
  type PipelineRunView,
  type PipelineStepStatus,
  type PipelineStepView
} from './pipeline-slack.js'
export {
  alertFiringSlack,
  alertIssue,
  alertIssueMarker,
  alertLasted,
  alertResolvedComment,
  alertResolvedSlack,
  type AlertNotice
} from './alert-messages.js'
