/**
 * The `stackci` command. Each step registers its own subcommands; this file
 * only wires global options, error handling and exit codes, and imports a
 * step's command module only when its command is chosen: importing every
 * one (each with its step, stores and clients) cost every command, even
 * `stackci notebook run`, most of a second before its first line.
 */

import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { CliContext, EXIT, type CliIo, type GlobalOptions } from './context.js'

/** What a command module exports to add its commands to the program. */
type Register = (program: Command, ctx: CliContext) => void

interface CommandModule {
  load: () => Promise<Register>
  /** Takes `--version` as a release version (see `releaseVersionArgs`). */
  release?: true
}

const image: CommandModule = {
  // `tags` is registered with `image`, whose options it shares.
  load: async () => (await import('./image-command.js')).registerImageCommands,
  release: true
}

/** Every top-level command, in the order `stackci --help` lists them. */
const COMMANDS: Readonly<Record<string, CommandModule>> = {
  run: {
    load: async () => (await import('./run-command.js')).registerRunCommand,
    release: true
  },
  lint: {
    load: async () => (await import('./lint-command.js')).registerLintCommand
  },
  verify: {
    load: async () =>
      (await import('./verify-command.js')).registerVerifyCommands
  },
  jenkins: {
    load: async () =>
      (await import('./jenkins-command.js')).registerJenkinsCommands
  },
  tags: image,
  image,
  metrics: {
    load: async () =>
      (await import('./metrics-command.js')).registerMetricsCommands
  },
  dataset: {
    load: async () =>
      (await import('./dataset-command.js')).registerDatasetCommands
  },
  bridge: {
    load: async () =>
      (await import('./bridge-command.js')).registerBridgeCommands
  },
  report: {
    load: async () =>
      (await import('./report-command.js')).registerReportCommand
  },
  alerts: {
    load: async () =>
      (await import('./alerts-command.js')).registerAlertsCommands
  },
  notebook: {
    load: async () =>
      (await import('./notebook-command.js')).registerNotebookCommands
  }
}

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

/** The program with its global options and no command yet. */
function bareProgram(ctx: CliContext): Command {
  return new Command('stackci')
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
}

/** The `COMMANDS` entry `word` names; undefined for help or a typo. */
function commandModule(word: string | undefined): CommandModule | undefined {
  return word !== undefined && Object.hasOwn(COMMANDS, word)
    ? COMMANDS[word]
    : undefined
}

/** `stackci --version`: answered before any help is asked. */
function asksVersion(argv: readonly string[]): boolean {
  const first = argv.find((a) => /^(-V|--version|-h|--help)$/.test(a))
  return first === '-V' || first === '--version'
}

/**
 * Builds the program with the commands `argv` can reach: the chosen
 * command's module only, or every command for help (`stackci`, `stackci
 * --help`, `stackci help …`). An unknown command gets none.
 */
export async function buildProgram(
  ctx: CliContext,
  argv: readonly string[] = []
): Promise<Command> {
  const program = bareProgram(ctx)
  const word = commandWords(program, argv)[0]
  const chosen = commandModule(word)
  const modules =
    chosen !== undefined
      ? [chosen]
      : (word === undefined && !asksVersion(argv)) || word === 'help'
        ? [...new Set(Object.values(COMMANDS))]
        : []
  // One after another: jest's module loader loses shared imports of
  // concurrent dynamic imports, and help has no hurry.
  for (const m of modules) (await m.load())(program, ctx)
  return program
}

/**
 * The words of `argv` that name commands, in order, up to the first that
 * names none below `program` (an argument, or a typo) or `--`. Options and
 * their values are skipped, so `--summary out.md metrics` is `metrics`.
 */
function commandWords(program: Command, argv: readonly string[]): string[] {
  let cmd: Command | undefined = program
  const words: string[] = []
  for (let i = 0; i < argv.length && cmd !== undefined; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') break
    if (arg.startsWith('-')) {
      // An option's value is not a command: skip it.
      const flag = arg.split('=')[0]
      const option = cmd.options.find(
        (o) => o.short === flag || o.long === flag
      )
      if (option?.required === true && !arg.includes('=')) i++
      continue
    }
    words.push(arg)
    cmd = cmd.commands.find(
      (c) => c.name() === arg || c.aliases().includes(arg)
    )
  }
  return words
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
  for (const word of commandWords(program, argv)) {
    // A program built for an unknown command has none: the word is it.
    if (cmd.commands.length === 0 && cmd !== program) return undefined
    const sub = cmd.commands.find(
      (c) => c.name() === word || c.aliases().includes(word)
    )
    if (sub === undefined)
      return word === 'help' ? undefined : [...path, word].join(' ')
    path.push(word)
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
  const program = await buildProgram(ctx, argv)
  holder.program = program
  const unknown = unknownCommand(program, argv)
  if (unknown !== undefined) {
    io.stderr.write(
      `error: unknown command '${unknown}'\n(run stackci --help for the commands)\n`
    )
    return EXIT.error
  }
  try {
    // Only the release commands read `--version` as theirs.
    const release = commandModule(commandWords(program, argv)[0])?.release
    const args =
      release === true
        ? (await import('./tags-command.js')).releaseVersionArgs(argv)
        : argv
    await program.parseAsync(args, { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors are bad input.
      return error.exitCode === 0 ? EXIT.ok : EXIT.error
    }
    ctx.fail(error)
  }
  return ctx.exitCode
}
