/**
 * The lint step: the project's linters over the config file's directory.
 * It writes the ratchet's counts job (`lint.<linter>_violations`), which
 * dispatch-metrics records with the other jobs, and keeps the codes of the
 * findings on the changed lines for the ratchet's message.
 */

import { join } from 'node:path'
import { parseLinters } from '../lint/linters.js'
import { runLint, type LintOptions } from '../lint/run-lint.js'
import { plural } from '../core/format.js'
import { type RunState, type StepDone } from './state.js'

export async function lintStep(run: RunState): Promise<StepDone> {
  const section = run.config.lint ?? {}
  const options: LintOptions = {
    root: run.config.baseDir,
    linters: parseLinters(section.linters ?? ['flake8'], 'lint.linters'),
    onlyChanged: section['only-changed'] ?? true,
    failOn: section['fail-on'] ?? 'error',
    annotationLimit: run.options.annotationLimit ?? 0,
    reportFile: join(run.dir, 'lint.json'),
    metricsJob: join(run.dir, 'lint.verify.json'),
    env: run.env
  }
  if (section.paths !== undefined) options.paths = section.paths
  if (section['base-ref'] !== undefined) options.baseRef = section['base-ref']
  if (section.timeout !== undefined) options.timeoutMs = section.timeout
  if (run.options.signal !== undefined) options.signal = run.options.signal
  const result = await runLint(options, run.reporter)
  run.lintJob = options.metricsJob
  const codes: Record<string, Record<string, number>> = {}
  for (const f of result.findings) {
    const byCode = (codes[f.linter] ??= {})
    const code = f.code ?? '(no code)'
    byCode[code] = (byCode[code] ?? 0) + 1
  }
  run.lintCodes = codes
  const t = result.totals
  const scope =
    result.changed === undefined ? 'in the tree' : 'on the changed lines'
  return {
    status: result.passed ? 'passed' : 'failed',
    detail: `${plural(t.findings, 'finding')} ${scope} (${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}) from ${result.linters.map((l) => l.name).join(', ')}`
  }
}
