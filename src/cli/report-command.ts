/**
 * `stackci report`: the static HTML report of the metrics history — a trend
 * per metric with its specification thresholds, a pass/fail table per
 * dataset, links to the builds. Defaults come from stackci.yml when there
 * is one (the sqlite store, the definitions, the gate tags).
 */

import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { StackciConfig } from '../core/config.js'
import { parseDuration } from '../core/duration.js'
import { InputError } from '../core/errors.js'
import { DEFAULT_SQLITE } from '../metrics/settings.js'
import {
  DEFAULT_REPORT_FILE,
  DEFAULT_REPORT_TITLE,
  writeReport
} from '../report/index.js'
import { readFileSync } from 'node:fs'
import {
  readStoreSettingsHistory,
  unitsOf
} from '../metrics/history-readers.js'
import { pagesTargetFrom, publishPages } from '../report/pages.js'
import type { HistoryFilter, StoreHistory } from '../report/store-reader.js'
import { loadDefinitions } from '../verify/index.js'
import type { CliContext } from './context.js'
import { loadConfig, readChoice, settingsFrom } from './metrics-options.js'
import { collectList } from './verify-command.js'

interface ReportFlags {
  config?: string
  store?: string
  git?: string
  influxdb?: string
  influxdbDb?: string
  history?: string
  publish?: string | true
  profile?: string
  runId?: string
  definitions?: string
  out: string
  title: string
  series?: string[]
  since?: string
  failTags?: string[]
  warnTags?: string[]
  json?: boolean
}

/**
 * `--since`: a date (`2026-01-01`), a date-time in UTC, or a duration back
 * from now (`90d`, `12h`).
 */
export function parseSince(text: string, now: number = Date.now()): number {
  const value = text.trim()
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`)
    if (!Number.isNaN(ms)) return ms
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(
      /(?:Z|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`
    )
    if (!Number.isNaN(ms)) return ms
  }
  if (/^\d/.test(value) && /[a-z]$/.test(value))
    return now - parseDuration(value, '--since')
  throw new InputError(
    `--since must be a date (2026-01-31), a UTC date-time (2026-01-31T12:00:00Z) or a duration back from now (90d), got ${JSON.stringify(text)}`
  )
}

function fromConfig(
  config: StackciConfig | undefined,
  value: string | undefined
): string | undefined {
  if (value === undefined) return undefined
  return config === undefined ? value : resolve(config.baseDir, value)
}

/**
 * The history, when it is read from a git or influxdb store (undefined:
 * the SQLite file, read by the report itself).
 */
async function otherStoreHistory(
  ctx: CliContext,
  flags: ReportFlags,
  config: StackciConfig | undefined,
  filter: HistoryFilter,
  definitions: string | undefined
): Promise<{ label: string; history: StoreHistory } | undefined> {
  // Another store is read only when asked for: a flag, or the file's
  // metrics.history. Otherwise a SQLite store (--store, or the configured
  // one) is the report's own, and the other configured stores (a git store
  // whose URL only Actions knows) are not resolved at all.
  const asked =
    flags.git ?? flags.influxdb ?? flags.history ?? config?.metrics?.history
  if (
    (asked === undefined || asked === 'sqlite') &&
    (flags.store !== undefined || config?.metrics?.stores?.sqlite !== undefined)
  )
    return undefined
  const storeFlags = {
    ...(flags.config === undefined ? {} : { config: flags.config }),
    ...(flags.git === undefined ? {} : { git: flags.git }),
    ...(flags.influxdb === undefined ? {} : { influxdb: flags.influxdb }),
    ...(flags.influxdbDb === undefined ? {} : { influxdbDb: flags.influxdbDb }),
    ...(flags.history === undefined ? {} : { history: flags.history }),
    ...(flags.store === undefined ? {} : { sqlite: flags.store })
  }
  const settings = settingsFrom(
    { ...storeFlags, spool: false },
    config,
    process.env
  )
  const choice = readChoice(storeFlags, settings)
  if (choice === undefined || choice === 'sqlite') return undefined
  const units =
    choice === 'influxdb' && definitions !== undefined
      ? unitsOf(await loadDefinitions(definitions))
      : {}
  const history = await readStoreSettingsHistory(
    settings.stores,
    choice,
    filter,
    { reporter: ctx.reporter, ...units }
  )
  return { label: history.path, history }
}

