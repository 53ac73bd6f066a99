/**
 * `stackci metrics history` (a series with every point's verdict, or every
 * series at once with `--all`) and `stackci metrics accept` (accept a step
 * change, so the new level becomes the baseline).
 */

import type { Command } from 'commander'
import { ConfigError, InputError } from '../core/errors.js'
import { plural } from '../core/format.js'
import {
  GitStore,
  HistoryIndex,
  SqliteStore,
  readHistory,
  storedAcceptances,
  type HistoryStore,
  type MetricStore,
  type SeriesSource,
  acceptanceTimes,
  analyzeSeries,
  analyzeStore,
  closeStores,
  describeKey,
  historyStore,
  metricDirection,
  openStores,
  parseDateCreated,
  summarizeSeries,
  type Acceptance,
  type MetricsSettings,
  type SeriesKey,
  type Worse
} from '../metrics/index.js'
import { loadDefinitions, type Definitions } from '../verify/index.js'
import { EXIT, type CliContext } from './context.js'
import { storeOptions } from './metrics-flags.js'
import { readChoice, readSettings, type StoreFlags } from './metrics-options.js'

interface KeyFlags extends StoreFlags {
  dataset?: string
  instrument?: string
  filter?: string
  series?: string
}

interface HistoryFlags extends KeyFlags {
  limit?: string
  all?: boolean
  worse?: string
  json?: boolean
}

function keyOf(metric: string, f: KeyFlags): SeriesKey {
  return {
    metric,
    dataset: f.dataset ?? '',
    instrument: f.instrument ?? '',
    filter: f.filter ?? ''
  }
}

async function context(flags: StoreFlags): Promise<{
  settings: MetricsSettings
  definitions: Definitions | undefined
}> {
  const settings = await readSettings(flags)
  const definitions =
    settings.definitions === undefined
      ? undefined
      : await loadDefinitions(settings.definitions)
  return { settings, definitions }
}

/** The store a read command uses (see readChoice). */
function chosen(
  stores: readonly MetricStore[],
  flags: StoreFlags,
  settings: MetricsSettings
): HistoryStore {
  const store = historyStore(stores, readChoice(flags, settings))
  if (store === undefined)
    throw new ConfigError('no store to read history from', {
      hint: 'pass --sqlite FILE, --git URL or --influxdb URL'
    })
  return store
}

/**
 * Every series of `series` (of every series name when undefined) in
 * `store`, ready for whole-history analysis.
 */
async function seriesSource(
  store: HistoryStore,
  series: string | undefined
): Promise<SeriesSource> {
  if (store instanceof SqliteStore) return store
  if (store instanceof GitStore) return store.index(series)
  return new HistoryIndex(
    await readHistory(store, series === undefined ? {} : { series: [series] })
  )
}

type Keyed = SeriesKey & { series: string }

/** The series of `metric` on `series` that the key flags leave in. */
function matching(
  keys: readonly Keyed[],
  metric: string,
  f: KeyFlags
): Keyed[] {
  return keys.filter(
    (k) =>
      k.metric === metric &&
      (f.dataset === undefined || k.dataset === f.dataset) &&
      (f.instrument === undefined || k.instrument === f.instrument) &&
      (f.filter === undefined || k.filter === f.filter)
  )
}

/**
 * Nothing matched: say what the store holds (the metric's series on any
 * series name first, else every series of this name), so the next try
 * hits. A query that finds nothing is bad input (exit 2), not "0 points".
 */
async function noSeries(
  store: HistoryStore,
  metric: string,
  series: string,
  flags: KeyFlags
): Promise<InputError> {
  const all = (await seriesSource(store, undefined)).keys()
  const same = all.filter((k) => k.metric === metric)
  const shown = same.length > 0 ? same : all.filter((k) => k.series === series)
  const wanted = describeKey(keyOf(metric, flags))
  const list = shown
    .slice(0, 20)
    .map((k) => `  ${describeKey(k)} on ${k.series}`)
  if (shown.length > list.length)
    list.push(`  … and ${shown.length - list.length} more`)
  const held =
    all.length === 0
      ? `${store.label} holds no series at all`
      : `${store.label} holds ${plural(all.length, 'series', 'series')}; ${same.length > 0 ? `those of ${metric}` : `those on ${series}`}:\n${list.join('\n')}`
  return new InputError(`no series of ${wanted} on ${series}: ${held}`, {
    hint: 'pick one with --dataset, --instrument, --filter and --series (or list them all with --all)'
  })
}

