/**
 * `stackci lint`: the lint step from a terminal or a Jenkinsfile. Findings
 * go to stdout (text, or the JSON report with --json); exit 0 when nothing
 * reaches --fail-on, 1 when something does, 2 when a linter cannot run.
 */

import type { Command } from 'commander'
import { parseDuration } from '../core/duration.js'
import { InputError } from '../core/errors.js'
import { plural } from '../core/format.js'
import {
  FAIL_ON,
  FORMATS,
  formatFinding,
  lintReportText,
  parseLinters,
  parseSeverityRules,
  runLint,
  type FailOn,
  type LintOptions
} from '../lint/index.js'
import { EXIT, type CliContext } from './context.js'
import { collectList } from './verify-command.js'

interface LintCommandOptions {
  linter?: string[]
  linters?: string[]
  paths?: string[]
  root?: string
  onlyChanged?: boolean
  baseRef?: string
  headRef?: string
  failOn: string
  severity?: string[]
  metricsJob?: string
  report?: string
  timeout?: string
  json?: boolean
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function lintOptions(paths: string[], o: LintCommandOptions): LintOptions {
  if (!(FAIL_ON as readonly string[]).includes(o.failOn)) {
    throw new InputError(
      `--fail-on must be one of ${FAIL_ON.join(', ')}, got ${JSON.stringify(o.failOn)}`
    )
  }
  const specs = [
    ...(o.linter ?? []),
    ...(o.linters ?? []).flatMap((l) => l.split('\n'))
  ]
  const all = [...paths, ...(o.paths ?? [])]
  const options: LintOptions = {
    root: o.root ?? process.cwd(),
    linters: parseLinters(specs.length === 0 ? ['flake8'] : specs, '--linter'),
    onlyChanged: o.onlyChanged === true,
    failOn: o.failOn as FailOn,
    severity: parseSeverityRules(o.severity ?? [], '--severity')
  }
  if (all.length > 0) options.paths = all
  if (o.baseRef !== undefined) options.baseRef = o.baseRef
  if (o.headRef !== undefined) options.head = o.headRef
  if (o.metricsJob !== undefined) options.metricsJob = o.metricsJob
  if (o.report !== undefined) options.reportFile = o.report
  if (o.timeout !== undefined)
    options.timeoutMs = parseDuration(o.timeout, '--timeout')
  return options
}

async function lintCommand(
  ctx: CliContext,
  paths: string[],
  o: LintCommandOptions
): Promise<void> {
  const result = await runLint(lintOptions(paths, o), ctx.reporter)
  if (o.json === true) {
    await ctx.write(lintReportText(result))
  } else {
    // In batches: one write per finding is 45,000 system calls on a big tree.
    for (let i = 0; i < result.findings.length; i += 1000) {
      const batch = result.findings.slice(i, i + 1000).map(formatFinding)
      await ctx.write(`${batch.join('\n')}\n`)
    }
  }
  const t = result.totals
  const scope = result.changed === undefined ? '' : ' on changed lines'
  const line = `${plural(t.findings, 'finding')}${scope}: ${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}, ${plural(t.notices, 'notice')} (${result.all} in the whole tree); fail-on ${result.failOn}: ${result.passed ? 'passed' : 'failed'}`
  ctx.reporter.info(line)
  if (!result.passed) ctx.exitCode = EXIT.failed
}

const HELP = `
Linters (--linter, repeatable; default flake8):
  flake8                                 run flake8 in the root (its setup.cfg, tox.ini, .flake8 apply)
  flake8: python3 -m flake8 --jobs 4     any command and arguments (no shell)
  eslint[unix]: npx eslint -f unix src   any linter, with the format of its output
  verify-yaml: path/to/verify_metrics    the built-in lint of metric/spec YAML
Formats: ${[...FORMATS.keys()].join(', ')}.
Severity: flake8's E9, F63, F7, F82 are errors; other E, F, W warnings; C notices.
  Change it with --severity E501=notice,W=error (longest code prefix wins).
Exit codes: 0 nothing at --fail-on, 1 findings at --fail-on, 2 a linter could not run.`

/** Adds `stackci lint`. */
export function registerLintCommand(program: Command, ctx: CliContext): void {
  program
    .command('lint')
    .description(
      'run linters, keep findings on changed lines, report and count them'
    )
    .argument('[paths...]', 'paths to lint, relative to --root')
    .option('--linter <spec>', 'a linter to run (repeatable)', collect)
    .option(
      '--linters <specs>',
      'linters, one per line (as the action input)',
      collect
    )
    .option('--paths <paths>', 'paths to lint (comma separated)', collectList)
    .option('--root <dir>', 'project root: linters run here (default: cwd)')
    .option(
      '--only-changed',
      'keep only findings on lines changed since the base (a pull request)'
    )
    .option(
      '--base-ref <ref>',
      'base to compare with (default: the pull request event’s base)'
    )
    .option('--head-ref <ref>', 'commit under test', 'HEAD')
    .option('--fail-on <level>', `exit 1 at: ${FAIL_ON.join(', ')}`, 'error')
    .option(
      '--severity <rules>',
      'CODE=LEVEL rules, comma separated (repeatable)',
      collect
    )
    .option('--metrics-job <file>', 'write the counts as a verify job here')
    .option('--report <file>', 'write the JSON report here')
    .option('--timeout <duration>', 'stop a linter after this long', '30m')
    .option('--json', 'the JSON report on stdout instead of text')
    .addHelpText('after', HELP)
    .action(async (paths: string[], options: LintCommandOptions) => {
      await lintCommand(ctx, paths, options)
    })
}
