/**
 * The tail rows of the SQLite store (schema 2) stay exactly what the
 * history index says, whatever order jobs arrive in: appended, late,
 * sharing a time, with no value, written twice, past the capacity; and a
 * file of schema 1 gets them (and its series' units) when it is migrated.
 */
import { join } from 'node:path'
import {
  SQLITE_SCHEMA_VERSION,
  SqliteStore
} from '../../../src/metrics/index.js'
import { TAIL_CAPACITY, readTail } from '../../../src/metrics/series-tails.js'
import { sqliteDriver } from '../../../src/metrics/sqlite-driver.js'
import {
  DAY,
  T0,
  dispatchJob,
  prng,
  tempDir,
  toSchema1
} from '../../helpers/metrics.js'

const KEY = { metric: 'pkg.a', dataset: '', instrument: '', filter: '' }

/** The newest values by the index, oldest first (what the tail must hold). */
function indexTail(store: SqliteStore): number[] {
  return store.recentValues(KEY, 'main', TAIL_CAPACITY).values
}

/** The tail row of pkg.a on main, read through its own connection. */
function tailOf(path: string): { values: number[]; newest: number } | null {
  const db = new (sqliteDriver())(path, { readonly: true })
  try {
    const id = db
      .prepare("SELECT id FROM series WHERE metric = 'pkg.a'")
      .pluck()
      .get() as number
    const row = readTail(db, id)
    return row === undefined
      ? null
      : { values: [...row.values], newest: row.newestTime }
  } finally {
    db.close()
  }
}

describe('the tails of the SQLite store', () => {
  it('follow the index through appends, late jobs, ties, gaps, repeats and overflow', async () => {
    const path = join(tempDir(), 'tails.sqlite')
    const store = new SqliteStore(path)
    const random = prng(7)
    const days = [...Array(TAIL_CAPACITY + 40).keys()]
    // Mostly in order, with every seventh day held back and written late.
    const late = days.filter((d) => d % 7 === 3)
    const order = [...days.filter((d) => d % 7 !== 3), ...late]
    // Every 13th write, the tail as stored and as the index has it.
    const seen: { stored: number[] | undefined; index: number[] }[] = []
    for (const [i, d] of order.entries()) {
      const value = d % 11 === 5 ? NaN : 100 + random()
      await store.write(
        dispatchJob(`d${d}`, { 'pkg.a': value }, { time: T0 + d * DAY })
      )
      if (i % 13 === 12)
        seen.push({ stored: tailOf(path)?.values, index: indexTail(store) })
    }
    expect(seen.length).toBeGreaterThan(10)
    expect(seen.map((s) => s.stored)).toEqual(seen.map((s) => s.index))
    // Two jobs at one time, the second with the lower value: the index
    // orders them by value, and so must the tail.
    const tie = T0 + 1000 * DAY
    await store.write(dispatchJob('t1', { 'pkg.a': 300 }, { time: tie }))
    await store.write(dispatchJob('t2', { 'pkg.a': 200 }, { time: tie }))
    // A repeat stores nothing and changes nothing.
    await store.write(dispatchJob('t2', { 'pkg.a': 200 }, { time: tie }))
    const tail = tailOf(path)
    expect(tail?.values).toEqual(indexTail(store))
    expect(tail?.values.slice(-2)).toEqual([200, 300])
    expect(tail?.values).toHaveLength(TAIL_CAPACITY)
    expect(tail?.newest).toBe(tie)
    await store.close()
  })

  it('has no row for a series with no value yet', async () => {
    const path = join(tempDir(), 'empty.sqlite')
    const store = new SqliteStore(path)
    await store.write(dispatchJob('n', { 'pkg.a': NaN }))
    expect(tailOf(path)).toBeNull()
    await store.write(dispatchJob('v', { 'pkg.a': 4 }, { time: T0 + DAY }))
    expect(tailOf(path)).toEqual({ values: [4], newest: T0 + DAY })
    await store.close()
  })

  it('are built, with the units table, when a schema 1 file is opened', async () => {
    const path = join(tempDir(), 'v1.sqlite')
    const store = new SqliteStore(path)
    for (let d = 0; d < 30; d++)
      await store.write(
        dispatchJob(
          `d${d}`,
          { 'pkg.a': d, 'pkg.b': 2 * d },
          {
            time: T0 + d * DAY,
            unit: d < 10 ? 'mmag' : 'mag'
          }
        )
      )
    await store.close()
    toSchema1(path)
    const reopened = new SqliteStore(path)
    expect(reopened.schemaVersion).toBe(SQLITE_SCHEMA_VERSION)
    expect(tailOf(path)?.values).toEqual(indexTail(reopened))
    const check = new (sqliteDriver())(path, { readonly: true })
    const units = check
      .prepare(
        `SELECT s.metric, u.unit FROM series_units u JOIN series s
         ON s.id = u.series ORDER BY s.metric, u.unit`
      )
      .raw(true)
      .all()
    check.close()
    expect(units).toEqual([
      ['pkg.a', 'mag'],
      ['pkg.a', 'mmag'],
      ['pkg.b', 'mag'],
      ['pkg.b', 'mmag']
    ])
    await reopened.close()
  })
})
