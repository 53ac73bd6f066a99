import {
  InputError,
  RecordingReporter,
  StoreError
} from '../../../src/core/index.js'
import {
  InfluxStore,
  PartialWriteError,
  SqliteStore,
  dispatchJobs
} from '../../../src/metrics/index.js'
import {
  influxAdmin,
  influxAdminQuery,
  influxQuery,
  influxUrl,
  uniqueDatabase,
  dropTestDatabases
} from '../../helpers/influxdb.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'
import { rejection } from '../../helpers/thrown.js'

/** Values line protocol must escape, or that naive encoders mangle. */
const HOSTILE = [
  'HSC RC2 w/ spaces',
  'comma,separated,values',
  'key=value=more',
  'he said "hi"',
  "it's quoted",
  'ünïcødé ✓ 🚀 数据',
  'back\\slash in the middle',
  'all of it: a\\ b,c=d "e" \'f\' ü',
  ' leading and trailing ',
  '=,= ,'
]

describe('the InfluxDB store on the real influxd 1.6', () => {
  afterAll(async () => {
    await dropTestDatabases()
  })
  const reporter = new RecordingReporter()
  let store: InfluxStore
  let database: string
  beforeEach(() => {
    database = uniqueDatabase('roundtrip')
    store = new InfluxStore({
      url: influxUrl(),
      ...influxAdmin(),
      database,
      reporter,
      retries: 1,
      minDelayMs: 10
    })
  })

  it('writes hostile tag values and reads them back exactly via /query', async () => {
    const jobs = HOSTILE.map((value, i) =>
      dispatchJob(
        `job${i}`,
        { 'validate_drp.PA1': 6 + i / 10 },
        {
          time: T0 + i * DAY,
          dataset: value,
          instrument: `${value} (instrument)`,
          filter: value
        }
      )
    )
    jobs[0]!.provenance.imageDigest = 'sha256:"quoted" \\ back'
    store.prepare(jobs)
    for (const d of jobs)
      expect(await store.write(d)).toEqual({ written: 1, skipped: 0 })

    const tags = await influxQuery(
      database,
      'SHOW TAG VALUES FROM "validate_drp" WITH KEY = "dataset"'
    )
    const datasets = tags.results[0]?.series?.[0]?.values.map((v) => v[1])
    expect([...(datasets ?? [])].sort()).toEqual([...HOSTILE].sort())

    // Every value also works as a key for reading history back.
    for (const [i, value] of HOSTILE.entries()) {
      const history = await store.history({
        metric: 'validate_drp.PA1',
        dataset: value,
        instrument: `${value} (instrument)`,
        filter: value,
        series: 'main'
      })
      expect(history).toEqual([
        { jobId: `job${i}`, time: T0 + i * DAY, value: 6 + i / 10 }
      ])
    }
    const digest = await influxQuery(
      database,
      'SELECT "image_digest" FROM "validate_drp" WHERE "job_id" = \'job0\''
    )
    expect(digest.results[0]?.series?.[0]?.values[0]?.[1]).toBe(
      'sha256:"quoted" \\ back'
    )
  })

  it('refuses a newline in a tag value clearly, before any store receives anything', async () => {
    const sqlite = new SqliteStore(`${tempDir()}/m.sqlite`)
    const good = dispatchJob(
      'good',
      { 'validate_drp.PA1': 1 },
      { dataset: 'fine' }
    )
    const bad = dispatchJob(
      'bad',
      { 'validate_drp.PA1': 2 },
      { dataset: 'two\nlines' }
    )
    const error = await rejection(
      dispatchJobs([good, bad], { stores: [sqlite, store], reporter })
    )
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toBe(
      'bad.verify.json: InfluxDB line protocol cannot carry the value of tag dataset "two\\nlines": it contains a line break'
    )
    expect((error as InputError).hint).toMatch(/remove line breaks/)
    expect(sqlite.counts()).toEqual({ jobs: 0, measurements: 0 })
    const nothing = await influxQuery(database, 'SELECT * FROM "validate_drp"')
    expect(nothing.results[0]?.error ?? nothing.results[0]?.series).toEqual(
      `database not found: ${database}`
    )
    await sqlite.close()
  })

  it('reports a partial write (400): the good points are stored, the bad ones named, no retry', async () => {
    await store.write(
      dispatchJob('first', { 'validate_drp.PA1': 1 }, { time: T0 })
    )
    const before = reporter.entries.length
    const error = await rejection(
      store.client.writeLines([
        `validate_drp,series=main PA1=2 ${T0 + DAY}`,
        `validate_drp,series=main PA1="not a float" ${T0 + 2 * DAY}`
      ])
    )
    expect(error).toBeInstanceOf(PartialWriteError)
    expect((error as PartialWriteError).dropped).toBe(1)
    expect((error as Error).message).toMatch(
      /refused 1 of 2 point\(s\).*field type conflict/
    )
    // No "retrying" warning: a 400 is not retried.
    expect(
      reporter.entries.slice(before).filter((e) => e.level === 'warning')
    ).toEqual([])
    const stored = await influxQuery(
      database,
      'SELECT "PA1" FROM "validate_drp"'
    )
    expect(stored.results[0]?.series?.[0]?.values.map((v) => v[1])).toEqual([
      1, 2
    ])
  })

  it('names a missing database or retention policy with the fix, and does not retry them', async () => {
    const missing = new InfluxStore({
      url: influxUrl(),
      ...influxAdmin(),
      database: uniqueDatabase('nodb'),
      reporter,
      createDatabase: false,
      retries: 3,
      minDelayMs: 2000
    })
    const started = Date.now()
    const e1 = await rejection(missing.write(dispatchJob('j', { 'p.m': 1 })))
    expect(e1).toBeInstanceOf(StoreError)
    expect((e1 as StoreError).message).toMatch(
      /database "nodb_.*" does not exist/
    )
    const noRp = new InfluxStore({
      url: influxUrl(),
      ...influxAdmin(),
      database,
      retentionPolicy: 'nope',
      reporter,
      retries: 3,
      minDelayMs: 2000
    })
    const e2 = await rejection(noRp.write(dispatchJob('j', { 'p.m': 1 })))
    expect((e2 as StoreError).message).toMatch(
      /retention policy not found: nope/
    )
    expect((e2 as StoreError).hint).toMatch(
      /create the retention policy "nope"/
    )
    // Neither waited for a backoff (3 retries of ≥ 1 s each would have).
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('uses the configured precision (s: milliseconds cut), and writing a job again keeps one point', async () => {
    const s = new InfluxStore({
      url: influxUrl(),
      ...influxAdmin(),
      database,
      precision: 's',
      reporter
    })
    const d = dispatchJob('j', { 'validate_drp.PA1': 3 }, { time: T0 + 1234 })
    await s.write(d)
    await s.write(d)
    const r = await influxQuery(database, 'SELECT "PA1" FROM "validate_drp"')
    expect(r.results[0]?.series?.[0]?.values).toEqual([[T0 + 1000, 3]])
    // History reads back by time and limit.
    for (let i = 1; i <= 5; i++)
      await s.write(
        dispatchJob(`n${i}`, { 'validate_drp.PA1': i }, { time: T0 + i * DAY })
      )
    const key = {
      metric: 'validate_drp.PA1',
      dataset: '',
      instrument: '',
      filter: '',
      series: 'main'
    }
    expect(
      (await s.history({ ...key, before: T0 + 4 * DAY, limit: 2 })).map((p) => [
        p.jobId,
        p.value
      ])
    ).toEqual([
      ['n2', 2],
      ['n3', 3]
    ])
  })

  it('sends credentials as Basic auth and never logs them', async () => {
    // A user with no admin rights: stackci's CREATE DATABASE gets a 403,
    // which it takes as "the database may exist" (it does, made here).
    await influxAdminQuery(
      `CREATE USER "writer" WITH PASSWORD 'influx-Pa55word'`
    )
    await influxAdminQuery(`CREATE DATABASE "${database}"`)
    await influxAdminQuery(`GRANT ALL ON "${database}" TO "writer"`)
    const r = new RecordingReporter()
    const s = new InfluxStore({
      url: influxUrl(),
      database,
      username: 'writer',
      password: 'influx-Pa55word',
      reporter: r
    })
    await s.write(dispatchJob('j', { 'validate_drp.PA1': 3 }))
    const e = await rejection(
      new InfluxStore({
        url: 'http://127.0.0.1:1',
        database,
        username: 'writer',
        password: 'influx-Pa55word',
        reporter: r,
        retries: 0
      }).write(dispatchJob('k', { 'p.m': 1 }))
    )
    r.warning((e as Error).message)
    r.info(`Basic ${Buffer.from('writer:influx-Pa55word').toString('base64')}`)
    expect(r.text()).not.toContain('influx-Pa55word')
    expect(r.text()).not.toContain(
      Buffer.from('writer:influx-Pa55word').toString('base64')
    )
  })
})
