/**
 * What a pass sees does not depend on where the SQLite store keeps a
 * series' newest values: the tail rows of schema 2, the history index of a
 * schema 1 file, or the index again when the lookback is longer than a
 * tail row holds.
 */
import { join } from 'node:path'
import {
  resolveAlertSettings,
  sqliteAlertSource
} from '../../../src/alerts/index.js'
import { observe } from '../../../src/alerts/evaluate.js'
import {
  DEFAULT_BASELINE,
  SqliteStore,
  type BaselineSettings
} from '../../../src/metrics/index.js'
import { TAIL_CAPACITY } from '../../../src/metrics/series-tails.js'
import {
  DAY,
  T0,
  dispatchJob,
  prng,
  tempDir,
  toSchema1
} from '../../helpers/metrics.js'

const DAYS = TAIL_CAPACITY + 60
const METRICS = ['pkg.m0', 'pkg.m1', 'pkg.m2']
const DATASETS = ['a', 'b', 'c']

const settings = resolveAlertSettings(
  {
    rules: [
      { name: 'regression', kind: 'regression' },
      { name: 'deadman', kind: 'deadman', after: 3 * DAY, per: 'key' }
    ]
  },
  {},
  { series: 'main' }
)

/**
 * Nine keys of daily points; pkg.m1 steps up for the last 4 days on every
 * dataset (a regression), dataset c stops 5 days early (a dead man), every
 * 9th day has no value and every 10th arrives late.
 */
async function history(path: string): Promise<void> {
  const store = new SqliteStore(path)
  const random = prng(3)
  const days = [...Array(DAYS).keys()]
  const order = [
    ...days.filter((d) => d % 10 !== 4),
    ...days.filter((d) => d % 10 === 4)
  ]
  for (const d of order)
    for (const dataset of DATASETS) {
      if (dataset === 'c' && d >= DAYS - 5) continue
      const values: Record<string, number> = {}
      for (const m of METRICS)
        values[m] =
          d % 9 === 0
            ? NaN
            : 100 + random() * 2 + (m === 'pkg.m1' && d >= DAYS - 4 ? 40 : 0)
      await store.write(
        dispatchJob(`d${d}${dataset}`, values, {
          time: T0 + d * DAY,
          dataset
        })
      )
    }
  await store.close()
}

/** Every observation of a pass over the store at `path`, as plain data. */
async function pass(
  path: string,
  baseline: BaselineSettings
): Promise<{ key: string; active: boolean; summary: string }[]> {
  const store = new SqliteStore(path, { readonly: true })
  const source = sqliteAlertSource(store)
  try {
    const seen = await observe(source, {
      rules: settings.rules,
      baseline,
      now: T0 + DAYS * DAY
    })
    return seen.map((o) => ({
      key: o.key,
      active: o.active,
      summary: o.summary
    }))
  } finally {
    await source.close?.()
    await store.close()
  }
}

/** Each key's tail as the pass reads it and as the history index has it. */
async function tailsBothWays(
  path: string,
  limit: number
): Promise<{ read: number[][]; index: number[][] }> {
  const store = new SqliteStore(path, { readonly: true })
  const source = sqliteAlertSource(store)
  try {
    const keys = await source.keys('main')
    const tails =
      (await source.tails?.(
        keys.map((key) => ({ key, limit, times: false }))
      )) ?? []
    return {
      read: tails.map((t) => [...t.values]),
      index: keys.map((k) => store.recentValues(k, 'main', limit).values)
    }
  } finally {
    await source.close?.()
    await store.close()
  }
}

describe('the tails a pass reads from the SQLite store', () => {
  it('are the newest values the history index holds, for any lookback', async () => {
    const path = join(tempDir(), 'metrics.sqlite')
    await history(path)
    for (const limit of [2, 124, TAIL_CAPACITY, TAIL_CAPACITY + 1, 400]) {
      const { read, index } = await tailsBothWays(path, limit)
      expect(read).toHaveLength(METRICS.length * DATASETS.length)
      expect(read).toEqual(index)
    }
  })

  it('judge every key as the history index does, in a file of either schema', async () => {
    const path = join(tempDir(), 'metrics.sqlite')
    await history(path)
    const long = { ...DEFAULT_BASELINE, lookback: TAIL_CAPACITY + 40 }
    const fromTails = await pass(path, DEFAULT_BASELINE)
    const longer = await pass(path, long)
    const firing = fromTails.filter((o) => o.active).map((o) => o.key)
    expect(firing.sort()).toEqual([
      'deadman:pkg.m0|c||@main',
      'deadman:pkg.m1|c||@main',
      'deadman:pkg.m2|c||@main',
      'regression:pkg.m1|a||@main',
      'regression:pkg.m1|b||@main'
    ])
    expect(longer.filter((o) => o.active).map((o) => o.key)).toEqual(
      fromTails.filter((o) => o.active).map((o) => o.key)
    )
    toSchema1(path)
    expect(await pass(path, DEFAULT_BASELINE)).toEqual(fromTails)
    expect(await pass(path, long)).toEqual(longer)
  })
})
