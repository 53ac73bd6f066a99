/**
 * `stackci run [--profile P] [stackci.yml]`: the pipeline a profile of the
 * config describes, a progress line per step on stderr, the closing table
 * (or `--json`) on stdout.
 */

import { Option, type Command } from 'commander'
import { abortOnSignals } from '../core/signals.js'
import {
  formatPipelineTable,
  pipelineInputsFromFlags,
  pipelineStepSummaries,
  preparePipeline,
  runPipeline
} from '../pipeline/index.js'
import { EXIT, type CliContext } from './context.js'

interface RunOptions {
  profile?: string
  version?: string
  /** What `--version` arrives as (see releaseVersionArgs). */
  releaseVersion?: string
  date?: string
  runId?: string
  steps?: string
  jobs?: string[]
  json?: boolean
}

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description(
      'run the pipeline a stackci.yml profile describes: lint → jenkins-build → stack-image → integration → verify → dispatch-metrics → report → promote (exit 0 green, 1 a step failed, 2 bad input or a step errored)'
    )
    .argument('[config]', 'the pipeline file', 'stackci.yml')
    .option(
      '--profile <name>',
      "the profile to run (pr, daily, weekly, stable, local, …; default: the file's default-profile, else local)"
    )
    .option(
      '--version <version>',
      'release version for stable/rc (29.0.0, 29.0.0-rc1), PR number for pr, commit for sha'
    )
    .addOption(new Option('--release-version <version>').hideHelp())
    .option('--date <YYYY-MM-DD>', 'release date for daily and weekly tags')
    .option(
      '--run-id <id>',
      'the run id (default: the workflow run, else a new local one)'
    )
    .option(
      '--steps <list>',
      "only these of the profile's steps, comma-separated (collect mode: dispatch-metrics,promote)"
    )
    .option(
      '--jobs <glob>',
      'verify job files to record instead of running integration (repeatable; collect mode)',
      (value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        value
      ]
    )
    .option('--json', 'print the result as JSON instead of the table')
    .addHelpText(
      'after',
      '\nExamples:\n  stackci run --profile local examples/stackci.yml\n  stackci run --profile stable --version 29.0.0\n  stackci run --profile weekly --date 2026-11-28\n  stackci run --profile weekly --steps dispatch-metrics,promote --jobs "jobs/**/*.verify.json"  # collect'
    )
    .action(async (file: string, options: RunOptions) => {
      const inputs = pipelineInputsFromFlags(options, file)
      const prepared = await preparePipeline(inputs, {
        reporter: ctx.reporter,
        workspace: process.cwd()
      })
      const cancel = new AbortController()
      const release = abortOnSignals(cancel, ctx.reporter)
      try {
        const result = await runPipeline(prepared.config, ctx.reporter, {
          ...prepared.options,
          signal: cancel.signal
        })
        await ctx.write(
          options.json === true
            ? `${JSON.stringify(result, null, 2)}\n`
            : `\n${formatPipelineTable(result)}\n${pipelineStepSummaries(result)}`
        )
        if (!result.passed) {
          ctx.exitCode = result.steps.some((s) => s.status === 'error')
            ? EXIT.error
            : EXIT.failed
        }
      } finally {
        release()
      }
    })
}
