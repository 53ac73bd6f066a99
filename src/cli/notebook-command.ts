/**
 * `stackci notebook run NOTEBOOK.ipynb --image IMAGE [--param K=V]…
 * [--history STORE] [--dataset NAME=PATH]… --out DIR`: a notebook report
 * executed inside the stack image and rendered to HTML. Exit 0 when every
 * cell ran, 1 when a cell failed (the cell and the traceback tail on stderr,
 * the partial HTML written), the timeout passed or memory ran out, 2 for
 * bad input or an engine that failed; 130/143 when interrupted.
 */

import type { Command } from 'commander'
import { parseDuration } from '../core/duration.js'
import { expandGlobs } from '../core/glob.js'
import { connectDocker } from '../docker/client.js'
import {
  notebookFailureText,
  notebookSummary,
  parseDatasets,
  parseHistorySource,
  parseLimits,
  parseParams,
  runNotebook
} from '../integration/index.js'
import {
  abortOnSignals,
  CancelledError,
  signalExitCode
} from '../core/signals.js'
import { EXIT, type CliContext } from './context.js'

interface NotebookFlags {
  image: string
  param?: string[]
  history?: string
  definitions?: string
  dataset?: string[]
  jobs?: string[]
  out: string
  timeout: string
  memory?: string
  cpus?: string
  runId?: string
  releaseTag?: string
  gitSha?: string
  pull: boolean
  dockerHost?: string
  json?: boolean
}

const repeat = (value: string, previous: string[] = []): string[] => [
  ...previous,
  value
]

async function run(
  ctx: CliContext,
  notebook: string,
  flags: NotebookFlags
): Promise<void> {
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, ctx.reporter)
  const cwd = process.cwd()
  try {
    const result = await runNotebook(
      await connectDocker(flags.dockerHost),
      {
        notebook,
        image: flags.image,
        params: parseParams(flags.param ?? [], '--param'),
        identity: {
          run_id: flags.runId,
          release_tag: flags.releaseTag,
          git_sha: flags.gitSha
        },
        history:
          flags.history === undefined
            ? undefined
            : parseHistorySource(flags.history, cwd),
        definitions: flags.definitions,
        jobs: await expandGlobs(cwd, flags.jobs ?? []),
        datasets:
          flags.dataset === undefined
            ? []
            : parseDatasets(flags.dataset, cwd, '--dataset'),
        out: flags.out,
        timeoutMs: parseDuration(flags.timeout, '--timeout'),
        ...parseLimits(flags, (name) => `--${name}`),
        pull: flags.pull,
        signal: cancel.signal
      },
      ctx.reporter
    )
    await ctx.reporter.summary(notebookSummary([result]))
    if (result.status !== 'success')
      ctx.reporter.error(notebookFailureText(result))
    if (flags.json === true)
      await ctx.write(`${JSON.stringify(result, null, 2)}\n`)
    else if (result.html !== undefined) await ctx.write(`${result.html}\n`)
    const reason = cancel.signal.reason as unknown
    if (reason instanceof CancelledError)
      ctx.exitCode = signalExitCode(reason.signal)
    else ctx.exitCode = result.status === 'success' ? EXIT.ok : EXIT.failed
  } finally {
    release()
  }
}

/** Adds `notebook run`. */
export function registerNotebookCommands(
  program: Command,
  ctx: CliContext
): void {
  program
    .command('notebook')
    .description(
      'notebook reports: executed in the stack image, rendered to HTML'
    )
    .command('run')
    .description(
      'execute a notebook inside an image (papermill-style parameters, history and datasets mounted read-only, network none) and render it to HTML'
    )
    .argument('<notebook>', 'the .ipynb to run')
    .requiredOption('--image <ref>', 'the stack image to run in')
    .option(
      '--param <KEY=VALUE>',
      'a parameter, typed (42, 0.5, true, null, [1,2], "text"); repeatable',
      repeat
    )
    .option(
      '--history <store>',
      'the metric history: sqlite:FILE (or FILE.sqlite), or an exported FILE.jsonl'
    )
    .option(
      '--definitions <dir>',
      'the metrics package (metrics/, specs/): its specifications go to the notebook (specs_file)'
    )
    .option(
      '--dataset <name=path>',
      'a dataset directory, mounted read-only at /datasets/NAME (repeatable)',
      repeat
    )
    .option(
      '--jobs <glob>',
      "this run's verify jobs, given to the notebook read-only (repeatable)",
      repeat
    )
    .requiredOption(
      '--out <dir>',
      'where the HTML, the executed .ipynb and the log go'
    )
    .option('--timeout <duration>', 'kill the notebook after this long', '1h')
    .option('--memory <size>', 'memory limit (512m, 2g); no swap')
    .option('--cpus <n>', 'CPU limit (e.g. 1.5)')
    .option(
      '--run-id <id>',
      'the run id the notebook is told (default a new one)'
    )
    .option(
      '--release-tag <tag>',
      "the release tag the notebook is told (default the image's label)"
    )
    .option('--git-sha <sha>', "the commit (default the image's label)")
    .option('--no-pull', 'never pull the image; fail when it is not local')
    .option(
      '--docker-host <host>',
      'Docker engine (default $DOCKER_HOST or unix:///var/run/docker.sock)'
    )
    .option('--json', 'machine-readable result on stdout')
    .action(async (notebook: string, flags: NotebookFlags) => {
      await run(ctx, notebook, flags)
    })
}
