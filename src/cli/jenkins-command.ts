/**
 * `stackci jenkins build` and `stackci jenkins stop`. Credentials come from
 * flags or the environment (JENKINS_URL, JENKINS_USER, JENKINS_TOKEN), never
 * from a token on the command line, where `ps` and shell history would see it.
 */

import { readFile } from 'node:fs/promises'
import { Option, type Command } from 'commander'
import { parseDuration } from '../core/duration.js'
import { InputError } from '../core/errors.js'
import { urlUserinfoSecrets } from '../core/secrets.js'
import { CancelledError, abortOnSignals } from '../core/signals.js'
import {
  DEFAULT_FAIL_ON,
  DEFAULT_TIMEOUT_MS,
  jenkinsClientFor,
  parseFailOn,
  parseParamFlag,
  runJenkinsBuild,
  stopBuildOrItem,
  streamConsoleSink,
  summaryLine,
  type JenkinsClient,
  type StopMode
} from '../jenkins/index.js'
import { EXIT, type CliContext } from './context.js'
import { collectList } from './verify-command.js'

interface ConnectionOptions {
  url?: string
  user?: string
  tokenFile?: string
}

interface BuildOptions extends ConnectionOptions {
  job: string
  param?: string[]
  wait: boolean
  timeout: string
  log: boolean
  failOn?: string[]
  cancelOnAbort: boolean
  json?: boolean
}

interface StopOptions extends ConnectionOptions {
  job: string
  build?: string
  queueItem?: string
  mode: StopMode
}

async function connect(
  ctx: CliContext,
  options: ConnectionOptions
): Promise<JenkinsClient> {
  const env = process.env
  const url = options.url ?? env.JENKINS_URL
  if (url === undefined || url === '') {
    throw new InputError('no Jenkins URL: give --url or set JENKINS_URL')
  }
  let token = env.JENKINS_TOKEN
  if (options.tokenFile !== undefined) {
    token = (await readFile(options.tokenFile, 'utf8')).trim()
  }
  // Mask first: nothing below may print the token or its Basic header,
  // nor a token written into the URL's user:password.
  ctx.reporter.mask(token)
  for (const secret of urlUserinfoSecrets(url)) ctx.reporter.mask(secret)
  const user = options.user ?? env.JENKINS_USER
  if (token !== undefined && token !== '' && user === undefined) {
    throw new InputError(
      'an API token was given without a user: give --user or set JENKINS_USER'
    )
  }
  return jenkinsClientFor(
    { url, user, token: token === '' ? undefined : token },
    ctx.reporter
  )
}

async function buildCommand(
  ctx: CliContext,
  options: BuildOptions
): Promise<void> {
  const jenkins = await connect(ctx, options)
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, ctx.reporter)
  const toStdout = options.json !== true
  try {
    const outcome = await runJenkinsBuild(
      {
        job: options.job,
        parameters: (options.param ?? []).map(parseParamFlag),
        wait: options.wait,
        timeoutMs: parseDuration(options.timeout, '--timeout'),
        streamLog: options.log,
        failOn: parseFailOn(options.failOn ?? [], '--fail-on'),
        cancelOnAbort: options.cancelOnAbort
      },
      {
        jenkins,
        reporter: ctx.reporter,
        signal: cancel.signal,
        console: streamConsoleSink(
          async (text) =>
            toStdout ? ctx.write(text) : void ctx.io.stderr.write(text),
          (text) => ctx.reporter.masker.apply(text)
        )
      }
    )
    await ctx.reporter.summary(summaryLine(outcome))
    if (outcome.failed) ctx.reporter.error(outcome.message)
    if (options.json === true) await ctx.write(`${JSON.stringify(outcome)}\n`)
    else if (!options.wait) await ctx.write(`${outcome.queueUrl}\n`)
    ctx.exitCode = outcome.failed ? EXIT.failed : EXIT.ok
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error
    ctx.reporter.error(`${error.message}: stopped waiting`)
    // The shell's convention for "killed by a signal".
    ctx.exitCode = error.signal === 'SIGINT' ? 130 : 143
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
  const jenkins = await connect(ctx, options)
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
      'give up (and stop the build) after this long',
      `${DEFAULT_TIMEOUT_MS / 3_600_000}h`
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