/** Where acceptances are written: the sqlite or git store read from. */
function acceptingStore(store: HistoryStore): SqliteStore | GitStore {
  if (store instanceof SqliteStore || store instanceof GitStore) return store
  throw new ConfigError(`${store.label} cannot record an acceptance`, {
    hint: 'accept into the sqlite or git store (--sqlite FILE, --git URL), or list it under metrics.baseline.accept in stackci.yml'
  })
}

async function history(
  ctx: CliContext,
  metric: string | undefined,
  flags: HistoryFlags
): Promise<void> {
  const { settings, definitions } = await context(flags)
  const series = flags.series ?? settings.baseline.series
  const worse = (m: string): Worse =>
    (flags.worse as Worse | undefined) ??
    metricDirection(m, definitions, settings.baseline.directions)
  if (
    flags.worse !== undefined &&
    !['up', 'down', 'both'].includes(flags.worse)
  )
    throw new InputError(
      `--worse must be up, down or both, got ${JSON.stringify(flags.worse)}`
    )
  const stores = openStores(settings.stores, { reporter: ctx.reporter })
  try {
    const store = chosen(stores, flags, settings)
    const acceptances: Acceptance[] = [
      ...settings.baseline.acceptances,
      ...(await storedAcceptances(stores))
    ]
    if (metric === undefined || flags.all === true) {
      const summaries = analyzeStore(
        await seriesSource(store, series),
        series,
        settings.baseline,
        worse,
        acceptances
      )
      const flagged = summaries.filter(
        (s) => s.last?.verdict === 'regression' || s.last?.verdict === 'breach'
      )
      if (flags.json === true) {
        await ctx.write(`${JSON.stringify(summaries)}\n`)
      } else {
        for (const s of flagged) {
          await ctx.write(
            `${s.last?.verdict === 'regression' ? 'REGRESSION' : 'breach    '}  ${describeKey(s)}  ${s.lastValue ?? ''} (median ${s.last?.band?.median.toPrecision(4) ?? '?'}, ${s.last?.streak ?? 0} in a row since ${s.streakSince === undefined ? '?' : new Date(s.streakSince).toISOString()})\n`
          )
        }
        await ctx.write(
          `${summaries.length} series on ${series}: ${flagged.length} out of their band, ${summaries.reduce((n, s) => n + s.regressions, 0)} regression episode(s) in all\n`
        )
      }
      if (flagged.some((s) => s.last?.verdict === 'regression'))
        ctx.exitCode = EXIT.failed
      return
    }
    // Every series of the metric the flags leave in (any dataset,
    // instrument and filter unless given).
    const keys = matching(
      (await seriesSource(store, series)).keys(series),
      metric,
      flags
    )
    if (keys.length === 0) throw await noSeries(store, metric, series, flags)
    const limit = flags.limit === undefined ? undefined : Number(flags.limit)
    const several = keys.length > 1
    const rows: object[] = []
    for (const key of keys) {
      const points = await store.history({
        ...key,
        series,
        ...(limit === undefined ? {} : { limit })
      })
      const verdicts = analyzeSeries(
        points,
        worse(metric),
        settings.baseline,
        acceptanceTimes(acceptances, key, series)
      )
      if (flags.json === true) {
        // One series: its points, as ever; several: each point names its key.
        const { series: _series, ...named } = key
        for (const [i, p] of points.entries())
          rows.push({ ...(several ? named : {}), ...p, ...verdicts[i] })
        continue
      }
      await ctx.write(
        `${describeKey(key)} on ${series}: ${plural(points.length, 'point')}, worse is ${worse(metric)}\n`
      )
      for (const [i, p] of points.entries()) {
        const v = verdicts[i]
        const band =
          v?.band === undefined
            ? ''
            : `  band ${v.band.low.toPrecision(4)} … ${v.band.high.toPrecision(4)}`
        await ctx.write(
          `${new Date(p.time).toISOString()}  ${String(p.value).padEnd(22)}  ${(v?.verdict ?? '').padEnd(12)}${band}  ${p.jobId}\n`
        )
      }
    }
    if (flags.json === true) await ctx.write(`${JSON.stringify(rows)}\n`)
  } finally {
    await closeStores(stores)
  }
}

