/**
 * `stackci jenkins build` and `stackci jenkins stop`. Credentials come from
 * flags or the environment (JENKINS_URL, JENKINS_USER, JENKINS_TOKEN), never
 * from a token on the command line, where `ps` and shell history would see it.
 */

import { readFile } from 'node:fs/promises'
import { Option, type Command } from 'commander'
import { InputError } from '../core/errors.js'
import {
  CancelledError,
  signalExitCode,
  abortOnSignals
} from '../core/signals.js'
import {
  DEFAULT_FAIL_ON,
  DEFAULT_TIMEOUT_MS,
  jenkinsBuildInputsFromFlags,
  jenkinsBuildSummary,
  jenkinsClientFor,
  runJenkinsBuildStep,
  stopBuildOrItem,
  streamConsoleSink,
  type JenkinsBuildFlags,
  type StopMode
} from '../jenkins/index.js'
import { EXIT, type CliContext } from './context.js'
import { projectConfig } from './project.js'
import { collectList } from './verify-command.js'

interface ConnectionOptions {
  url?: string
  user?: string
  tokenFile?: string
  job: string
}

interface BuildOptions
  extends ConnectionOptions, Omit<JenkinsBuildFlags, 'job'> {
  json?: boolean
}

interface StopOptions extends ConnectionOptions {
  build?: string
  queueItem?: string
  mode: StopMode
}

/** The flags with the token read from --token-file (never a flag value). */
async function withToken<T extends ConnectionOptions>(
  options: T
): Promise<T & { token?: string }> {
  if (options.tokenFile === undefined) return options
  const token = (await readFile(options.tokenFile, 'utf8')).trim()
  return token === '' ? options : { ...options, token }
}

async function buildCommand(
  ctx: CliContext,
  options: BuildOptions
): Promise<void> {
  // commander sets a --no-X flag's true when absent: let the file decide.
  const given = (on: boolean | undefined): false | undefined =>
    on === false ? false : undefined
  const inputs = jenkinsBuildInputsFromFlags(
    {
      ...(await withToken(options)),
      wait: given(options.wait),
      log: given(options.log),
      cancelOnAbort: given(options.cancelOnAbort)
    },
    process.env,
    await projectConfig()
  )
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, ctx.reporter)
  const json = options.json === true
  try {
    const result = await runJenkinsBuildStep(inputs, {
      reporter: ctx.reporter,
      signal: cancel.signal,
      // stdout is the console, unless it is the JSON's.
      console: streamConsoleSink(
        async (text) =>
          json ? void ctx.io.stderr.write(text) : ctx.write(text),
        (text) => ctx.reporter.masker.apply(text)
      )
    })
    const { outcome } = result
    const summary = jenkinsBuildSummary(result)
    await ctx.reporter.summary(summary)
    if (outcome.failed) ctx.reporter.error(outcome.message)
    if (outcome.result !== undefined) ctx.reporter.info(summary)
    if (json) await ctx.write(`${JSON.stringify(outcome)}\n`)
    else if (!inputs.wait) await ctx.write(`${outcome.queueUrl}\n`)
    ctx.exitCode = outcome.failed ? EXIT.failed : EXIT.ok
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error
    ctx.reporter.error(`${error.message}: stopped waiting`)
    ctx.exitCode = signalExitCode(error.signal)
  } finally {
    release()
  }
}

async function stopCommand(
  ctx: CliContext,
  options: StopOptions
): Promise<void> {
  if ((options.build === undefined) === (options.queueItem === undefined)) {
    throw new InputError('give exactly one of --build N or --queue-item ID')
  }
  const number = (flag: string, text: string): number => {
    if (!/^\d+$/.test(text))
      throw new InputError(
        `${flag} must be a number, got ${JSON.stringify(text)}`
      )
    return Number(text)
  }
  const inputs = jenkinsBuildInputsFromFlags(
    await withToken(options),
    process.env,
    await projectConfig()
  )
  const jenkins = jenkinsClientFor(inputs, ctx.reporter)
  const what = await stopBuildOrItem(
    jenkins,
    {
      job: options.job,
      queueId:
        options.queueItem === undefined
          ? -1
          : number('--queue-item', options.queueItem),
      ...(options.build === undefined
        ? {}
        : { build: number('--build', options.build) })
    },
    { reporter: ctx.reporter, mode: options.mode }
  )
  await ctx.write(`stopped ${what}\n`)
}

function connectionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'Jenkins base URL (default: $JENKINS_URL)')
    .option('--user <name>', 'Jenkins user (default: $JENKINS_USER)')
    .option(
      '--token-file <file>',
      'read the API token from this file (default: $JENKINS_TOKEN)'
    )
    .requiredOption(
      '--job <path>',
      'the job with its folders, e.g. release/weekly-release'
    )
}

/** Adds `jenkins build` and `jenkins stop` to the program. */
export function registerJenkinsCommands(
  program: Command,
  ctx: CliContext
): void {
  const jenkins = program
    .command('jenkins')
    .description('trigger, follow and stop Jenkins builds')

  connectionOptions(
    jenkins
      .command('build')
      .description(
        'trigger a job, follow its build, stream its console to stdout\n' +
          '(exit 0 SUCCESS, 1 a fail-on result or timeout, 2 bad input or unreachable;\n' +
          'SIGINT/SIGTERM stop the Jenkins build, then exit 130/143)'
      )
  )
    .option(
      '--param <key=value>',
      'a build parameter (repeat for more)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v]
    )
    .option('--no-wait', 'return once queued (prints the queue item URL)')
    .option(
      '--timeout <duration>',
      `give up (and stop the build) after this long (default: jenkins.timeout in stackci.yml, else ${DEFAULT_TIMEOUT_MS / 3_600_000}h)`
    )
    .option('--no-log', 'do not stream the console; poll the status only')
    .option(
      '--fail-on <results>',
      `results that fail (default ${DEFAULT_FAIL_ON.join(',')})`,
      collectList
    )
    .option(
      '--no-cancel-on-abort',
      'leave the build running on timeout or signal'
    )
    .option(
      '--json',
      'print the outcome as JSON on stdout (the console goes to stderr)'
    )
    .action(async (options: BuildOptions) => {
      await buildCommand(ctx, options)
    })

  connectionOptions(
    jenkins
      .command('stop')
      .description(
        'stop a build, or cancel a queue item (and its build if it started)'
      )
  )
    .option('--build <number>', 'the build number')
    .option('--queue-item <id>', 'the queue item id (from the queue URL)')
    .addOption(
      new Option(
        '--mode <mode>',
        'how: stop, term or kill (Pipeline only; else stop)'
      )
        .choices(['stop', 'term', 'kill'])
        .default('stop')
    )
    .action(async (options: StopOptions) => {
      await stopCommand(ctx, options)
    })
}
