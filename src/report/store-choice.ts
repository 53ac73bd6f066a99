/**
 * Which store a report reads its history from, and reading it when it is
 * not the SQLite file the report opens itself (git, InfluxDB). Only the
 * chosen store is resolved: another one's missing credentials (or a git
 * URL only Actions knows) must not stop a report.
 */

import type { StackciConfig } from '../core/config.js'
import {
  readStoreSettingsHistory,
  unitsOf
} from '../metrics/history-readers.js'
import {
  gitOverrides,
  resolveMetricsSettings,
  type MetricsOverrides
} from '../metrics/settings.js'
import { HISTORY_ORDER } from '../metrics/stores.js'
import { loadDefinitions } from '../verify/index.js'
import type { ReportDeps, ReportInputs } from './step.js'
import type { StoreHistory } from '../metrics/store-reader.js'

/** The stores a report can read. */
export const HISTORY_STORES = ['sqlite', 'git', 'influxdb'] as const
export type HistoryStore = (typeof HISTORY_STORES)[number]

/**
 * The store a standalone report reads: `--history`, else the one store a
 * flag names, else metrics.history, else the first configured of sqlite,
 * git, influxdb (a SQLite file when none is).
 */
export function storeChoice(
  flags: Record<string, unknown>,
  config: StackciConfig | undefined
): HistoryStore | undefined {
  const named = HISTORY_STORES.filter(
    (s) => flags[s === 'sqlite' ? 'store' : s] !== undefined
  )
  if (flags.history !== undefined || named.length !== 1)
    return config?.metrics?.history ?? firstConfigured(config)
  return named[0]
}

function firstConfigured(
  config: StackciConfig | undefined
): HistoryStore | undefined {
  const stores = config?.metrics?.stores ?? {}
  return HISTORY_ORDER.find((s) => stores[s] !== undefined)
}

/** The history from a git or InfluxDB store (undefined: the SQLite file). */
export async function otherHistory(
  inputs: ReportInputs,
  deps: ReportDeps
): Promise<StoreHistory | undefined> {
  const choice = inputs.history
  if (choice === 'sqlite') return undefined
  const o: MetricsOverrides = gitOverrides(inputs.git)
  if (inputs.influxdb !== undefined) o.influxdbUrl = inputs.influxdb
  if (inputs['influxdb-db'] !== undefined)
    o.influxdbDatabase = inputs['influxdb-db']
  const section = deps.config?.metrics
  const chosen = section?.stores?.[choice]
  const settings = resolveMetricsSettings(
    { stores: chosen === undefined ? {} : { [choice]: chosen } },
    o,
    deps.env,
    deps.config?.baseDir ?? process.cwd()
  )
  if (
    settings.stores[choice] === undefined &&
    inputs.git === undefined &&
    inputs.influxdb === undefined
  ) {
    // A git store whose URL only Actions knows, off Actions: the SQLite file.
    deps.reporter.notice(
      `the ${choice} store has no URL here: reading the SQLite store ${inputs.store}`
    )
    return undefined
  }
  const units =
    choice === 'influxdb' && inputs.definitions !== undefined
      ? unitsOf(await loadDefinitions(inputs.definitions))
      : {}
  return readStoreSettingsHistory(
    settings.stores,
    choice,
    {
      ...(inputs.series === undefined ? {} : { series: inputs.series }),
      ...(inputs.since === undefined ? {} : { since: inputs.since })
    },
    { reporter: deps.reporter, ...units }
  )
}
