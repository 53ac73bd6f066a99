/**
 * The messages of standing alerts (pure, over plain data): the Slack
 * message when an alert fires, the follow-up in its thread when it
 * resolves (saying how long it lasted), and the GitHub issue opened on
 * firing and closed on resolve. The issue body carries a marker with the
 * alert key, so the issue of a key is found again and reopened rather than
 * duplicated.
 */

import { formatMs } from '../core/format.js'
import { escapeMrkdwn } from './build-slack.js'
import {
  cutForSlack,
  headedSlackMessage,
  type SlackMessage
} from './metrics-slack.js'

/** What a message says about one alert. */
export interface AlertNotice {
  rule: string
  key: string
  kind: 'threshold' | 'regression' | 'deadman'
  severity: 'critical' | 'warning' | 'info'
  /** `validate_drp.PA1 [HSC RC2 · HSC-I] on main`. */
  subject: string
  /** What the evaluation saw. */
  summary: string
  description?: string
  /** Epoch ms the alert began firing. */
  since: number
  /** The store watched, for the context line. */
  store: string
}

const ICON = { critical: '🚨', warning: '⚠️', info: 'ℹ️' } as const
const KIND = {
  threshold: 'fails its specification',
  regression: 'regressed',
  deadman: 'has no new points'
} as const

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The Slack message when an alert fires. */
export function alertFiringSlack(n: AlertNotice): SlackMessage {
  const title = `${ICON[n.severity]} ${n.subject} ${KIND[n.kind]}`
  const body = [
    `*${escapeMrkdwn(n.rule)}* (${n.severity}): ${escapeMrkdwn(n.summary)}`,
    ...(n.description === undefined ? [] : [escapeMrkdwn(n.description)])
  ].join('\n')
  return headedSlackMessage(
    title,
    body,
    `firing since ${iso(n.since)} · ${escapeMrkdwn(n.store)} · alert \`${escapeMrkdwn(n.key)}\``
  )
}

/** How long a firing lasted, as the resolution says it. */
export function alertLasted(since: number, resolvedAt: number): string {
  return formatMs(Math.max(0, resolvedAt - since))
}

/** The follow-up in the firing message's thread when the alert resolves. */
export function alertResolvedSlack(
  n: AlertNotice,
  resolvedAt: number
): SlackMessage {
  const text = `✅ Resolved: ${n.subject} (${n.rule}) after ${alertLasted(n.since, resolvedAt)}: ${n.summary}`
  return {
    text: cutForSlack(text, 3000),
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: cutForSlack(escapeMrkdwn(text), 3000) }
      }
    ]
  }
}

/** The hidden line that ties an issue to its alert key. */
export function alertIssueMarker(key: string): string {
  return `<!-- stackci-alert: ${key} -->`
}

/** The GitHub issue of a firing alert (created, or reopened with this body). */
export function alertIssue(
  n: AlertNotice,
  labels: readonly string[]
): { title: string; body: string; labels: string[] } {
  return {
    title: cutForSlack(`${ICON[n.severity]} ${n.subject} ${KIND[n.kind]}`, 256),
    body: [
      `**${n.rule}** (${n.severity}) fired at ${iso(n.since)}.`,
      '',
      n.summary,
      ...(n.description === undefined ? [] : ['', n.description]),
      '',
      `Store: ${n.store}. This issue is closed when the alert resolves and reopened if it fires again.`,
      '',
      alertIssueMarker(n.key)
    ].join('\n'),
    labels: [...new Set([...labels, `severity:${n.severity}`])]
  }
}

/** The comment left on the issue as it is closed. */
export function alertResolvedComment(
  n: AlertNotice,
  resolvedAt: number
): string {
  return `✅ Resolved at ${iso(resolvedAt)} after ${alertLasted(n.since, resolvedAt)}: ${n.summary}`
}
