/**
 * `stackci dataset run --image I --dataset NAME=PATH… -- CMD ARGS…`: the
 * integration step from a shell or a Jenkinsfile. Exit 0 when every dataset
 * succeeded, 1 when one failed, timed out or ran out of memory, 2 for bad
 * input or an engine that failed; 130/143 when interrupted (the containers
 * are killed and removed first).
 */

import type { Command } from 'commander'
import { parseDuration } from '../core/duration.js'
import { InputError } from '../core/errors.js'
import { connectDocker } from '../docker/client.js'
import { parseKeyValues } from '../docker/labels.js'
import {
  DEFAULT_DATASET_PATH,
  DEFAULT_OUTPUT_PATH,
  integrationSummary,
  integrationTable,
  parseCpus,
  parseDatasets,
  parseMemory,
  resultJson,
  runDatasets
} from '../integration/index.js'
import { abortOnSignals, CancelledError } from '../core/signals.js'
import { EXIT, type CliContext } from './context.js'

interface RunOptions {
  image: string
  dataset: string[]
  outputs?: string[]
  resultsDir: string
  timeout: string
  memory?: string
  cpus?: string
  network: string
  parallel: string
  user?: string
  workdir?: string
  env?: string[]
  shell?: boolean
  datasetPath: string
  outputPath: string
  pull: boolean
  dockerHost?: string
  json?: boolean
}

function repeat(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

async function runCommand(
  ctx: CliContext,
  command: string[],
  options: RunOptions
): Promise<void> {
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, ctx.reporter)
  try {
    const parallel = Number(options.parallel)
    if (!/^\d+$/.test(options.parallel) || parallel < 1) {
      throw new InputError(
        `--parallel must be a whole number ≥ 1, got ${JSON.stringify(options.parallel)}`
      )
    }
    const result = await runDatasets(
      await connectDocker(options.dockerHost),
      {
        image: options.image,
        datasets: parseDatasets(options.dataset, process.cwd(), '--dataset'),
        command,
        shell: options.shell === true,
        outputs: options.outputs,
        timeoutMs: parseDuration(options.timeout, '--timeout'),
        memory:
          options.memory === undefined
            ? undefined
            : parseMemory(options.memory, '--memory'),
        cpus:
          options.cpus === undefined
            ? undefined
            : parseCpus(options.cpus, '--cpus'),
        network: options.network,
        user: options.user,
        workdir: options.workdir,
        env: parseKeyValues(options.env ?? [], '--env'),
        datasetPath: options.datasetPath,
        outputPath: options.outputPath,
        parallel,
        resultsDir: options.resultsDir,
        pull: options.pull,
        signal: cancel.signal
      },
      ctx.reporter
    )
    await ctx.reporter.summary(integrationSummary(result))
    if (options.json === true) {
      await ctx.write(
        `${JSON.stringify({ ...result, results: Object.fromEntries(result.results.map((r) => [r.dataset, resultJson(r)])) }, null, 2)}\n`
      )
    } else await ctx.write(integrationTable(result))
    const reason = cancel.signal.reason as unknown
    if (reason instanceof CancelledError) {
      ctx.exitCode = reason.signal === 'SIGINT' ? 130 : 143
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
  dataset
    .command('run')
    .description(
      'run a command on each dataset inside an image (dataset mounted read-only, network none), collect the verify jobs it writes'
    )
    .argument(
      '[command...]',
      'after --: the command and its arguments ({dataset}, {dataset_dir}, {output_dir} are filled in); default the image CMD'
    )
    .requiredOption('--image <ref>', 'the image to run in (built or pulled)')
    .requiredOption(
      '--dataset <name=path>',
      'a dataset directory to mount read-only (repeatable)',
      repeat
    )
    .option(
      '--outputs <glob>',
      'files to collect, relative to the output dir (repeatable; default **/*.verify.json)',
      repeat
    )
    .option(
      '--results-dir <dir>',
      'where collected files (<dir>/<dataset>/…) and logs (<dir>/<dataset>.log) go',
      'integration-results'
    )
    .option('--timeout <duration>', 'kill a dataset after this long', '1h')
    .option('--memory <size>', 'memory limit per dataset (512m, 2g); no swap')
    .option('--cpus <n>', 'CPU limit per dataset (e.g. 1.5)')
    .option('--network <name>', 'network: none, bridge, host or a name', 'none')
    .option('--parallel <n>', 'datasets run at once', '1')
    .option('--user <user>', 'user[:group] to run as (default the image’s)')
    .option('--workdir <dir>', 'working directory inside the container')
    .option('--env <KEY=VALUE>', 'environment variable (repeatable)', repeat)
    .option('--shell', 'run the command through /bin/sh -c')
    .option(
      '--dataset-path <path>',
      'where each dataset is mounted ({dataset} is its name)',
      DEFAULT_DATASET_PATH
    )
    .option(
      '--output-path <path>',
      'the writable output directory inside the container',
      DEFAULT_OUTPUT_PATH
    )
    .option('--no-pull', 'never pull the image; fail when it is not local')
    .option(
      '--docker-host <host>',
      'Docker engine (default $DOCKER_HOST or unix:///var/run/docker.sock)'
    )
    .option('--json', 'machine-readable result on stdout')
    .action(async (command: string[], options: RunOptions) => {
      await runCommand(ctx, command, options)
    })
}
