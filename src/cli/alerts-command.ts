/**
 * `stackci alerts check` (one pass, for a scheduled workflow) and
 * `stackci alerts watch --interval 10m` (a loop for a server or a systemd
 * unit; SIGTERM/SIGINT end it after the pass under way). Both are doors
 * onto the one evaluator in src/alerts.
 */

import type { Command } from 'commander'
import { readStackciConfig } from '../core/config.js'
import { parseDuration } from '../core/duration.js'
import { InputError } from '../core/errors.js'
import { systemClock } from '../core/clock.js'
import {
  openAlerts,
  runAlertsPass,
  watchAlerts,
  type AlertsPassResult
} from '../alerts/index.js'
import { abortOnSignals } from '../core/signals.js'
import { EXIT, type CliContext } from './context.js'

interface AlertsFlags {
  config: string
  sqlite?: string
  git?: string
  json?: boolean
  failOnFiring?: boolean
  interval?: string
}

/** The lines a pass prints: each change, then one summary line. */
export function formatAlertsPass(r: AlertsPassResult): string {
  const lines = r.changes.map(
    (c) =>
      `${c.to.padEnd(8)} ${c.subject}  (${c.key}, was ${c.from}${c.announced === undefined ? '' : `, ${c.announced} announced`}${c.silencedBy === undefined ? '' : `, silenced by ${c.silencedBy}`})`
  )
  for (const p of r.pending)
    lines.push(`pending  ${p.subject}  (${p.key}, ${p.count} of ${p.for})`)
  for (const f of r.failed)
    lines.push(`FAILED   ${f.key}: ${f.error} (tried again next pass)`)
  lines.push(
    `${new Date(r.at).toISOString()}: ${r.observed} alert(s) evaluated, ${r.active} with their condition, ${r.firing.length} firing, ${r.changes.length} change(s)${r.lost > 0 ? `, ${r.lost} claimed by another evaluator` : ''}`
  )
  return `${lines.join('\n')}\n`
}

async function pass(
  ctx: CliContext,
  flags: AlertsFlags,
  watch: boolean
): Promise<void> {
  const config = await readStackciConfig(flags.config)
  const intervalMs =
    flags.interval === undefined
      ? 600_000
      : parseDuration(flags.interval, '--interval')
  if (watch && intervalMs < 1000)
    throw new InputError('--interval must be at least 1s')
  const alerts = await openAlerts(
    config,
    {
      ...(flags.sqlite === undefined ? {} : { sqlite: flags.sqlite }),
      ...(flags.git === undefined ? {} : { git: flags.git })
    },
    process.env,
    ctx.reporter
  )
  const deps = { ...alerts.deps, clock: systemClock }
  const report = async (r: AlertsPassResult): Promise<void> => {
    await ctx.write(
      flags.json === true ? `${JSON.stringify(r)}\n` : formatAlertsPass(r)
    )
    if (r.failed.length > 0) ctx.exitCode = EXIT.error
    else if (flags.failOnFiring === true && r.firing.length > 0)
      ctx.exitCode = Math.max(ctx.exitCode, EXIT.failed)
  }
  try {
    if (!watch) {
      await report(await runAlertsPass(alerts.inputs, deps))
      return
    }
    const cancel = new AbortController()
    const release = abortOnSignals(cancel, ctx.reporter)
    try {
      ctx.reporter.info(
        `watching ${alerts.deps.source.label} every ${flags.interval ?? '10m'} (${alerts.inputs.settings.rules.length} rules); SIGTERM stops`
      )
      const passes = await watchAlerts(
        async () => runAlertsPass(alerts.inputs, deps),
        {
          intervalMs,
          signal: cancel.signal,
          clock: systemClock,
          onPass: report
        }
      )
      ctx.reporter.info(`stopped after ${passes} pass(es)`)
    } finally {
      release()
    }
  } finally {
    await alerts.close()
  }
}

/** Adds `alerts check` and `alerts watch` to the program. */
export function registerAlertsCommands(
  program: Command,
  ctx: CliContext
): void {
  const alerts = program
    .command('alerts')
    .description(
      'standing alerts over the metrics store (SQLite or git): threshold, regression and dead-man rules with state'
    )
  const common = (cmd: Command): Command =>
    cmd
      .option('--config <file>', 'the stackci.yml with alerts:', 'stackci.yml')
      .option(
        '--sqlite <file>',
        'the SQLite store to watch (default metrics.stores.sqlite)'
      )
      .option(
        '--git <url[#branch]>',
        'the git store to watch (default metrics.stores.git when no SQLite store is set); token for https: GITHUB_TOKEN'
      )
      .option('--json', 'print each pass as JSON')
      .option('--fail-on-firing', 'exit 1 when an alert is firing')
  common(
    alerts
      .command('check')
      .description(
        'evaluate every rule once, announce what changed (exit 0; 2 on bad config or a failed notification)'
      )
  ).action(async (flags: AlertsFlags) => {
    await pass(ctx, flags, false)
  })
  common(
    alerts
      .command('watch')
      .description(
        'evaluate every --interval until SIGTERM/SIGINT (the pass under way finishes)'
      )
  )
    .option('--interval <duration>', 'time between passes', '10m')
    .action(async (flags: AlertsFlags) => {
      await pass(ctx, flags, true)
    })
}
