import { spawnSync } from 'node:child_process'
import { readdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { StoreError } from '../../../src/core/index.js'
import {
  DEFAULT_REGRESSION,
  SQLITE_SCHEMA_VERSION,
  analyzeStore,
  Spool,
  SqliteStore,
  entryJob,
  type DispatchJob
} from '../../../src/metrics/index.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'
import { rejection, thrown } from '../../helpers/thrown.js'

const key = {
  metric: 'pkg.PA1',
  dataset: 'rc2',
  instrument: 'HSC',
  filter: 'i'
}
const at = (i: number, value: number, series = 'main'): DispatchJob =>
  dispatchJob(
    `job${i}`,
    { 'pkg.PA1': value, 'pkg.AM1': value * 2 },
    {
      time: T0 + i * DAY,
      series,
      dataset: 'rc2',
      instrument: 'HSC',
      filter: 'i'
    }
  )

describe('the SQLite store', () => {
  it('creates its file and schema (WAL, migrations by user_version) and reopens it', async () => {
    const path = join(tempDir(), 'nested', 'metrics.sqlite')
    const store = new SqliteStore(path)
    expect(store.schemaVersion).toBe(SQLITE_SCHEMA_VERSION)
    await store.write(at(1, 5))
    await store.close()
    const again = new SqliteStore(path)
    expect(again.counts()).toEqual({ jobs: 1, measurements: 2 })
    await again.close()
    expect(readdirSync(join(path, '..'))).toContain('metrics.sqlite')
    const mode = spawnSync(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const d=new D(${JSON.stringify(path)});console.log(d.pragma('journal_mode',{simple:true}));d.close()`
      ],
      { encoding: 'utf8' }
    )
    expect(mode.stdout.trim()).toBe('wal')
  })

  it('stores a job once, however often it is written (job id, metric, identifier)', async () => {
    const store = new SqliteStore(join(tempDir(), 'm.sqlite'))
    expect(await store.write(at(1, 5))).toEqual({ written: 2, skipped: 0 })
    expect(await store.write(at(1, 5))).toEqual({ written: 0, skipped: 2 })
    const twin = at(1, 5)
    twin.job.measurements.push({
      metric: 'pkg.PA1',
      identifier: 'other',
      value: 6,
      unit: 'mmag',
      blobRefs: []
    })
    expect(await store.write(twin)).toEqual({ written: 1, skipped: 2 })
    expect(store.counts()).toEqual({ jobs: 1, measurements: 3 })
    await store.close()
  })

  it('reads a series back oldest first, by key, series, time and limit, without NaN', async () => {
    const store = new SqliteStore(join(tempDir(), 'm.sqlite'))
    for (let i = 0; i < 10; i++) await store.write(at(i, i))
    await store.write(at(20, 99, 'pr/1'))
    await store.write(at(11, NaN))
    const all = await store.history({ ...key, series: 'main' })
    expect(all.map((p) => p.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(all[3]).toEqual({ jobId: 'job3', time: T0 + 3 * DAY, value: 3 })
    const recent = await store.history({
      ...key,
      series: 'main',
      before: T0 + 8 * DAY,
      limit: 3
    })
    expect(recent.map((p) => p.value)).toEqual([5, 6, 7])
    expect(
      await store.history({ ...key, dataset: 'other', series: 'main' })
    ).toEqual([])
    expect(store.keys('main').map((k) => k.metric)).toEqual([
      'pkg.AM1',
      'pkg.PA1'
    ])
    await store.close()
  })

  it('keeps acceptances', async () => {
    const store = new SqliteStore(join(tempDir(), 'm.sqlite'))
    store.accept({
      ...key,
      series: 'main',
      since: T0,
      reason: 'new algorithm',
      by: 'dev'
    })
    expect(store.acceptances()).toEqual([
      { ...key, series: 'main', since: T0, reason: 'new algorithm', by: 'dev' }
    ])
    await store.close()
  })

  it('names the file and the fix when it cannot open it', () => {
    const path = join(tempDir(), 'not-a-db.sqlite')
    writeFileSync(path, 'this is not a database, just text '.repeat(100))
    const error = thrown(() => new SqliteStore(path))
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain(path)
    expect((error as StoreError).hint).toMatch(/not a SQLite database/)
  })

  it('refuses a file from a newer stackci', async () => {
    const path = join(tempDir(), 'm.sqlite')
    const store = new SqliteStore(path)
    await store.close()
    const r = spawnSync(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const d=new D(${JSON.stringify(path)});d.pragma('user_version = 99');d.close()`
      ],
      { encoding: 'utf8' }
    )
    expect(r.stderr).toBe('')
    expect((thrown(() => new SqliteStore(path)) as Error).message).toMatch(
      /schema version 99, newer/
    )
  })
})

