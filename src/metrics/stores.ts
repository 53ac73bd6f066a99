/**
 * Opening the configured stores (several at once) and choosing the one
 * history is read from.
 */

import { existsSync } from 'node:fs'
import { ConfigError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import type { Clock } from '../core/clock.js'
import { InfluxStore } from './influxdb-store.js'
import type { HistoryChoice, StoreSettings } from './settings.js'
import { SqliteStore } from './sqlite-store.js'
import { SquashStore } from './squash-store.js'
import { SasquatchStore } from './sasquatch-store.js'
import { GitStore } from './git-store.js'
import {
  canReadHistory,
  type Acceptance,
  type HistoryStore,
  type MetricStore
} from './store.js'

export interface StoreDeps {
  reporter: Reporter
  clock?: Clock
  /** Retries per request (default 4); tests lower it. */
  retries?: number
  minDelayMs?: number
  /** Open nothing for writing: a missing SQLite file is not created. */
  dryRun?: boolean
  /** Metric definitions by full name (the sasquatch store sends their tags). */
  metrics?: ReadonlyMap<string, { tags: readonly string[] }>
}

/** Opens every configured store, sqlite first (the fastest to fail). */
export function openStores(
  settings: StoreSettings,
  deps: StoreDeps
): MetricStore[] {
  const common = {
    reporter: deps.reporter,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    ...(deps.retries === undefined ? {} : { retries: deps.retries }),
    ...(deps.minDelayMs === undefined ? {} : { minDelayMs: deps.minDelayMs })
  }
  const stores: MetricStore[] = []
  const sqlite = settings.sqlite
  if (sqlite !== undefined) {
    if (deps.dryRun !== true) stores.push(new SqliteStore(sqlite.path))
    else if (existsSync(sqlite.path))
      stores.push(new SqliteStore(sqlite.path, { readonly: true }))
  }
  if (settings.influxdb !== undefined)
    stores.push(new InfluxStore({ ...settings.influxdb, ...common }))
  if (settings.squash !== undefined)
    stores.push(new SquashStore({ ...settings.squash, ...common }))
  if (settings.sasquatch !== undefined)
    stores.push(
      new SasquatchStore({
        ...settings.sasquatch,
        ...common,
        ...(deps.metrics === undefined ? {} : { metrics: deps.metrics })
      })
    )
  if (settings.git !== undefined)
    stores.push(
      new GitStore({
        ...settings.git,
        reporter: deps.reporter,
        ...(deps.minDelayMs === undefined
          ? {}
          : { minDelayMs: deps.minDelayMs })
      })
    )
  return stores
}

/** The store history is read from: the configured one, else sqlite, git, influxdb. */
export function historyStore(
  stores: readonly MetricStore[],
  choice: HistoryChoice | undefined
): HistoryStore | undefined {
  if (choice !== undefined) {
    const store = stores.find((s) => s.type === choice)
    if (store === undefined || !canReadHistory(store)) {
      throw new ConfigError(
        `metrics.history is ${choice}, but no ${choice} store is configured`,
        {
          hint: `configure metrics.stores.${choice}, or remove metrics.history`
        }
      )
    }
    return store
  }
  for (const type of HISTORY_ORDER) {
    const store = stores.find((s) => s.type === type)
    if (store !== undefined && canReadHistory(store)) return store
  }
  return undefined
}

/** The acceptances recorded in the stores that keep them (sqlite, git). */
export async function storedAcceptances(
  stores: readonly MetricStore[]
): Promise<Acceptance[]> {
  const out: Acceptance[] = []
  for (const s of stores) {
    if (s instanceof SqliteStore) out.push(...s.acceptances())
    else if (s instanceof GitStore) out.push(...(await s.acceptances()))
  }
  return out
}

/** Where history is read from when metrics.history does not say. */
export const HISTORY_ORDER: readonly HistoryChoice[] = [
  'sqlite',
  'git',
  'influxdb'
]

export async function closeStores(
  stores: readonly MetricStore[]
): Promise<void> {
  await Promise.all(stores.map(async (s) => s.close()))
}
