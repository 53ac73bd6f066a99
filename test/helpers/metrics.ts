import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/core/index.js'
import type { DispatchJob } from '../../src/metrics/index.js'
import { sqliteDriver } from '../../src/metrics/sqlite-driver.js'
import type { Measurement } from '../../src/verify/index.js'

/** mulberry32: a small seedable generator, so every run sees the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal deviates (Box–Muller) from a seeded generator. */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12)
    const v = random()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

/** A clock that records backoff sleeps instead of waiting. */
export function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = []
  return {
    slept,
    now: () => Date.now(),
    sleep: async (ms) => {
      slept.push(ms)
      return Promise.resolve()
    }
  }
}

export function tempDir(prefix = 'stackci-metrics-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export const DAY = 86_400_000
export const T0 = Date.UTC(2026, 0, 1)

/** A prepared job with the given measurements (value → metric). */
export function dispatchJob(
  id: string,
  values: Record<string, number>,
  options: {
    time?: number
    series?: string
    dataset?: string
    instrument?: string
    filter?: string
    unit?: string
    meta?: Record<string, unknown>
  } = {}
): DispatchJob {
  const measurements: Measurement[] = Object.entries(values).map(
    ([metric, value], i) => ({
      metric,
      identifier: `${id}-${i}`,
      value,
      unit: options.unit ?? 'mmag',
      blobRefs: []
    })
  )
  const provenance = {
    ...(options.dataset === undefined ? {} : { dataset: options.dataset }),
    ...(options.instrument === undefined
      ? {}
      : { instrument: options.instrument }),
    ...(options.filter === undefined ? {} : { filter: options.filter })
  }
  return {
    id,
    source: `${id}.verify.json`,
    createdAt: options.time ?? T0,
    series: options.series ?? 'main',
    provenance,
    job: {
      measurements,
      blobs: [],
      metrics: [],
      specs: [],
      meta: { packages: {}, ...(options.meta ?? {}) }
    }
  }
}

/**
 * Takes the SQLite store at `path` back to schema 1: what a file written
 * before schema 2 holds (no units table, no tails, no newest columns).
 */
export function toSchema1(path: string): void {
  const db = new (sqliteDriver())(path)
  db.exec(`DROP TRIGGER measurements_units; DROP TABLE series_units;
    DROP TABLE series_tails; ALTER TABLE series DROP COLUMN newest_time;
    ALTER TABLE series DROP COLUMN newest_value; PRAGMA user_version = 1`)
  db.close()
}
