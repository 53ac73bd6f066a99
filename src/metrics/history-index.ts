/**
 * A whole history held in memory, indexed by series: what the git and
 * InfluxDB stores answer history questions from once they have read their
 * jobs (SQLite answers them with queries). It offers the same reads as the
 * SQLite store — one series' points, every key, the values of a series for
 * whole-history analysis — so every command works on any store.
 *
 * Points are kept as columns (a job number and a value per point), not as
 * an object each: ten years of 500 metrics are 1.8 M points, and reading
 * them is then a push of two numbers. Objects are made only for the points
 * a query returns.
 */

import type { StoreHistory, StoredJob } from './store-reader.js'
import type { SeriesKey } from './record.js'
import type { HistoryPoint, HistoryQuery } from './store.js'

type Keyed = SeriesKey & { series: string }

/** What the index keeps of a job. */
export type IndexedJob = Pick<
  StoredJob,
  'jobId' | 'createdAt' | 'series' | 'dataset' | 'instrument' | 'filter'
>

/** One series' points: job numbers and values, growing as pushed. */
class Column {
  jobs = new Int32Array(64)
  values = new Float64Array(64)
  length = 0
  sorted = true

  constructor(readonly key: Keyed) {}

  push(job: number, value: number, times: readonly number[]): void {
    const n = this.length
    if (n === this.jobs.length) {
      const jobs = new Int32Array(n * 2)
      const values = new Float64Array(n * 2)
      jobs.set(this.jobs)
      values.set(this.values)
      this.jobs = jobs
      this.values = values
    }
    if (
      n > 0 &&
      (times[this.jobs[n - 1] as number] as number) > (times[job] as number)
    )
      this.sorted = false
    this.jobs[n] = job
    this.values[n] = value
    this.length = n + 1
  }

  /** Puts the points in time order (stable), once. */
  order(times: readonly number[]): this {
    if (this.sorted) return this
    const n = this.length
    const idx = Array.from({ length: n }, (_, i) => i)
    const time = (i: number): number => times[this.jobs[i] as number] as number
    idx.sort((a, b) => time(a) - time(b) || a - b)
    const jobs = new Int32Array(n)
    const values = new Float64Array(n)
    idx.forEach((from, to) => {
      jobs[to] = this.jobs[from] as number
      values[to] = this.values[from] as number
    })
    this.jobs = jobs
    this.values = values
    this.sorted = true
    return this
  }
}

const lineOf = (k: Omit<Keyed, 'metric'>): string =>
  `${k.dataset}\u0000${k.instrument}\u0000${k.filter}\u0000${k.series}`

export class HistoryIndex {
  readonly #jobIds: string[] = []
  readonly #times: number[] = []
  /** line (dataset, instrument, filter, series) → metric → points. */
  readonly #lines = new Map<string, Map<string, Column>>()
  /** A job's columns, by the identity of its metric-name list. */
  #lastNames: readonly string[] | undefined
  #lastLine: string | undefined
  #lastColumns: Column[] = []

  /** Indexes `history` (its jobs oldest first; no-value points left out). */
  constructor(history?: Pick<StoreHistory, 'jobs' | 'measurements'>) {
    if (history === undefined) return
    const numbers = history.jobs.map((j) => this.addJob(j))
    const { jobs } = history
    for (const m of history.measurements) {
      const job = jobs[m.job]
      if (job === undefined || m.value === null || Number.isNaN(m.value))
        continue
      this.#column(job, m.metric).push(
        numbers[m.job] as number,
        m.value,
        this.#times
      )
    }
  }

  #column(job: IndexedJob, metric: string): Column {
    const line = lineOf(job)
    let metrics = this.#lines.get(line)
    if (metrics === undefined)
      this.#lines.set(line, (metrics = new Map<string, Column>()))
    let c = metrics.get(metric)
    if (c === undefined) {
      c = new Column({
        metric,
        dataset: job.dataset,
        instrument: job.instrument,
        filter: job.filter,
        series: job.series
      })
      metrics.set(metric, c)
    }
    return c
  }

  /** Registers a job; its number for {@link addValues}. */
  addJob(job: IndexedJob): number {
    this.#times.push(job.createdAt)
    return this.#jobIds.push(job.jobId) - 1
  }

  /**
   * Adds a job and its values (`names[i]` has `values[i]`; null and NaN
   * are no value). Jobs sharing one `names` array (a pack's) share the
   * lookup of their columns.
   */
  addValues(
    job: IndexedJob,
    names: readonly string[],
    values: ArrayLike<number | null>,
    offset = 0
  ): void {
    const n = this.addJob(job)
    const line = lineOf(job)
    if (names !== this.#lastNames || line !== this.#lastLine) {
      this.#lastNames = names
      this.#lastLine = line
      this.#lastColumns = names.map((name) => this.#column(job, name))
    }
    const columns = this.#lastColumns
    const times = this.#times
    for (let i = 0; i < names.length; i++) {
      const v = values[offset + i]
      // (NaN is the one value not equal to itself.)
      if (v === null || v === undefined || v !== v) continue
      ;(columns[i] as Column).push(n, v, times)
    }
  }

  #get(key: SeriesKey, series: string): Column | undefined {
    return this.#lines
      .get(lineOf({ ...key, series }))
      ?.get(key.metric)
      ?.order(this.#times)
  }

  /** One series, oldest first: before `q.before`, the newest `q.limit`. */
  history(q: HistoryQuery): HistoryPoint[] {
    const c = this.#get(q, q.series)
    if (c === undefined) return []
    const time = (i: number): number =>
      this.#times[c.jobs[i] as number] as number
    let end = c.length
    if (q.before !== undefined) {
      // The first point at or after `before` (times are in order).
      let lo = 0
      while (lo < end) {
        const mid = (lo + end) >> 1
        if (time(mid) < q.before) lo = mid + 1
        else end = mid
      }
    }
    const start = q.limit === undefined ? 0 : Math.max(0, end - q.limit)
    const out: HistoryPoint[] = []
    for (let i = start; i < end; i++)
      out.push({
        jobId: this.#jobIds[c.jobs[i] as number] as string,
        time: time(i),
        value: c.values[i] as number
      })
    return out
  }

  /** Every series key (of `series` when given), sorted. */
  keys(series?: string): Keyed[] {
    const out: Keyed[] = []
    for (const metrics of this.#lines.values())
      for (const c of metrics.values())
        if (c.length > 0 && (series === undefined || c.key.series === series))
          out.push(c.key)
    const text = (k: Keyed): string =>
      JSON.stringify([k.metric, k.dataset, k.instrument, k.filter, k.series])
    const texts = new Map(out.map((k) => [k, text(k)]))
    return out.sort((a, b) =>
      (texts.get(a) as string) < (texts.get(b) as string) ? -1 : 1
    )
  }

  seriesValues(
    key: SeriesKey,
    series: string,
    withTimes: boolean
  ): { values: number[]; times: number[] } {
    const c = this.#get(key, series)
    if (c === undefined) return { values: [], times: [] }
    const jobs = c.jobs.subarray(0, c.length)
    return {
      values: Array.from(c.values.subarray(0, c.length)),
      times: withTimes ? Array.from(jobs, (j) => this.#times[j] as number) : []
    }
  }

  seriesTimeAt(
    key: SeriesKey,
    series: string,
    index: number
  ): number | undefined {
    const c = this.#get(key, series)
    const job = c === undefined || index >= c.length ? undefined : c.jobs[index]
    return job === undefined ? undefined : this.#times[job]
  }
}
