/** `stackci run [stackci.yml]`: the pipeline described by a config file. */

import type { Command } from 'commander'
import { readStackciConfig } from '../core/config.js'
import { formatPipelineTable, runPipeline } from '../pipeline/index.js'
import { EXIT, type CliContext } from './context.js'

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description(
      'run the pipeline described by a stackci.yml (exit 0 green, 1 a step failed, 2 bad input)'
    )
    .argument('[config]', 'the pipeline file', 'stackci.yml')
    .option(
      '--profile <name>',
      'the profile to run (pr, daily, weekly, stable, local)'
    )
    .action(async (file: string) => {
      const config = await readStackciConfig(file)
      const result = await runPipeline(config, ctx.reporter)
      await ctx.write(`\n${formatPipelineTable(result)}\n`)
      if (!result.passed) {
        ctx.exitCode = result.steps.some((s) => s.status === 'error')
          ? EXIT.error
          : EXIT.failed
      }
    })
}
