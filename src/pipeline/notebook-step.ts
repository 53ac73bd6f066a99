/**
 * The notebook step: every report of `notebooks:` executed in the image the
 * stack-image step built, given the SQLite store's history and this run's
 * verify jobs, rendered beside the metrics report; a job summary row and a
 * link in the run's Slack thread say where.
 */

import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError, InputError } from '../core/errors.js'
import { parseLimits } from '../integration/limits.js'
import type { HistorySource } from '../integration/notebook-history.js'
import {
  notebookFailureText,
  notebookSummary,
  type NotebookResult
} from '../integration/notebook-result.js'
import { runNotebook } from '../integration/notebook-run.js'
import { gitHead } from '../docker/project.js'
import { DEFAULT_REPORT_OUT } from '../report/step.js'
import type { RunState, StepDone } from './state.js'

/** Where the reports can be read: the run's artifacts in Actions, else the file. */
function reportLink(run: RunState, path: string): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = run.env
  if (GITHUB_REPOSITORY !== undefined && GITHUB_RUN_ID !== undefined)
    return `${GITHUB_SERVER_URL ?? 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}#artifacts`
  return pathToFileURL(path).href
}

function historyOf(run: RunState): HistorySource | undefined {
  const configured = run.config.metrics?.stores?.sqlite?.path
  const path =
    run.sqliteStore ??
    (configured === undefined
      ? undefined
      : resolve(run.config.baseDir, configured))
  if (path !== undefined && existsSync(path)) return { kind: 'sqlite', path }
  run.reporter.warning(
    'no SQLite metrics store yet: the notebooks get no history (history_file is None)'
  )
  return undefined
}

export async function notebookStep(run: RunState): Promise<StepDone> {
  const { config } = run
  const entries = config.notebooks ?? []
  const image = run.image
  if (image === undefined) {
    throw new InputError(
      'no image to run the notebooks in (the stack-image step did not build one)',
      { hint: 'add stack-image to the profile before notebook' }
    )
  }
  const known = config.integration?.datasets ?? {}
  const out = dirname(
    resolve(config.baseDir, config.report?.out ?? DEFAULT_REPORT_OUT)
  )
  const history = historyOf(run)
  const results: NotebookResult[] = []
  for (const [i, entry] of entries.entries()) {
    const datasets = (entry.datasets ?? []).map((name) => {
      const path = known[name]
      if (path === undefined) {
        throw new ConfigError(`notebooks[${i}]: unknown dataset ${name}`, {
          where: { file: config.file, path: `notebooks[${i}].datasets` },
          hint: `integration.datasets has ${Object.keys(known).join(', ') || 'none'}`
        })
      }
      return { name, path: resolve(config.baseDir, path) }
    })
    const result = await runNotebook(
      await run.engine(),
      {
        notebook: resolve(config.baseDir, entry.path),
        image: image.image,
        params: { ...entry.params, ...run.options.notebookParams },
        identity: {
          run_id: run.runId,
          release_tag: image.release.eups ?? image.release.tag,
          ...gitShaOf(run)
        },
        history,
        definitions: definitionsOf(run),
        jobs: run.jobs ?? [],
        datasets,
        out,
        timeoutMs: entry.timeout,
        ...parseLimits(entry, (name) => `notebooks[${i}].${name}`),
        // Built (or promoted) a moment ago: never pulled.
        pull: false,
        runId: run.runId,
        signal: run.options.signal
      },
      run.reporter
    )
    if (result.status !== 'success')
      run.reporter.error(notebookFailureText(result))
    results.push(result)
  }
  const link = (path: string): string => reportLink(run, path)
  await run.reporter.summary(notebookSummary(results, link))
  run.notebooks = results.flatMap((r) => (r.html === undefined ? [] : [r.html]))
  const failed = results.filter((r) => r.status !== 'success')
  const first = results.find((r) => r.html !== undefined)?.html
  return {
    status: failed.length === 0 ? 'passed' : 'failed',
    detail:
      failed.length === 0
        ? `${results.map((r) => `${r.name}.html`).join(', ')} written`
        : failed.map((r) => `${r.name}: ${r.message}`).join('; '),
    ...(first === undefined
      ? {}
      : { link: { url: link(first), text: 'notebook reports' } })
  }
}

function definitionsOf(run: RunState): string | undefined {
  const dir = run.config.metrics?.definitions ?? run.config.verify?.definitions
  return dir === undefined ? undefined : resolve(run.config.baseDir, dir)
}

function gitShaOf(run: RunState): { git_sha?: string } {
  const sha =
    run.env.GITHUB_SHA ?? run.env.GIT_COMMIT ?? gitHead(run.config.baseDir)
  return sha === undefined || sha === '' ? {} : { git_sha: sha }
}
