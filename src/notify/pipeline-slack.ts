/**
 * Slack messages of a pipeline run (pure): the parent message, posted when
 * the run starts and updated in place as it ends, and one thread reply per
 * step. The run id is in every one of them, so a search finds the thread.
 */

import {
  escapeMrkdwn,
  slackLink,
  type SlackMessageContent
} from './build-slack.js'

/** Where a step of a pipeline run can stand, as its thread reply says it. */
export const PIPELINE_STEP_STATUSES = [
  'running',
  'passed',
  'failed',
  'skipped',
  'error',
  'not run'
] as const

export type PipelineStepStatus = (typeof PIPELINE_STEP_STATUSES)[number]

/** One step of a pipeline run, as the messages show it. */
export interface PipelineStepView {
  step: string
  status: PipelineStepStatus
  detail: string
  durationMs?: number
  /** What the step made, linked from its line (a notebook report). */
  link?: { url: string; text: string }
}

export interface PipelineRunView {
  runId: string
  profile: string
  /** Where the run happens: the workflow run, else the host. */
  runUrl?: string
  /** `owner/repo@abc1234`, `pr #42`, `w_2026_48`, … */
  subject?: string
  steps: PipelineStepView[]
  /** Undefined while running. */
  passed?: boolean
}

const MARK: Record<PipelineStepStatus, string> = {
  running: '⏳',
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  error: '💥',
  'not run': '▫️'
}

const SECTION_MAX = 3000

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return ''
  return ms < 60_000
    ? ` (${(ms / 1000).toFixed(1)} s)`
    : ` (${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s)`
}

function stepLine(s: PipelineStepView): string {
  const detail = s.detail === '' ? '' : ` — ${escapeMrkdwn(cut(s.detail, 300))}`
  const link =
    s.link === undefined ? '' : ` · ${slackLink(s.link.url, s.link.text)}`
  return `${MARK[s.status]} *${escapeMrkdwn(s.step)}* ${s.status}${seconds(s.durationMs)}${detail}${link}`
}

/** The parent message: the run, its state, one line per step. */
export function pipelineSlackMessage(
  run: PipelineRunView
): SlackMessageContent {
  const state =
    run.passed === undefined ? 'running' : run.passed ? 'passed' : 'failed'
  const icon = run.passed === undefined ? '⏳' : run.passed ? '✅' : '❌'
  const title = `${icon} stackci ${run.profile} ${state} · run ${run.runId}`
  const subject =
    run.subject === undefined ? '' : ` · ${escapeMrkdwn(run.subject)}`
  const link =
    run.runUrl === undefined
      ? ''
      : ` · ${slackLink(run.runUrl, 'workflow run')}`
  const lines = run.steps.map(stepLine).join('\n')
  return {
    text: `stackci ${run.profile} ${state} (run ${run.runId})`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: cut(`*${escapeMrkdwn(title)}*${subject}${link}`, SECTION_MAX)
        }
      },
      ...(lines === ''
        ? []
        : [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: cut(lines, SECTION_MAX) }
            }
          ]),
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `run id \`${escapeMrkdwn(run.runId)}\`` }
        ]
      }
    ]
  }
}

/** The thread reply telling how one step ended. */
export function pipelineStepReply(
  runId: string,
  step: PipelineStepView
): SlackMessageContent {
  return {
    text: `${step.step} ${step.status} (run ${runId})`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: cut(stepLine(step), SECTION_MAX) }
      }
    ]
  }
}