describe('the spool', () => {
  it('holds a job claimed while it is sent, and forgets it once sent', async () => {
    const spool = new Spool(tempDir())
    const claim = await spool.hold(at(1, 5), {
      type: 'influxdb',
      label: 'influxdb x'
    })
    expect(await spool.files()).toEqual([
      expect.stringMatching(/^job1\.influxdb\.json\.claim-/)
    ])
    // Our own claim is not up for grabs.
    expect(await spool.claimAll()).toEqual([])
    await spool.done(claim)
    expect(await spool.files()).toEqual([])
  })

  it('keeps a failed send with its error, one entry per (job, store), and gives the job back intact', async () => {
    const spool = new Spool(tempDir())
    const d = at(1, 5)
    d.job.measurements.push({
      metric: 'pkg.NaN',
      identifier: 'n',
      value: NaN,
      unit: '',
      blobRefs: []
    })
    for (let i = 0; i < 2; i++) {
      const claim = await spool.hold(d, { type: 'squash', label: 'squash y' })
      await spool.release(claim, new Error('SQuaSH answered 500'))
    }
    expect(await spool.files()).toEqual(['job1.squash.json'])
    const [entry] = await spool.entries()
    expect(entry).toMatchObject({
      attempts: 1,
      lastError: 'SQuaSH answered 500',
      claimed: false
    })
    const [claim] = await spool.claimAll()
    const back = entryJob(claim!.entry)
    expect(back.id).toBe('job1')
    expect(back.createdAt).toBe(d.createdAt)
    expect(back.provenance).toEqual(d.provenance)
    expect(back.job.measurements.map((m) => m.value)).toEqual([5, 10, NaN])
  })

  it('takes over the claim of a process that died', async () => {
    const dir = tempDir()
    const spool = new Spool(dir)
    const claim = await spool.hold(at(1, 5), {
      type: 'sqlite',
      label: 'sqlite z'
    })
    // A pid that cannot be alive: the claim is abandoned.
    const dead = claim.path.replace(/-\d+$/, '-999999999')
    renameSync(claim.path, dead)
    const claims = await spool.claimAll()
    expect(claims.map((c) => c.entry.jobId)).toEqual(['job1'])
  })

  it('says what is wrong with a damaged entry', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'x.sqlite.json'), '{ not json')
    const error = await rejection(new Spool(dir).claimAll())
    expect((error as StoreError).message).toMatch(/is not valid JSON/)
  })
})

describe('whole-history analysis', () => {
  it('walks every series of the store, counts regression episodes and dates the running streak', async () => {
    const store = new SqliteStore(':memory:')
    // 40 nights flat, a 5-night excursion, back to normal, then a step.
    const level = (i: number): number =>
      i >= 40 && i < 45 ? 20 : i >= 60 ? 30 : 10 + (i % 3) * 0.1
    for (let i = 0; i < 65; i++) await store.write(at(i, level(i)))
    const summaries = analyzeStore(
      store,
      'main',
      DEFAULT_REGRESSION,
      () => 'up'
    )
    const pa1 = summaries.find((s) => s.metric === 'pkg.PA1')
    expect(summaries.map((s) => s.metric)).toEqual(['pkg.AM1', 'pkg.PA1'])
    expect(pa1).toMatchObject({
      points: 65,
      regressions: 2,
      lastValue: 30,
      streakStart: 60,
      streakSince: T0 + 60 * DAY
    })
    expect(pa1?.last).toMatchObject({ verdict: 'regression', streak: 5 })
    // An acceptance at the step: nothing is running any more.
    const accepted = analyzeStore(
      store,
      'main',
      DEFAULT_REGRESSION,
      () => 'up',
      [{ ...key, series: 'main', since: T0 + 60 * DAY, reason: 'new level' }]
    ).find((s) => s.metric === 'pkg.PA1')
    expect(accepted).toMatchObject({ regressions: 1, streakStart: undefined })
    expect(accepted?.last?.verdict).toBe('insufficient')
    await store.close()
  })
})
