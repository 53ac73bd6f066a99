/**
 * `stackci metrics export`: every stored measurement with its provenance
 * (run id, release tag, image digest, git sha, dataset, time) as JSON lines
 * or CSV on stdout, from the sqlite, git or influxdb store.
 */

import type { Command } from 'commander'
import { InputError } from '../core/errors.js'
import {
  exportText,
  readStoreSettingsHistory,
  unitsOf
} from '../metrics/index.js'
import { loadDefinitions } from '../verify/index.js'
import type { CliContext } from './context.js'
import { storeOptions } from './metrics-flags.js'
import { readChoice, readSettings, type StoreFlags } from './metrics-options.js'
import { parseSince } from '../report/index.js'
import { collectList } from './verify-command.js'

interface ExportFlags extends StoreFlags {
  format: string
  series?: string[]
  since?: string
}

async function exportHistory(
  ctx: CliContext,
  flags: ExportFlags
): Promise<void> {
  if (flags.format !== 'jsonl' && flags.format !== 'csv')
    throw new InputError(
      `--format must be jsonl or csv, got ${JSON.stringify(flags.format)}`
    )
  const since = flags.since === undefined ? undefined : parseSince(flags.since)
  const { series: _series, ...storeFlags } = flags
  const settings = await readSettings(storeFlags)
  const choice = readChoice(flags, settings) ?? 'sqlite'
  const definitions =
    choice === 'influxdb' && settings.definitions !== undefined
      ? await loadDefinitions(settings.definitions)
      : undefined
  const history = await readStoreSettingsHistory(
    settings.stores,
    choice,
    {
      ...(flags.series === undefined ? {} : { series: flags.series }),
      ...(since === undefined ? {} : { since })
    },
    { reporter: ctx.reporter, ...unitsOf(definitions) }
  )
  for (const chunk of exportText(history, flags.format)) await ctx.write(chunk)
  ctx.reporter.info(
    `${history.measurements.length} measurement(s) of ${history.jobs.length} job(s) from ${history.path}`
  )
}

export function registerMetricsExportCommand(
  metrics: Command,
  ctx: CliContext
): void {
  storeOptions(
    metrics
      .command('export')
      .description(
        'print every stored measurement with its provenance (run id, release tag, image digest, git sha, dataset, time), as JSON lines or CSV'
      )
      .option('--format <format>', 'jsonl or csv', 'jsonl')
      .option(
        '--series <name>',
        'only this history series; repeat or comma-separate for several (default: all)',
        collectList
      )
      .option(
        '--since <when>',
        'only jobs since a date (2026-01-31), a UTC date-time, or a duration back from now (90d)'
      )
  ).action(async (flags: ExportFlags) => {
    await exportHistory(ctx, flags)
  })
}
