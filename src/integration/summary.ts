/**
 * What a run tells the world: the action's two outputs (`jobs`, `results`),
 * the Markdown job summary with a row per dataset, and the CLI's table.
 */

import { formatMs } from '../core/format.js'
import type { DatasetResult, DatasetStatus } from './results.js'
import type { IntegrationResult } from './run-datasets.js'

/** One dataset's entry in the `results` output. */
export interface DatasetResultJson {
  status: DatasetStatus
  exit_code: number | null
  /** Seconds. */
  duration: number
  message: string
  jobs: string[]
  outputs: string[]
  log: string | null
}

export function resultJson(r: DatasetResult): DatasetResultJson {
  return {
    status: r.status,
    exit_code: r.exitCode ?? null,
    duration: Math.round(r.durationMs) / 1000,
    message: r.message,
    jobs: r.jobs,
    outputs: r.outputs,
    log: r.logFile ?? null
  }
}

function resultsByDataset(
  result: IntegrationResult
): Record<string, DatasetResultJson> {
  return Object.fromEntries(
    result.results.map((r) => [r.dataset, resultJson(r)])
  )
}

/** The action's outputs: `jobs` (host paths) and `results` (by dataset). */
export function integrationOutputs(
  result: IntegrationResult
): Record<'jobs' | 'results', string> {
  return {
    jobs: JSON.stringify(result.jobs),
    results: JSON.stringify(resultsByDataset(result))
  }
}

/** `stackci dataset run --json`: the result, with `results` by dataset. */
export function integrationJson(result: IntegrationResult): string {
  return `${JSON.stringify({ ...result, results: resultsByDataset(result) }, null, 2)}\n`
}

const MARK: Record<DatasetStatus, string> = {
  success: '✅',
  failure: '❌',
  timeout: '⏱️',
  oom: '💥',
  cancelled: '🚫',
  error: '⚠️'
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** The job summary: the image, then a row per dataset. */
export function integrationSummary(result: IntegrationResult): string {
  const ok = result.results.filter((r) => r.status === 'success').length
  const lines = [
    `### Integration datasets: ${ok}/${result.results.length} succeeded`,
    '',
    `Image \`${result.image.ref}\` (\`${result.image.digest}\`)`,
    '',
    '| dataset | status | exit code | duration | jobs | message |',
    '| --- | --- | ---: | ---: | ---: | --- |'
  ]
  for (const r of result.results) {
    lines.push(
      `| ${cell(r.dataset)} | ${MARK[r.status]} ${r.status} | ${r.exitCode ?? ''} | ${formatMs(r.durationMs)} | ${r.jobs.length} | ${cell(r.message)} |`
    )
  }
  const failed = result.results.filter(
    (r) => r.status !== 'success' && r.logTail.length > 0
  )
  for (const r of failed) {
    lines.push(
      '',
      `<details><summary>${cell(r.dataset)}: the last log lines</summary>`,
      '',
      '```',
      ...r.logTail.map((l) => l.replace(/```/g, "'''")),
      '```',
      '</details>'
    )
  }
  return `${lines.join('\n')}\n`
}

/** A plain table for the terminal. */
export function integrationTable(result: IntegrationResult): string {
  const rows = result.results.map((r) => [
    r.dataset,
    r.status,
    r.exitCode === undefined ? '-' : String(r.exitCode),
    formatMs(r.durationMs),
    r.message
  ])
  const head = ['dataset', 'status', 'exit', 'duration', 'message']
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length))
  )
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
  const jobs = result.jobs.map((j) => `job  ${j}`)
  return `${[line(head), ...rows.map(line), ...(jobs.length > 0 ? ['', ...jobs] : [])].join('\n')}\n`
}

/** One line naming every dataset that did not succeed. */
export function failureMessage(result: IntegrationResult): string {
  const bad = result.results.filter((r) => r.status !== 'success')
  return `${bad.length} of ${result.results.length} dataset(s) did not succeed: ${bad
    .map((r) => `${r.dataset} (${r.status}: ${r.message})`)
    .join('; ')}`
}
