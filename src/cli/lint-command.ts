/**
 * `stackci lint`: an adapter over the lint step (src/lint/step.ts). Inside a
 * project with a stackci.yml (or with --config), the `lint:` section gives
 * the defaults and flags override it. Findings go to stdout (text, or the
 * JSON report with --json), the step's summary (capped) to stderr; exit 0
 * when nothing reaches --fail-on, 1 when something does, 2 when a linter
 * cannot run.
 */

import type { Command } from 'commander'
import {
  FAIL_ON,
  FORMATS,
  formatFinding,
  lintCountsLine,
  lintInputsFromFlags,
  lintReportText,
  lintSummary,
  runLintStep
} from '../lint/index.js'
import { TERMINAL_CAP } from '../core/format.js'
import { EXIT, type CliContext } from './context.js'
import { projectConfig } from './project.js'
import { collectList } from './verify-command.js'

interface LintCommandOptions {
  linter?: string[]
  linters?: string[]
  paths?: string[]
  root?: string
  config?: string
  onlyChanged?: boolean
  baseRef?: string
  headRef?: string
  failOn?: string
  severity?: string[]
  metricsJob?: string
  report?: string
  timeout?: string
  json?: boolean
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

async function lintCommand(
  ctx: CliContext,
  paths: string[],
  o: LintCommandOptions
): Promise<void> {
  const config = await projectConfig(o.config)
  const inputs = lintInputsFromFlags(
    {
      ...o,
      // --linter (one each) and --linters (lines, as the action input).
      linter: [
        ...(o.linter ?? []),
        ...(o.linters ?? []).flatMap((l) => l.split('\n'))
      ],
      paths: [...paths, ...(o.paths ?? [])]
    },
    config
  )
  const result = await runLintStep(inputs, {
    reporter: ctx.reporter,
    root: o.root ?? config?.baseDir ?? process.cwd(),
    annotationLimit: 0,
    ...(o.headRef === undefined ? {} : { head: o.headRef }),
    ...(o.report === undefined ? {} : { reportFile: o.report })
  })
  if (o.json === true) {
    await ctx.write(lintReportText(result))
  } else {
    // In batches: one write per finding is 45,000 system calls on a big tree.
    for (let i = 0; i < result.findings.length; i += 1000) {
      const batch = result.findings.slice(i, i + 1000).map(formatFinding)
      await ctx.write(`${batch.join('\n')}\n`)
    }
    const rest = o.report ?? 'the findings above (or --report FILE)'
    ctx.reporter.info(lintSummary(result, { cap: TERMINAL_CAP, rest }))
  }
  ctx.reporter.info(lintCountsLine(result))
  await ctx.reporter.summary(lintSummary(result))
  if (!result.passed) ctx.exitCode = EXIT.failed
}

const HELP = `
Linters (--linter, repeatable; default: stackci.yml's lint.linters, else flake8):
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
    .option(
      '--root <dir>',
      "project root: linters run here (default: stackci.yml's directory, else cwd)"
    )
    .option(
      '--config <file>',
      'the stackci.yml whose lint: section gives the defaults (default: ./stackci.yml if present)'
    )
    .option(
      '--only-changed',
      'keep only findings on lines changed since the base (a pull request)'
    )
    .option(
      '--base-ref <ref>',
      'base to compare with (default: the pull request event’s base)'
    )
    .option('--head-ref <ref>', 'commit under test', 'HEAD')
    .option(
      '--fail-on <level>',
      `exit 1 at: ${FAIL_ON.join(', ')} (default: error)`
    )
    .option(
      '--severity <rules>',
      'CODE=LEVEL rules, comma separated (repeatable)',
      collect
    )
    .option('--metrics-job <file>', 'write the counts as a verify job here')
    .option('--report <file>', 'write the JSON report here')
    .option(
      '--timeout <duration>',
      'stop a linter after this long (default: 30m)'
    )
    .option('--json', 'the JSON report on stdout instead of text')
    .addHelpText('after', HELP)
    .action(async (paths: string[], options: LintCommandOptions) => {
      await lintCommand(ctx, paths, options)
    })
}
