/**
 * A whole history held in memory, indexed by series: what the git and
 * InfluxDB stores answer history questions from once they have read their
 * jobs (SQLite answers them with queries). It offers the same reads as the
 * SQLite store — one series' points, every key, the values of a series for
 * whole-history analysis — so every command works on any store.
 */

import type { StoreHistory } from '../report/store-reader.js'
import { keyString, type SeriesKey } from './record.js'
import type { HistoryPoint, HistoryQuery } from './store.js'

type Keyed = SeriesKey & { series: string }

export class HistoryIndex {
  readonly #series = new Map<string, { key: Keyed; points: HistoryPoint[] }>()

  /** Indexes `history` (its jobs oldest first; no-value points left out). */
  constructor(history: Pick<StoreHistory, 'jobs' | 'measurements'>) {
    const { jobs } = history
    for (const m of history.measurements) {
      const job = jobs[m.job]
      if (job === undefined || m.value === null || Number.isNaN(m.value))
        continue
      const key: Keyed = {
        metric: m.metric,
        dataset: job.dataset,
        instrument: job.instrument,
        filter: job.filter,
        series: job.series
      }
      const id = `${keyString(key)}|${key.series}`
      let s = this.#series.get(id)
      if (s === undefined) this.#series.set(id, (s = { key, points: [] }))
      s.points.push({ jobId: job.jobId, time: job.createdAt, value: m.value })
    }
    for (const s of this.#series.values()) {
      // Jobs come oldest first; a store may hand them in another order.
      s.points.sort((a, b) => a.time - b.time)
    }
  }

  #points(key: SeriesKey, series: string): HistoryPoint[] {
    return this.#series.get(`${keyString(key)}|${series}`)?.points ?? []
  }

  /** One series, oldest first: before `q.before`, the newest `q.limit`. */
  history(q: HistoryQuery): HistoryPoint[] {
    let points = this.#points(q, q.series)
    if (q.before !== undefined) {
      const before = q.before
      points = points.filter((p) => p.time < before)
    }
    return q.limit === undefined ? [...points] : points.slice(-q.limit)
  }

  /** Every series key (of `series` when given), sorted. */
  keys(series?: string): Keyed[] {
    const out = [...this.#series.values()]
      .map((s) => s.key)
      .filter((k) => series === undefined || k.series === series)
    const text = (k: Keyed): string =>
      JSON.stringify([k.metric, k.dataset, k.instrument, k.filter, k.series])
    return out.sort((a, b) => (text(a) < text(b) ? -1 : 1))
  }

  seriesValues(
    key: SeriesKey,
    series: string,
    withTimes: boolean
  ): { values: number[]; times: number[] } {
    const points = this.#points(key, series)
    return {
      values: points.map((p) => p.value),
      times: withTimes ? points.map((p) => p.time) : []
    }
  }

  seriesTimeAt(
    key: SeriesKey,
    series: string,
    index: number
  ): number | undefined {
    return this.#points(key, series)[index]?.time
  }
}
