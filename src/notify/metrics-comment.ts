/**
 * The sticky PR comment: the metrics report behind a hidden marker, so each
 * run finds its own comment and edits it instead of adding another.
 */

import type { MetricsReport } from './metrics-model.js'
import { metricsMarkdown, type MarkdownOptions } from './metrics-markdown.js'

/** GitHub refuses comment bodies over 65,536 characters. */
export const COMMENT_LIMIT = 65_536

/** The hidden marker of the comment for `key` (one per workflow or job). */
export function commentMarker(key: string): string {
  return `<!-- stackci:metrics:${key.replace(/-->/g, '')} -->`
}

/** The comment body: marker, report, and where it came from. */
export function metricsComment(
  outcome: MetricsReport,
  key: string,
  options: MarkdownOptions & { runUrl?: string } = {}
): string {
  const marker = commentMarker(key)
  const source =
    options.runUrl === undefined
      ? ''
      : `\n\n<sub>Updated by [this run](${options.runUrl}).</sub>`
  let body = `${marker}\n${metricsMarkdown(outcome, options)}${source}`
  if (body.length > COMMENT_LIMIT) {
    // Charts go first, then table rows, until it fits.
    body = `${marker}\n${metricsMarkdown(outcome, { ...options, maxCharts: 0, maxRows: 50 })}${source}`
  }
  if (body.length > COMMENT_LIMIT) {
    body = `${body.slice(0, COMMENT_LIMIT - 200)}\n\n… (cut: see the job summary)`
  }
  return body
}
