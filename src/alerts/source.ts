/**
 * What the evaluator reads: the series keys a store holds and the tail of
 * each (its newest points). Any store with a history reader
 * ({@link HistoryStore.history}) and a list of its keys can be watched
 * through {@link historyAlertSource}; the SQLite store is read in bulk
 * ({@link SqliteTails}), as a pass reads every series; the git store
 * through its history index, fetched again for every pass.
 */

import { GitStore, type GitStoreOptions } from '../metrics/git-store.js'

import type { SqliteStore } from '../metrics/sqlite-store.js'
import type { Acceptance, HistoryStore } from '../metrics/store.js'
import type { WatchedKey } from './rules.js'
import { SqliteTails } from './sqlite-tails.js'

/** The newest points of one series, oldest first. */
export interface SeriesTail {
  values: readonly number[] | Float64Array
  /** The times of `values`; empty when they were not asked for. */
  times: number[]
  /** Epoch ms of the newest point, when `times` is empty. */
  newest?: number
}

/** How far back to read one key, and whether its times are needed. */
export interface TailRequest {
  key: WatchedKey
  limit: number
  times: boolean
}

export interface AlertSource {
  readonly label: string
  /** Every series key stored under the history series `series`. */
  keys(series: string): Promise<WatchedKey[]>
  /** The newest `limit` points of one series. */
  recent(key: WatchedKey, limit: number): Promise<SeriesTail>
  /**
   * The tails of many keys (as returned by {@link keys}) at once, in
   * request order; sources without it are read key by key.
   */
  tails?(requests: readonly TailRequest[]): Promise<SeriesTail[]>
  /** Step changes accepted in the store (`stackci metrics accept`). */
  acceptances(): Promise<Acceptance[]>
  /**
   * Called before each pass by a source that keeps what it read (the git
   * store's snapshot), so a long-running watch sees new points.
   */
  refresh?(): Promise<void>
  close?(): Promise<void>
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

/**
 * The SQLite store as an alert source: keys and tails through a read-only
 * connection of its own ({@link SqliteTails}); an in-memory store, which a
 * second connection cannot see, through the store's own readers.
 */
export function sqliteAlertSource(store: SqliteStore): AlertSource {
  const recent = async (key: WatchedKey, limit: number): Promise<SeriesTail> =>
    Promise.resolve(store.recentValues(key, key.series, limit))
  const acceptances = async (): Promise<Acceptance[]> =>
    Promise.resolve(store.acceptances())
  if (store.path === ':memory:')
    return {
      label: store.label,
      keys: async (series) => Promise.resolve(store.keys(series)),
      recent,
      acceptances
    }
  const tails = new SqliteTails(store.path)
  return {
    label: store.label,
    keys: async (series) => Promise.resolve(tails.keys(series)),
    recent,
    tails: async (requests) => Promise.resolve(tails.tails(requests)),
    acceptances,
    close: async () => {
      tails.close()
      return Promise.resolve()
    }
  }
}

/**
 * The git store as an alert source: keys and tails from its history index,
 * acceptances from its `acceptances/` files. The store reads the branch
 * once; each pass starts from a new one, fetched when first read.
 */
export function gitAlertSource(options: GitStoreOptions): AlertSource {
  const open = (): { store: GitStore; source: AlertSource } => {
    const store = new GitStore(options)
    const source = historyAlertSource(
      store,
      async (series) => (await store.index(series)).keys(series),
      async () => store.acceptances()
    )
    return { store, source }
  }
  let current = open()
  return {
    label: current.source.label,
    keys: async (series) => current.source.keys(series),
    recent: async (key, limit) => current.source.recent(key, limit),
    acceptances: async () => current.source.acceptances(),
    refresh: async () => {
      await current.store.close()
      current = open()
    },
    close: async () => current.store.close()
  }
}
