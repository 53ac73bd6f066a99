/** The lint step: the project's linters over the config file's directory. */

import { join } from 'node:path'
import { parseLinters } from '../lint/linters.js'
import { runLint, type LintOptions } from '../lint/run-lint.js'
import { plural, type RunState, type StepDone } from './state.js'

export async function lintStep(run: RunState): Promise<StepDone> {
  const section = run.config.lint ?? {}
  const options: LintOptions = {
    root: run.config.baseDir,
    linters: parseLinters(section.linters ?? ['flake8'], 'lint.linters'),
    onlyChanged: section['only-changed'] ?? true,
    failOn: section['fail-on'] ?? 'error',
    annotationLimit: run.options.annotationLimit ?? 0,
    reportFile: join(run.dir, 'lint.json'),
    env: run.env
  }
  if (section.paths !== undefined) options.paths = section.paths
  if (section['base-ref'] !== undefined) options.baseRef = section['base-ref']
  if (section.timeout !== undefined) options.timeoutMs = section.timeout
  if (run.options.signal !== undefined) options.signal = run.options.signal
  const result = await runLint(options, run.reporter)
  const t = result.totals
  const scope =
    result.changed === undefined ? 'in the tree' : 'on the changed lines'
  return {
    status: result.passed ? 'passed' : 'failed',
    detail: `${plural(t.findings, 'finding')} ${scope} (${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}) from ${result.linters.map((l) => l.name).join(', ')}`
  }
}
