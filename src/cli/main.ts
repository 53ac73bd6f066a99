/**
 * The `stackci` command. Each step registers its own subcommands; this file
 * only wires global options, error handling and exit codes.
 */

import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { CliContext, EXIT, type CliIo, type GlobalOptions } from './context.js'
import { registerDatasetCommands } from './dataset-command.js'
import { registerJenkinsCommands } from './jenkins-command.js'
import { registerImageCommands } from './image-command.js'
import { releaseVersionArgs } from './tags-command.js'
import { registerLintCommand } from './lint-command.js'
import { registerMetricsCommands } from './metrics-command.js'
import { registerAlertsCommands } from './alerts-command.js'
import { registerBridgeCommands } from './bridge-command.js'
import { registerReportCommand } from './report-command.js'
import { registerNotebookCommands } from './notebook-command.js'
import { registerRunCommand } from './run-command.js'
import { registerVerifyCommands } from './verify-command.js'

function version(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    ) as { version?: string }
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Builds the program; exported for tests and for `stackci help`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('stackci')
    .description(
      'CI for large scientific software stacks: lint, Jenkins builds, stack images,\n' +
        'integration datasets, lsst.verify metrics and the Jenkins bridge.'
    )
    .version(version(), '-V, --version')
    .option('-v, --verbose', 'show debug output')
    .option('--summary <file>', 'append a Markdown job summary to this file')
    .option('--no-color', 'no colours or in-place progress on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s)
    })
    .exitOverride()
  registerRunCommand(program, ctx)
  registerLintCommand(program, ctx)
  registerVerifyCommands(program, ctx)
  registerJenkinsCommands(program, ctx)
  registerImageCommands(program, ctx)
  registerMetricsCommands(program, ctx)
  registerDatasetCommands(program, ctx)
  registerBridgeCommands(program, ctx)
  registerReportCommand(program, ctx)
  registerAlertsCommands(program, ctx)
  registerNotebookCommands(program, ctx)
  return program
}

/**
 * The first word of `argv` that names no subcommand where one is expected
 * (`stackci nosuch`, `stackci metrics nosuch --help`), with the words before
 * it. Commander would print the parent's help for `--help` and exit 0, so a
 * typo in a script would pass; it is caught here first.
 */
export function unknownCommand(
  program: Command,
  argv: readonly string[]
): string | undefined {
  let cmd = program
  const path: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') return undefined
    if (arg.startsWith('-')) {
      // An option's value is not a command: skip it.
      const flag = arg.split('=')[0]
      const option = cmd.options.find(
        (o) => o.short === flag || o.long === flag
      )
      if (option?.required === true && !arg.includes('=')) i++
      continue
    }
    if (cmd.commands.length === 0) return undefined
    const sub = cmd.commands.find(
      (c) => c.name() === arg || c.aliases().includes(arg)
    )
    if (sub === undefined)
      return arg === 'help' ? undefined : [...path, arg].join(' ')
    path.push(arg)
    cmd = sub
  }
  return undefined
}

/** Runs the CLI on `argv` (without the node and script entries). */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr }
): Promise<number> {
  const holder: { program?: Command } = {}
  const ctx = new CliContext(
    io,
    () => holder.program?.opts<GlobalOptions>() ?? {}
  )
  const program = buildProgram(ctx)
  holder.program = program
  const unknown = unknownCommand(program, argv)
  if (unknown !== undefined) {
    io.stderr.write(
      `error: unknown command '${unknown}'\n(run stackci --help for the commands)\n`
    )
    return EXIT.error
  }
  try {
    await program.parseAsync(releaseVersionArgs(argv), { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.error
    }
    ctx.fail(error)
  }
  return ctx.exitCode
}
