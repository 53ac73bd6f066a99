/**
 * `stackci dataset run --image I --dataset NAME=PATH… -- CMD ARGS…`: the
 * integration step from a shell or a Jenkinsfile. Inside a project with a
 * stackci.yml, its `integration:` section gives the defaults (datasets,
 * command, limits) and flags override them. Exit 0 when every dataset
 * succeeded, 1 when one failed, timed out or ran out of memory, 2 for bad
 * input or an engine that failed; 130/143 when interrupted (the containers
 * are killed and removed first).
 */

import type { Command } from 'commander'
import { resolve } from 'node:path'
import {
  abortOnSignals,
  CancelledError,
  signalExitCode
} from '../core/signals.js'
import {
  DEFAULT_DATASET_PATH,
  DEFAULT_OUTPUT_PATH,
  integrationInputsFromFlags,
  integrationJson,
  integrationSummary,
  integrationTable,
  runIntegration
} from '../integration/index.js'
import { EXIT, type CliContext } from './context.js'
import { projectConfig } from './project.js'

interface RunFlags {
  json?: boolean
}

function repeat(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

async function runCommand(
  ctx: CliContext,
  command: string[],
  flags: RunFlags
): Promise<void> {
  const config = await projectConfig()
  const inputs = integrationInputsFromFlags({ ...flags, command }, config)
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, ctx.reporter)
  try {
    const result = await runIntegration(inputs, {
      reporter: ctx.reporter,
      workspace: config?.baseDir ?? process.cwd(),
      resultsDir: resolve('integration-results'),
      signal: cancel.signal
    })
    await ctx.reporter.summary(integrationSummary(result))
    if (flags.json === true) {
      await ctx.write(integrationJson(result))
    } else await ctx.write(integrationTable(result))
    const reason = cancel.signal.reason as unknown
    if (reason instanceof CancelledError) {
      ctx.exitCode = signalExitCode(reason.signal)
    } else if (result.results.some((r) => r.status === 'error')) {
      ctx.exitCode = EXIT.error
    } else ctx.exitCode = result.passed ? EXIT.ok : EXIT.failed
  } finally {
    release()
  }
}

/** Adds `dataset run`. */
export function registerDatasetCommands(
  program: Command,
  ctx: CliContext
): void {
  const dataset = program
    .command('dataset')
    .description('integration datasets: run them inside the stack image')
  // No commander defaults below: an unset flag leaves stackci.yml's value.
  dataset
    .command('run')
    .description(
      "run a command on each dataset inside an image (dataset mounted read-only, network none), collect the verify jobs it writes; inside a project, stackci.yml's integration: section gives the defaults"
    )
    .argument(
      '[command...]',
      'after --: the command and its arguments ({dataset}, {dataset_dir}, {output_dir} are filled in); default integration.command, else the image CMD'
    )
    .requiredOption('--image <ref>', 'the image to run in (built or pulled)')
    .option(
      '--dataset <name=path>',
      'a dataset directory to mount read-only (repeatable; default integration.datasets)',
      repeat
    )
    .option(
      '--outputs <glob>',
      'files to collect, relative to the output dir (repeatable; default **/*.verify.json)',
      repeat
    )
    .option(
      '--results-dir <dir>',
      'where collected files (<dir>/<dataset>/…) and logs (<dir>/<dataset>.log) go (default integration-results)'
    )
    .option(
      '--timeout <duration>',
      'kill a dataset after this long (default 1h)'
    )
    .option('--memory <size>', 'memory limit per dataset (512m, 2g); no swap')
    .option('--cpus <n>', 'CPU limit per dataset (e.g. 1.5)')
    .option(
      '--network <name>',
      'network: none, bridge, host or a name (default none)'
    )
    .option('--parallel <n>', 'datasets run at once (default 1)')
    .option('--user <user>', 'user[:group] to run as (default the image’s)')
    .option('--workdir <dir>', 'working directory inside the container')
    .option('--env <KEY=VALUE>', 'environment variable (repeatable)', repeat)
    .option('--shell', 'run the command through /bin/sh -c')
    .option(
      '--dataset-path <path>',
      `where each dataset is mounted ({dataset} is its name; default ${DEFAULT_DATASET_PATH})`
    )
    .option(
      '--output-path <path>',
      `the writable output directory inside the container (default ${DEFAULT_OUTPUT_PATH})`
    )
    .option(
      '--allow-outside-workspace',
      'mount datasets whose real path (symlinks resolved) lies outside the project (the directory of stackci.yml, else this one)'
    )
    .option('--no-pull', 'never pull the image; fail when it is not local')
    .option(
      '--docker-host <host>',
      'Docker engine (default $DOCKER_HOST or unix:///var/run/docker.sock)'
    )
    .option('--json', 'machine-readable result on stdout')
    .action(async (command: string[], flags: RunFlags) => {
      await runCommand(ctx, command, flags)
    })
}