async function report(ctx: CliContext, flags: ReportFlags): Promise<void> {
  const since = flags.since === undefined ? undefined : parseSince(flags.since)
  const config = await loadConfig(flags.config)
  const metrics = config?.metrics
  const sqlite =
    flags.store ??
    fromConfig(config, metrics?.stores?.sqlite?.path) ??
    fromConfig(config, DEFAULT_SQLITE) ??
    DEFAULT_SQLITE
  const definitions =
    flags.definitions ??
    fromConfig(config, metrics?.definitions ?? config?.verify?.definitions)
  const gate = {
    fail: flags.failTags ?? metrics?.gate?.fail ?? ['minimum'],
    warn: flags.warnTags ?? metrics?.gate?.warn ?? ['design']
  }
  const filter = {
    ...(flags.series === undefined ? {} : { series: flags.series }),
    ...(since === undefined ? {} : { since })
  }
  const other = await otherStoreHistory(ctx, flags, config, filter, definitions)
  const result = await writeReport(
    {
      store: other?.label ?? sqlite,
      ...(other === undefined ? {} : { history: other.history }),
      out: flags.out,
      title: flags.title,
      gate,
      ...(definitions === undefined ? {} : { definitions }),
      ...(flags.series === undefined ? {} : { series: flags.series }),
      ...(since === undefined ? {} : { since })
    },
    ctx.reporter
  )
  // Published only when asked (--publish); report.publish then fills in
  // the branch, URL and the rest.
  const target =
    flags.publish === undefined
      ? undefined
      : pagesTargetFrom(
          config,
          flags.publish === true ? '' : flags.publish,
          process.env,
          config?.baseDir ?? process.cwd()
        )
  const published =
    target === undefined
      ? undefined
      : await publishPages(
          target,
          {
            profile: flags.profile ?? config?.['default-profile'] ?? 'local',
            runId:
              flags.runId ?? process.env.GITHUB_RUN_ID ?? String(Date.now()),
            time: Date.now(),
            html: readFileSync(result.out, 'utf8'),
            title: flags.title
          },
          ctx.reporter
        )
  if (published !== undefined)
    await ctx.reporter.summary(
      `Metrics dashboard: ${published.url === undefined ? `\`${published.path}\` on ${target?.branch ?? ''}` : `[${published.url}](${published.url})`}\n`
    )
  if (flags.json === true) {
    await ctx.write(
      `${JSON.stringify({ ...result.summary, ...(published === undefined ? {} : { published }) }, null, 2)}\n`
    )
  } else {
    await ctx.write(`${result.out}\n`)
    if (published?.url !== undefined) await ctx.write(`${published.url}\n`)
  }
}

export function registerReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description(
      'write a static HTML report of the metrics history: a trend per metric with its thresholds, pass/fail per dataset, links to builds (opens with no network)'
    )
    .option(
      '--store <file>',
      `the SQLite metrics store (default: stackci.yml's metrics.stores.sqlite, else ${DEFAULT_SQLITE})`
    )
    .option(
      '--git <url[#branch]>',
      'read the history from a git store (branch default stackci-metrics)'
    )
    .option('--influxdb <url>', 'read the history from an InfluxDB 1.x store')
    .option('--influxdb-db <name>', 'its database (default stackci)')
    .option(
      '--history <store>',
      'the configured store to read: sqlite, git or influxdb'
    )
    .option(
      '--publish [url[#branch]]',
      "also push the report to a Pages branch (default: stackci.yml's report.publish, else this repository's gh-pages)"
    )
    .option(
      '--profile <name>',
      'the profile the published page is filed under (default: default-profile, else local)'
    )
    .option('--run-id <id>', 'the run the published report is named after')
    .option(
      '--definitions <dir>',
      "the metrics package with metrics/ and specs/ (default: stackci.yml's metrics.definitions or verify.definitions)"
    )
    .option('--out <file>', 'the HTML file to write', DEFAULT_REPORT_FILE)
    .option('--title <text>', 'the page title', DEFAULT_REPORT_TITLE)
    .option(
      '--series <name>',
      'only this history series (main, weekly, pr/12, …); repeat or comma-separate for several (default: all)',
      collectList
    )
    .option(
      '--since <when>',
      'only runs since a date (2026-01-31), a UTC date-time, or a duration back from now (90d)'
    )
    .option(
      '--fail-tags <tags>',
      "specification tags whose failure colours a point red (default: stackci.yml's metrics.gate.fail, else minimum)",
      collectList
    )
    .option(
      '--warn-tags <tags>',
      'specification tags whose failure colours a point amber (default: metrics.gate.warn, else design)',
      collectList
    )
    .option(
      '--config <file>',
      'stackci.yml (default: ./stackci.yml when present)'
    )
    .option(
      '--json',
      'print a JSON summary (points per metric and line, latest result per dataset) instead of the path'
    )
    .action(async (flags: ReportFlags) => {
      await report(ctx, flags)
    })
}
