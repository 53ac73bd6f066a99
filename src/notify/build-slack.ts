/**
 * Slack messages for a Jenkins build (pure): the parent message that is
 * posted at the first event and updated in place, the failure reply with
 * tests and log tail for its thread, and the "back to normal" reply. Block
 * Kit limits (header 150, section 3000, field 2000, 10 fields) are kept here
 * so Slack never answers `invalid_blocks`.
 */

import { plural } from '../core/format.js'
import { isFailing, type BuildSnapshot } from './build-model.js'
import {
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

export type SlackBlock = Record<string, unknown>

/** What `chat.postMessage` / `chat.update` need besides channel and ts. */
export interface SlackMessageContent {
  /** Fallback and notification text (never empty). */
  text: string
  blocks: SlackBlock[]
}

const HEADER_MAX = 150
const SECTION_MAX = 3000
const FIELD_MAX = 2000
/** Failed test names listed in a reply before "… and N more". */
const FAILED_TESTS_SHOWN = 10

/** Escapes the three characters Slack mrkdwn treats as markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** A mrkdwn link `<url|label>` (the label escaped, `|` kept out of it). */
export function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c))
  return `<${safeUrl}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`
}

function field(label: string, value: string): SlackBlock {
  return {
    type: 'mrkdwn',
    text: truncate(`*${label}*\n${value}`, FIELD_MAX)
  }
}

function headline(b: BuildSnapshot): string {
  let text = `${statusEmoji(b)} ${buildTitle(b)} — ${statusWord(b)}`
  if (b.phase === 'STARTED' && b.stage !== undefined) text += ` (${b.stage})`
  return text
}

/** The parent message of a build, for its current phase. */
export function buildSlackParent(
  b: BuildSnapshot,
  now: number = Date.now()
): SlackMessageContent {
  const where = [
    b.branch === undefined ? '' : ` on ${b.branch}`,
    b.sha === undefined ? '' : ` (${shortSha(b.sha)})`
  ].join('')
  const fields: SlackBlock[] = []
  if (b.branch !== undefined)
    fields.push(field('Branch', escapeMrkdwn(b.branch)))
  if (b.sha !== undefined) {
    fields.push(
      field(
        'Commit',
        b.repo === undefined
          ? `\`${shortSha(b.sha)}\``
          : slackLink(commitUrl(b.repo, b.sha), shortSha(b.sha))
      )
    )
  }
  const took = elapsed(b, now)
  if (took !== undefined) {
    fields.push(
      field(
        b.phase === 'COMPLETED' ? 'Duration' : 'Running for',
        formatDuration(took)
      )
    )
  }
  if (b.tests !== undefined) fields.push(field('Tests', testsLine(b.tests)))
  if (b.phase === 'STARTED' && b.stage !== undefined)
    fields.push(field('Stage', escapeMrkdwn(b.stage)))
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(headline(b), HEADER_MAX) }
    }
  ]
  if (fields.length > 0) blocks.push({ type: 'section', fields })
  const context = [
    b.url === undefined
      ? `Jenkins #${b.number}`
      : slackLink(b.url, `Jenkins #${b.number}`),
    ...(b.cause === undefined ? [] : [escapeMrkdwn(b.cause)]),
    ...(b.notes === undefined ? [] : [escapeMrkdwn(truncate(b.notes, 300))])
  ]
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: truncate(context.join(' · '), FIELD_MAX) }
    ]
  })
  if (b.url !== undefined) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'open_build',
          text: { type: 'plain_text', text: 'Open build' },
          url: b.url
        }
      ]
    })
  }
  // The fallback text is read as mrkdwn in notifications: a branch named
  // `<!channel>` must not ping anyone there either.
  return { text: escapeMrkdwn(`${headline(b)}${where}`), blocks }
}

/** `failing since #40 (3 builds)` or `first failure`. */
function streakLine(b: BuildSnapshot): string | undefined {
  const s = b.streak
  if (s === undefined) return undefined
  if (s.kind === 'first_failure') return 'first failure'
  if (s.kind === 'still_failing' && s.since !== undefined) {
    const n = s.failedBuilds ?? 0
    return `failing since #${s.since}${n > 1 ? ` (${n} builds)` : ''}`
  }
  return undefined
}

export interface FailureReplyOptions {
  /** The last lines of the console log, when they could be had. */
  logTail?: string
  /** Slack user ids (`U…`) or plain names to mention. */
  mentions?: string[]
}

/** The thread reply with what went wrong: result, tests, log tail, owners. */
export function buildSlackFailureReply(
  b: BuildSnapshot,
  options: FailureReplyOptions = {}
): SlackMessageContent {
  const word = statusWord(b)
  const took =
    b.durationMs === undefined ? '' : ` after ${formatDuration(b.durationMs)}`
  const streak = streakLine(b)
  const link =
    b.url === undefined
      ? `#${b.number}`
      : slackLink(`${b.url.replace(/\/?$/, '/')}console`, `#${b.number}`)
  const lines = [
    `*${word}* — ${escapeMrkdwn(b.job)} ${link}${took}${streak === undefined ? '' : `, ${streak}`}`
  ]
  const blocks: SlackBlock[] = []
  const t = b.tests
  if (t !== undefined && t.failed > 0) {
    const shown = t.failedTests.slice(0, FAILED_TESTS_SHOWN)
    const more = t.failedTests.length - shown.length
    lines.push(`${t.failed} of ${t.total} tests failed:`)
    for (const name of shown)
      lines.push(`• \`${escapeMrkdwn(truncate(name, 200))}\``)
    if (more > 0) lines.push(`… and ${more} more`)
  }
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(lines.join('\n'), SECTION_MAX) }
  })
  const log = (options.logTail ?? '').trimEnd()
  if (log !== '') {
    // The fences and the escaping both count towards the section limit.
    const body = tail(
      escapeMrkdwn(log.replace(/```/g, "'''")),
      SECTION_MAX - 40
    )
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Log tail*\n\`\`\`${body}\`\`\`` }
    })
  }
  const mentions = (options.mentions ?? []).map(mention)
  if (mentions.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(`cc ${mentions.join(' ')}`, FIELD_MAX)
        }
      ]
    })
  }
  const text = `${statusEmoji(b)} ${word}: ${escapeMrkdwn(buildTitle(b))}${took}${
    mentions.length > 0 ? ` — cc ${mentions.join(' ')}` : ''
  }`
  return { text, blocks }
}

/** `<@U123>` for a Slack user id, the escaped text otherwise. */
function mention(who: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(who) ? `<@${who}>` : escapeMrkdwn(who)
}

/** The thread reply (broadcast to the channel) when a job recovers. */
export function buildSlackBackToNormalReply(
  b: BuildSnapshot
): SlackMessageContent {
  const s = b.streak
  const n = s?.failedBuilds ?? 0
  const after =
    n > 0
      ? ` after ${plural(n, 'failing build')}${s?.since === undefined ? '' : ` (since #${s.since})`}`
      : ''
  const text = `✅ Back to normal: ${escapeMrkdwn(buildTitle(b))} passed${after}`
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `✅ *Back to normal*: ${escapeMrkdwn(b.job)} ${
            b.url === undefined
              ? `#${b.number}`
              : slackLink(b.url, `#${b.number}`)
          } passed${after}`
        }
      }
    ]
  }
}

/** Which thread reply a finished build gets, if any. */
export function replyKind(b: BuildSnapshot): 'failure' | 'fixed' | undefined {
  if (b.phase !== 'COMPLETED') return undefined
  if (isFailing(b.result)) return 'failure'
  if (b.streak?.kind === 'back_to_normal') return 'fixed'
  return undefined
}
