/**
 * `stackci metrics dispatch|report|replay|history|accept`: the metric
 * stores, history, regressions and the gate from a Jenkinsfile or a laptop,
 * the same code as the `dispatch-metrics` action.
 */

import type { Command } from 'commander'
import { makeOctokit, makeSlackClient } from '../core/clients.js'
import { ConfigError } from '../core/errors.js'
import {
  Spool,
  closeStores,
  openStores,
  replaySpool,
  runMetrics
} from '../metrics/index.js'
import { loadDefinitions } from '../verify/index.js'
import { EXIT, type CliContext } from './context.js'
import { dispatchOptions, storeOptions } from './metrics-flags.js'
import { registerMetricsExportCommand } from './metrics-export-command.js'
import { registerMetricsHistoryCommands } from './metrics-history-command.js'
import {
  jobFiles,
  loadConfig,
  prepareFrom,
  settingsFrom,
  type DispatchFlags,
  type StoreFlags
} from './metrics-options.js'

async function dispatch(
  ctx: CliContext,
  args: string[],
  flags: DispatchFlags,
  store: boolean
): Promise<void> {
  const env = process.env
  const config = await loadConfig(flags.config)
  const settings = settingsFrom(flags, config, env)
  const files = await jobFiles(args, settings, config)
  const reporter = ctx.reporter
  const result = await runMetrics(
    {
      settings,
      files,
      prepare: await prepareFrom(flags),
      dryRun: flags.dryRun === true,
      replay: flags.replay !== false,
      store
    },
    {
      reporter,
      env,
      octokit: async (token) => makeOctokit(token, env, reporter),
      slack: async (token) => makeSlackClient(token, env, reporter)
    }
  )
  if (flags.dryRun === true) {
    await ctx.write(
      `${JSON.stringify({ jobs: result.preview, report: result.json }, null, 2)}\n`
    )
  } else if (flags.json === true) {
    await ctx.write(`${JSON.stringify(result.json)}\n`)
  } else {
    await ctx.write(`${result.markdown}\n`)
  }
  const spooled = result.outcome.dispatch?.spooled ?? 0
  if (result.errors.length > 0 || (spooled > 0 && flags.failOnSpool === true)) {
    ctx.exitCode = EXIT.error
  } else if (!result.outcome.passed && flags.gate !== false) {
    ctx.exitCode = EXIT.failed
  }
}

async function replay(
  ctx: CliContext,
  flags: StoreFlags & { list?: boolean; json?: boolean }
): Promise<void> {
  const config = await loadConfig(flags.config)
  const settings = settingsFrom(flags, config, process.env)
  if (settings.spool === undefined) {
    throw new ConfigError('replay needs a spool directory', {
      hint: 'pass --spool DIR (the directory dispatch spooled to)'
    })
  }
  const spool = new Spool(settings.spool)
  if (flags.list === true) {
    const entries = await spool.entries()
    if (flags.json === true) {
      await ctx.write(
        `${JSON.stringify(entries.map(({ job: _job, ...e }) => e))}\n`
      )
    } else {
      for (const e of entries) {
        await ctx.write(
          `${e.file}  ${e.store.label}  ${e.source}  ${e.attempts} attempt(s)${e.claimed ? '  (being sent)' : ''}${e.lastError === undefined ? '' : `\n    last error: ${e.lastError}`}\n`
        )
      }
      await ctx.write(`${entries.length} spooled send(s) in ${spool.dir}\n`)
    }
    return
  }
  // The definitions give the sasquatch store the metrics' tags.
  const definitions =
    settings.definitions === undefined
      ? undefined
      : await loadDefinitions(settings.definitions)
  const stores = openStores(settings.stores, {
    reporter: ctx.reporter,
    ...(definitions === undefined ? {} : { metrics: definitions.metrics })
  })
  try {
    const r = await replaySpool(spool, stores, ctx.reporter)
    if (flags.json === true) await ctx.write(`${JSON.stringify(r)}\n`)
    else
      await ctx.write(
        `${r.sent} sent, ${r.left} left in ${spool.dir}\n${r.errors.map((e) => `  ${e.split('\n')[0] ?? ''}\n`).join('')}`
      )
    if (r.left > 0) ctx.exitCode = EXIT.error
  } finally {
    await closeStores(stores)
  }
}

export function registerMetricsCommands(
  program: Command,
  ctx: CliContext
): void {
  const metrics = program
    .command('metrics')
    .description(
      'metric stores (sqlite, influxdb, squash, git), history, regressions, the gate, export'
    )

  dispatchOptions(
    metrics
      .command('dispatch')
      .description(
        'send verify jobs to the stores, compare with history, gate, report\n' +
          '(exit 0 passed, 1 the gate failed, 2 bad input or reporting failed)'
      )
      .argument(
        '[jobs...]',
        "verify job files or directories (default: the config's jobs)"
      )
  ).action(async (jobs: string[], flags: DispatchFlags) => {
    await dispatch(ctx, jobs, flags, true)
  })

  dispatchOptions(
    metrics
      .command('report')
      .description(
        'compare verify jobs with history and gate them, storing nothing\n' +
          '(prints the Markdown report; exit codes as dispatch)'
      )
      .argument('[jobs...]', 'verify job files or directories')
  ).action(async (jobs: string[], flags: DispatchFlags) => {
    await dispatch(ctx, jobs, { ...flags, replay: false }, false)
  })

  storeOptions(
    metrics
      .command('replay')
      .description(
        'send the spooled jobs again (idempotent; exit 2 while some are left)'
      )
      .option('--list', 'list the spool instead of sending it')
      .option('--json', 'machine-readable output on stdout')
  ).action(async (flags: StoreFlags & { list?: boolean; json?: boolean }) => {
    await replay(ctx, flags)
  })

  registerMetricsHistoryCommands(metrics, ctx)
  registerMetricsExportCommand(metrics, ctx)
}
