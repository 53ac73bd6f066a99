/**
 * `stackci metrics dispatch|report|replay|history|accept`: the metric
 * stores, history, regressions and the gate from a Jenkinsfile or a laptop,
 * the same code as the `dispatch-metrics` action.
 */

import type { Command } from 'commander'
import { ConfigError } from '../core/errors.js'
import {
  Spool,
  closeStores,
  dispatchMetricsInputsFromFlags,
  dispatchMetricsSummary,
  openStores,
  replaySpool,
  runDispatchMetrics
} from '../metrics/index.js'
import { loadDefinitions } from '../verify/index.js'
import { EXIT, type CliContext } from './context.js'
import { dispatchOptions, storeOptions } from './metrics-flags.js'
import { registerMetricsExportCommand } from './metrics-export-command.js'
import { registerMetricsHistoryCommands } from './metrics-history-command.js'
import { settingsFrom, type StoreFlags } from './metrics-options.js'
import { projectConfig } from './project.js'

/** The flags of dispatch and report that only the CLI has. */
interface DispatchFlags extends StoreFlags {
  dryRun?: boolean
  json?: boolean
}

async function dispatch(
  ctx: CliContext,
  jobs: string[],
  flags: DispatchFlags,
  store: boolean
): Promise<void> {
  const config = await projectConfig(flags.config)
  const result = await runDispatchMetrics(
    dispatchMetricsInputsFromFlags({ ...flags, jobs }),
    {
      reporter: ctx.reporter,
      env: process.env,
      workspace: process.cwd(),
      ...(config === undefined ? {} : { config }),
      defaultSqlite: true,
      store
    }
  )
  const summary = dispatchMetricsSummary(result)
  await ctx.reporter.summary(summary)
  if (flags.dryRun === true) {
    await ctx.write(
      `${JSON.stringify({ jobs: result.preview, report: result.json }, null, 2)}\n`
    )
  } else if (flags.json === true) {
    await ctx.write(`${JSON.stringify(result.json)}\n`)
  } else {
    await ctx.write(`${summary}\n`)
  }
  ctx.exitCode = result.exitCode
}

async function replay(
  ctx: CliContext,
  flags: StoreFlags & { list?: boolean; json?: boolean }
): Promise<void> {
  const config = await projectConfig(flags.config)
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

  // `report` is `dispatch` storing nothing.
  const dispatchers = [
    {
      name: 'dispatch',
      store: true,
      about:
        'send verify jobs to the stores, compare with history, gate, report\n' +
        '(exit 0 passed, 1 the gate failed, 2 bad input or reporting failed)',
      jobs: "verify job files or directories (default: the config's jobs)"
    },
    {
      name: 'report',
      store: false,
      about:
        'compare verify jobs with history and gate them, storing nothing\n' +
        '(prints the Markdown report; exit codes as dispatch)',
      jobs: 'verify job files or directories'
    }
  ]
  for (const d of dispatchers) {
    dispatchOptions(
      metrics.command(d.name).description(d.about).argument('[jobs...]', d.jobs)
    ).action(async (jobs: string[], flags: DispatchFlags) => {
      await dispatch(ctx, jobs, flags, d.store)
    })
  }

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
