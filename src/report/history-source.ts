/**
 * The history as the report reads it: every job first, then the
 * measurements one metric at a time, so the report holds one metric's
 * points at full resolution at once, never the whole store. A
 * {@link StoreHistory} read whole (any store can produce one) is a source;
 * the SQLite store is also read streaming (sqlite-source.ts).
 */

import type {
  StoreHistory,
  StoredJob,
  StoredMeasurement
} from '../metrics/store-reader.js'

export interface HistorySource {
  /** Where the history comes from, as the page names it. */
  path: string
  /** Oldest first; a measurement's `job` indexes it. */
  jobs: readonly StoredJob[]
  /** How many measurements {@link forEachMetric} gives. */
  measurementCount: number
  /**
   * Calls `each` once per metric with all of its measurements, each line's
   * (dataset, instrument, filter, series) in time order.
   */
  forEachMetric(
    each: (metric: string, measurements: StoredMeasurement[]) => void
  ): void
}

/** Whether `history` is a whole {@link StoreHistory} (not a source). */
export function isStoreHistory(
  history: StoreHistory | HistorySource
): history is StoreHistory {
  return Array.isArray((history as Partial<StoreHistory>).measurements)
}

/** A history already in memory as a source. */
export function memorySource(history: StoreHistory): HistorySource {
  return {
    path: history.path,
    jobs: history.jobs,
    measurementCount: history.measurements.length,
    forEachMetric(each) {
      const byMetric = new Map<string, StoredMeasurement[]>()
      for (const m of history.measurements) {
        const list = byMetric.get(m.metric)
        if (list === undefined) byMetric.set(m.metric, [m])
        else list.push(m)
      }
      for (const [metric, measurements] of byMetric) each(metric, measurements)
    }
  }
}