async function accept(
  ctx: CliContext,
  metric: string,
  flags: KeyFlags & { since?: string; reason?: string; by?: string }
): Promise<void> {
  if (flags.reason === undefined || flags.reason.trim() === '')
    throw new InputError('--reason is required: say why this step is accepted')
  const { settings, definitions } = await context(flags)
  const series = flags.series ?? settings.baseline.series
  const stores = openStores(settings.stores, { reporter: ctx.reporter })
  try {
    const store = chosen(stores, flags, settings)
    const target = acceptingStore(store)
    const key = keyOf(metric, flags)
    let since: number
    if (flags.since !== undefined && flags.since !== 'streak') {
      since = parseDateCreated(
        /T/.test(flags.since) ? flags.since : `${flags.since}T00:00:00Z`,
        '--since'
      )
    } else {
      // Default: accept the step the series is in now.
      const source = await seriesSource(store, series)
      const { values, times } = source.seriesValues(key, series, true)
      const s = summarizeSeries(
        { ...key, series },
        values,
        times,
        metricDirection(metric, definitions, settings.baseline.directions),
        settings.baseline,
        acceptanceTimes(
          [
            ...settings.baseline.acceptances,
            ...(await storedAcceptances(stores))
          ],
          key,
          series
        )
      )
      if (s.streakSince === undefined)
        throw new InputError(
          `${describeKey(key)} on ${series} is within its band: there is no step to accept`,
          {
            hint: 'give --since DATE to accept a change from that date'
          }
        )
      since = s.streakSince
    }
    await target.accept({
      ...key,
      series,
      since,
      reason: flags.reason,
      ...(flags.by === undefined ? {} : { by: flags.by })
    })
    await ctx.write(
      `accepted ${describeKey(key)} on ${series} from ${new Date(since).toISOString()}: ${flags.reason}\n`
    )
  } finally {
    await closeStores(stores)
  }
}

export function registerMetricsHistoryCommands(
  metrics: Command,
  ctx: CliContext
): void {
  storeOptions(
    metrics
      .command('history')
      .description(
        "a metric's history with every point's verdict; --all: every series (exit 1 when one has regressed)"
      )
      .argument('[metric]', 'fully qualified metric name (validate_drp.PA1)')
      .option('--dataset <name>', 'the dataset')
      .option('--instrument <name>', 'the instrument')
      .option('--filter <name>', 'the filter/band')
      .option(
        '--series <name>',
        'the history series (default: the baseline series, main)'
      )
      .option('--limit <n>', 'only the newest n points')
      .option(
        '--worse <direction>',
        'up, down or both (default: from the specifications)'
      )
      .option('--all', 'analyse every series in the store')
      .option('--json', 'machine-readable output on stdout')
  ).action(async (metric: string | undefined, flags: HistoryFlags) => {
    await history(ctx, metric, flags)
  })

  storeOptions(
    metrics
      .command('accept')
      .description(
        'accept a step change: history before it stops counting for the baseline'
      )
      .argument('<metric>', 'fully qualified metric name')
      .option('--dataset <name>', 'the dataset')
      .option('--instrument <name>', 'the instrument')
      .option('--filter <name>', 'the filter/band')
      .option('--series <name>', 'the series (default: the baseline series)')
      .option(
        '--since <date>',
        'the first run of the new level (default: where the current breach streak began)'
      )
      .option('--reason <text>', 'why (required; kept with the acceptance)')
      .option('--by <name>', 'who accepted it')
  ).action(
    async (
      metric: string,
      flags: KeyFlags & { since?: string; reason?: string; by?: string }
    ) => {
      await accept(ctx, metric, flags)
    }
  )
}
