/**
 * The store flags every `stackci metrics` command shares, and how they
 * become {@link MetricsSettings}: stackci.yml's `metrics:` section first
 * (`--config`, or ./stackci.yml when present), flags over it, credentials
 * from the environment — through the dispatch-metrics step's reader.
 */

import type { StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import {
  HISTORY_ORDER,
  dispatchMetricsInputsFromFlags,
  dispatchMetricsSettings,
  type HistoryChoice,
  type MetricsSettings
} from '../metrics/index.js'
import { projectConfig } from './project.js'

export interface StoreFlags {
  config?: string
  definitions?: string
  sqlite?: string | false
  influxdb?: string
  influxdbDb?: string
  influxdbRp?: string
  squash?: string
  sasquatch?: string
  sasquatchNamespace?: string
  sasquatchDataset?: string
  /** `URL[#BRANCH]`. */
  git?: string
  spool?: string | false
  history?: string
}

/**
 * Settings from the store flags, the config file and the environment: the
 * dispatch-metrics step's reader and resolver, so every metrics command
 * reads a flag the same way.
 */
export function settingsFrom(
  flags: StoreFlags,
  config: StackciConfig | undefined,
  env: Env
): MetricsSettings {
  return dispatchMetricsSettings(dispatchMetricsInputsFromFlags(flags), {
    env,
    workspace: process.cwd(),
    ...(config === undefined ? {} : { config }),
    defaultSqlite: true
  })
}

/** The settings of a read command (history, accept, export): no spool. */
export async function readSettings(
  flags: StoreFlags
): Promise<MetricsSettings> {
  const config = await projectConfig(flags.config)
  return settingsFrom({ ...flags, spool: false }, config, process.env)
}

/**
 * The store a read command (history, export, report) reads: `--history`,
 * else the one store named by a flag, else metrics.history, else the first
 * configured of sqlite, git, influxdb.
 */
export function readChoice(
  flags: StoreFlags,
  settings: MetricsSettings
): HistoryChoice | undefined {
  const flagged = [
    typeof flags.sqlite === 'string' ? ('sqlite' as const) : undefined,
    flags.git === undefined ? undefined : ('git' as const),
    flags.influxdb === undefined ? undefined : ('influxdb' as const)
  ].filter((c) => c !== undefined)
  return (
    (flags.history as HistoryChoice | undefined) ??
    (flagged.length === 1 ? flagged[0] : undefined) ??
    settings.history ??
    HISTORY_ORDER.find((c) => settings.stores[c] !== undefined)
  )
}
