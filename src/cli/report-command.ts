/**
 * `stackci report`: the static HTML report of the metrics history — a trend
 * per metric with its specification thresholds, a pass/fail table per
 * dataset, links to the builds. Inside a project, stackci.yml gives the
 * defaults (report.out and .title, the store, the definitions, the gate's
 * tags) and flags override them. The step is src/report/step.ts.
 */

import type { Command } from 'commander'
import { DEFAULT_SQLITE } from '../metrics/settings.js'
import {
  DEFAULT_REPORT_FILE,
  DEFAULT_REPORT_OUT,
  DEFAULT_REPORT_TITLE,
  reportInputsFromFlags,
  reportJson,
  reportStepSummary,
  runReport
} from '../report/index.js'
import type { CliContext } from './context.js'
import { projectConfig } from './project.js'
import { collectList } from './verify-command.js'

interface ReportFlags {
  config?: string
  json?: boolean
}

async function report(ctx: CliContext, flags: ReportFlags): Promise<void> {
  const config = await projectConfig(flags.config)
  const result = await runReport(reportInputsFromFlags(flags, config), {
    reporter: ctx.reporter,
    env: process.env,
    config
  })
  const summary = reportStepSummary(result)
  if (summary !== undefined) await ctx.reporter.summary(summary)
  if (flags.json === true) await ctx.write(reportJson(result))
  else {
    await ctx.write(`${result.report.out}\n`)
    const url = result.published?.url
    if (url !== undefined) await ctx.write(`${url}\n`)
  }
}

export function registerReportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description(
      'write a static HTML report of the metrics history: a trend per metric with its thresholds, pass/fail per dataset, links to builds (opens with no network)'
    )
    .option(
      '--config <file>',
      'stackci.yml (default: ./stackci.yml when present)'
    )
    .option(
      '--json',
      'print a JSON summary (points per metric and line, latest result per dataset) instead of the path'
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
    .option(
      '--out <file>',
      `the HTML file to write (default: stackci.yml's report.out, else ${DEFAULT_REPORT_OUT} in a project, else ${DEFAULT_REPORT_FILE})`
    )
    .option(
      '--title <text>',
      `the page title (default: report.title, else ${DEFAULT_REPORT_TITLE})`
    )
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
    .action(async (flags: ReportFlags) => {
      await report(ctx, flags)
    })
}
