/**
 * The Slack alert of a metrics run: only when a specification at a gating
 * level failed (an excursion) or a metric regressed; nothing otherwise.
 * Block Kit within Slack's limits (header ≤ 150 chars, section ≤ 3000),
 * mrkdwn escaped, and a plain `text` fallback for notifications.
 */

import { plural } from '../core/format.js'
import { basename } from 'node:path'
import { escapeMrkdwn } from './build-slack.js'
import {
  describeKey,
  reportCounts,
  type AlertKind,
  type GatedSpec,
  type MetricsReport
} from './metrics-model.js'
import { formatMeasurement, formatTest } from '../verify/index.js'

export interface SlackMessage {
  text: string
  blocks: Record<string, unknown>[]
}

/** Cuts text to a Slack field's limit, with an ellipsis. */
export function cutForSlack(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** A header, a mrkdwn section and a context line, within Slack's limits. */
export function headedSlackMessage(
  title: string,
  body: string,
  context: string
): SlackMessage {
  return {
    text: cutForSlack(title, 3000),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: cutForSlack(title, 150), emoji: true }
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: cutForSlack(body, 3000) }
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: cutForSlack(context, 3000) }]
      }
    ]
  }
}

function specLine(r: GatedSpec): string {
  const m = r.result.measurement
  const value = m === null ? 'no value' : formatMeasurement(m.value, m.unit)
  return `${r.level === 'fail' ? '❌' : '⚠️'} *${escapeMrkdwn(r.result.spec.name)}* (${escapeMrkdwn(basename(r.source))}): ${escapeMrkdwn(value)}, needs ${escapeMrkdwn(formatTest(r.result))}`
}

/**
 * The alert, or undefined when there is nothing to say for the kinds
 * asked for (`failures`: fail-level excursions, `warnings`: warn-level,
 * `regressions`).
 */
export function metricsSlackMessage(
  o: MetricsReport,
  on: readonly AlertKind[] = ['failures', 'warnings', 'regressions']
): SlackMessage | undefined {
  const failures = on.includes('failures') ? (o.gate?.failures ?? []) : []
  const warnings = on.includes('warnings') ? (o.gate?.warnings ?? []) : []
  const regressions = on.includes('regressions')
    ? o.comparisons.filter((c) => c.verdict === 'regression')
    : []
  if (failures.length + warnings.length + regressions.length === 0)
    return undefined
  const n = reportCounts(o)
  const series = o.jobs[0]?.series ?? ''
  const parts = [
    failures.length > 0 ? `${failures.length} failing` : '',
    warnings.length > 0 ? plural(warnings.length, 'warning') : '',
    regressions.length > 0 ? plural(regressions.length, 'regression') : ''
  ].filter((p) => p !== '')
  const title = `${o.passed ? '⚠️' : '❌'} Metrics: ${parts.join(', ')}${series === '' ? '' : ` on ${series}`}`
  const lines = [
    ...[...failures, ...warnings].map(specLine),
    ...regressions.map(
      (c) =>
        `🔺 *${escapeMrkdwn(describeKey(c))}*: ${escapeMrkdwn(formatMeasurement(c.value, c.unit))}, baseline ${c.band === undefined ? '?' : escapeMrkdwn(formatMeasurement(c.band.median, c.unit))} (${c.streak} runs in a row)`
    )
  ]
  const shown = lines.slice(0, 15)
  let body = shown.join('\n')
  if (lines.length > shown.length)
    body += `\n… and ${lines.length - shown.length} more`
  const p = o.jobs[0]?.provenance ?? {}
  const context = [
    p.workflowRunUrl === undefined ? '' : `<${p.workflowRunUrl}|workflow run>`,
    p.jenkinsBuildUrl === undefined
      ? ''
      : `<${p.jenkinsBuildUrl}|Jenkins build>`,
    p.releaseTag === undefined ? '' : `release ${escapeMrkdwn(p.releaseTag)}`,
    p.gitSha === undefined
      ? ''
      : `commit ${escapeMrkdwn(p.gitSha.slice(0, 7))}`,
    `${n.specs} specifications in ${plural(o.jobs.length, 'job')}`
  ].filter((c) => c !== '')
  return headedSlackMessage(title, body, context.join(' · '))
}
