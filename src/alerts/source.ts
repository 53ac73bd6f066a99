/**
 * What the evaluator reads: the series keys a store holds and their
 * newest points, through the store's own history reader
 * ({@link HistoryStore.history}). Any store that can list its keys can be
 * watched; the SQLite store is the first.
 */

import type { SqliteStore } from '../metrics/sqlite-store.js'
import type {
  Acceptance,
  HistoryPoint,
  HistoryQuery
} from '../metrics/store.js'
import type { WatchedKey } from './rules.js'

export interface AlertSource {
  readonly label: string
  /** Every series key stored under the history series `series`. */
  keys(series: string): Promise<WatchedKey[]>
  /** The newest `limit` points of one series, oldest first. */
  history(query: HistoryQuery): Promise<HistoryPoint[]>
  /** Step changes accepted in the store (`stackci metrics accept`). */
  acceptances(): Promise<Acceptance[]>
}

/** The SQLite store as an alert source. */
export function sqliteAlertSource(store: SqliteStore): AlertSource {
  return {
    label: store.label,
    keys: async (series) => Promise.resolve(store.keys(series)),
    history: async (query) => store.history(query),
    acceptances: async () => Promise.resolve(store.acceptances())
  }
}
