/**
 * The lint step: an adapter over src/lint/step.ts, rooted at the config
 * file's directory. It writes the ratchet's counts job
 * (`lint.<linter>_violations`), which dispatch-metrics records with the
 * other jobs, and keeps the codes of the findings on the changed lines for
 * the ratchet's message.
 */

import { join } from 'node:path'
import { plural, TERMINAL_CAP } from '../core/format.js'
import {
  lintInputsFromConfig,
  lintSummary,
  runLintStep
} from '../lint/index.js'
import { type RunState, type StepDone } from './state.js'

export async function lintStep(run: RunState): Promise<StepDone> {
  const metricsJob = join(run.dir, 'lint.verify.json')
  const reportFile = join(run.dir, 'lint.json')
  const inputs = {
    ...lintInputsFromConfig(run.config),
    'metrics-job': metricsJob
  }
  const annotationLimit = run.options.annotationLimit ?? 0
  const result = await runLintStep(inputs, {
    reporter: run.reporter,
    root: run.config.baseDir,
    env: run.env,
    annotationLimit,
    reportFile,
    ...(run.options.signal === undefined ? {} : { signal: run.options.signal })
  })
  await run.reporter.summary(lintSummary(result))
  if (annotationLimit === 0 && result.findings.length > 0)
    run.reporter.info(
      lintSummary(result, { cap: TERMINAL_CAP, rest: reportFile })
    )
  run.lintJob = metricsJob
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
