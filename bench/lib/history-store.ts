/**
 * The benchmarks' long metric history: D days × M metrics (default 3,650 ×
 * 500, 1.8 M points) of one dataset in the SQLite store, one job a day,
 * generated once and cached under node_modules/.cache/stackci-bench (the
 * `metrics` and `report` benchmarks read the same file).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  SQLITE_SCHEMA_VERSION,
  SqliteStore,
  type DispatchJob
} from '../../src/metrics/index.js'

export const DAY = 86_400_000
export const T0 = Date.UTC(2016, 0, 1)

let seed = 7
/** A seeded generator: every run of a benchmark sees the same values. */
export const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}

/** The job of day `day`, with one measurement (mmag) per metric. */
export function job(day: number, values: Record<string, number>): DispatchJob {
  return {
    id: `day${day}`,
    source: `day${day}.verify.json`,
    createdAt: T0 + day * DAY,
    series: 'main',
    provenance: { dataset: 'HSC RC2', instrument: 'HSC', filter: 'HSC-I' },
    job: {
      measurements: Object.entries(values).map(([metric, value], i) => ({
        metric,
        identifier: `${day}-${i}`,
        value,
        unit: 'mmag',
        blobRefs: []
      })),
      blobs: [],
      metrics: [],
      specs: [],
      meta: { packages: {} }
    }
  }
}

/** The path of the cached history of `days` × `metrics`. */
export function historyPath(days: number, metrics: number): string {
  const cache = join(process.cwd(), 'node_modules', '.cache', 'stackci-bench')
  mkdirSync(cache, { recursive: true })
  return join(
    cache,
    `metrics-${days}x${metrics}-v${SQLITE_SCHEMA_VERSION}.sqlite`
  )
}

/** The cached history, generated on first use. */
export function historyStore(days: number, metrics: number): SqliteStore {
  const path = historyPath(days, metrics)
  const fresh = !existsSync(path)
  const store = new SqliteStore(path)
  if (fresh || store.counts().measurements !== days * metrics) {
    console.log(
      `generating ${days} days × ${metrics} metrics into ${path} (once)…`
    )
    for (let day = 0; day < days; day++) {
      const values: Record<string, number> = {}
      // Every tenth metric steps up by 20 % after day 3,000.
      for (let m = 0; m < metrics; m++)
        values[`pkg.m${m}`] =
          100 + m + random() * 2 + (m % 10 === 0 && day > 3000 ? 25 : 0)
      void store.write(job(day, values))
    }
  }
  return store
}
