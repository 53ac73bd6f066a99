/**
 * How a notebook run ended, told apart as dataset runs are (a failing cell,
 * the timeout, an OOM kill, a cancel), with what it wrote, and the lines
 * and job summary that say so.
 */

import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { displayPath } from '../core/glob.js'
import { formatMs } from '../core/format.js'
import { formatBytes } from '../core/format.js'
import type { ContainerOutcome } from './container-run.js'
import type { DriverResult } from './notebook-driver.js'
import type { ImageInfo } from './image.js'

/** The run identity every notebook is given (Python names). */
export interface NotebookIdentity {
  run_id: string
  release_tag: string | null
  image_digest: string
  git_sha: string | null
}

export type NotebookStatus =
  'success' | 'failure' | 'timeout' | 'oom' | 'cancelled'

export interface NotebookResult {
  name: string
  notebook: string
  status: NotebookStatus
  /** One line: what happened. */
  message: string
  /** The failing cell (1-based, the notebook's own cells) and its error. */
  cell?: number
  traceback: string[]
  /** The rendered notebook (partial after a failing cell), when written. */
  html?: string
  /** The executed notebook, when written. */
  ipynb?: string
  /** Every file the notebook left in its output directory. */
  outputs: string[]
  logFile: string
  logTail: string[]
  durationMs: number
  identity: NotebookIdentity
  image: string
}

/** Puts together what the container and the driver said. */
export function notebookResult(parts: {
  name: string
  notebook: string
  out: string
  logFile: string
  outcome: ContainerOutcome<string[]>
  driver: DriverResult | undefined
  identity: NotebookIdentity
  image: ImageInfo
  timeoutMs: number
  memory: number | undefined
}): NotebookResult {
  const { outcome, driver } = parts
  const html = join(parts.out, `${parts.name}.html`)
  const ipynb = join(parts.out, `${parts.name}.ipynb`)
  const outputs = outcome.collected ?? []
  let status: NotebookStatus
  let message: string
  if (outcome.ending === 'timeout') {
    status = 'timeout'
    message = `still running after the timeout of ${formatMs(parts.timeoutMs)}; killed`
  } else if (outcome.ending === 'oom') {
    status = 'oom'
    message = `ran out of memory${parts.memory === undefined ? '' : ` (limit ${formatBytes(parts.memory)})`}; killed`
  } else if (outcome.ending === 'cancelled') {
    status = 'cancelled'
    message = 'cancelled; killed'
  } else if (outcome.exitCode === 0 && driver?.ok === true) {
    status = 'success'
    message = `executed in ${formatMs(outcome.durationMs)}`
  } else if (driver !== undefined && !driver.ok) {
    status = 'failure'
    const cell =
      driver.cell === undefined
        ? 'the notebook'
        : `cell ${driver.cell}${driver.executionCount === undefined ? '' : ` (In [${driver.executionCount}])`}`
    message = `${cell} failed: ${driver.error ?? 'an error'}`
  } else {
    status = 'failure'
    message = `the Jupyter driver exited ${String(outcome.exitCode)} without a result (does the image have python3-nbclient, python3-nbconvert and python3-ipykernel?)`
  }
  return {
    name: parts.name,
    notebook: parts.notebook,
    status,
    message,
    ...(driver?.cell === undefined ? {} : { cell: driver.cell }),
    traceback: driver?.traceback ?? [],
    ...(outputs.includes(html) || existsSync(html) ? { html } : {}),
    ...(outputs.includes(ipynb) || existsSync(ipynb) ? { ipynb } : {}),
    outputs,
    logFile: parts.logFile,
    logTail: outcome.logTail.filter(
      (l) => !l.startsWith('stackci-notebook-result: ')
    ),
    durationMs: outcome.durationMs,
    identity: parts.identity,
    image: parts.image.ref
  }
}

/** The error text of a run that did not succeed: message and traceback tail. */
export function notebookFailureText(result: NotebookResult): string {
  const tail = result.traceback.length > 0 ? result.traceback : result.logTail
  const lines = tail.map((l) => `  | ${l}`).join('\n')
  return `${result.name}: ${result.message}${lines === '' ? '' : `\n${lines}`}${result.html === undefined ? '' : `\n(partial HTML: ${displayPath(result.html)})`}`
}

/** The job summary: a link to the report, or why there is none. */
export function notebookSummary(
  results: readonly NotebookResult[],
  link: (path: string) => string = displayPath
): string {
  const rows = results.map((r) => {
    const mark = r.status === 'success' ? '✅' : '❌'
    const report =
      r.html === undefined ? '—' : `[${r.name}.html](${link(r.html)})`
    return `| ${mark} ${r.name} | ${r.status} | ${report} | ${r.message.replace(/\|/g, '\\|')} |`
  })
  const id = results[0]?.identity
  return [
    '### Notebook reports',
    '',
    '| Notebook | Status | Report | |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...(id === undefined
      ? []
      : [
          `Run \`${id.run_id}\`, release ${id.release_tag ?? '—'}, image \`${id.image_digest}\`, git ${id.git_sha ?? '—'}`,
          ''
        ])
  ].join('\n')
}
