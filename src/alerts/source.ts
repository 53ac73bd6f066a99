/**
 * What the evaluator reads: the series keys a store holds and the tail of
 * each (its newest points). Any store with a history reader
 * ({@link HistoryStore.history}) and a list of its keys can be watched
 * through {@link historyAlertSource}; the SQLite store reads tails leaner
 * ({@link SqliteStore.recentValues}), as a pass reads every series.
 */

import type { SqliteStore } from '../metrics/sqlite-store.js'
import type { Acceptance, HistoryStore } from '../metrics/store.js'
import type { WatchedKey } from './rules.js'

/** The newest points of one series, oldest first. */
export interface SeriesTail {
  values: number[]
  times: number[]
}

export interface AlertSource {
  readonly label: string
  /** Every series key stored under the history series `series`. */
  keys(series: string): Promise<WatchedKey[]>
  /** The newest `limit` points of one series. */
  recent(key: WatchedKey, limit: number): Promise<SeriesTail>
  /** Step changes accepted in the store (`stackci metrics accept`). */
  acceptances(): Promise<Acceptance[]>
}

/** Any history store, given how to list its keys. */
export function historyAlertSource(
  store: HistoryStore,
  keys: (series: string) => Promise<WatchedKey[]>,
  acceptances: () => Promise<Acceptance[]> = async () => Promise.resolve([])
): AlertSource {
  return {
    label: store.label,
    keys,
    recent: async (key, limit) => {
      const points = await store.history({ ...key, limit })
      return {
        values: points.map((p) => p.value),
        times: points.map((p) => p.time)
      }
    },
    acceptances
  }
}

/** The SQLite store as an alert source. */
export function sqliteAlertSource(store: SqliteStore): AlertSource {
  return {
    label: store.label,
    keys: async (series) => Promise.resolve(store.keys(series)),
    recent: async (key, limit) =>
      Promise.resolve(store.recentValues(key, key.series, limit)),
    acceptances: async () => Promise.resolve(store.acceptances())
  }
}
