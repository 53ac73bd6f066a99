import { RecordingReporter } from '../../../src/core/index.js'
import {
  InfluxStore,
  Spool,
  SqliteStore,
  dispatchJobs,
  replaySpool
} from '../../../src/metrics/index.js'
import {
  influxAdmin,
  influxQuery,
  influxUrl,
  startInfluxd,
  stopInfluxd,
  uniqueDatabase,
  dropTestDatabases
} from '../../helpers/influxdb.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'

/**
 * A real fault: influxd is killed while jobs are dispatched. Nothing may be
 * lost, and once it is back a replay stores every point exactly once.
 */
describe('influxd stopped during a dispatch', () => {
  afterAll(async () => {
    // Whatever happened, leave the shared influxd running.
    startInfluxd()
    await dropTestDatabases()
  })

  it('spools every job, and a replay after the restart stores every point exactly once', async () => {
    const url = influxUrl()
    const database = uniqueDatabase('fault')
    const reporter = new RecordingReporter()
    const dir = tempDir()
    const spool = new Spool(`${dir}/spool`)
    const sqlite = new SqliteStore(`${dir}/metrics.sqlite`)
    const influx = (): InfluxStore =>
      new InfluxStore({
        url,
        database,
        ...influxAdmin(),
        reporter,
        retries: 2,
        minDelayMs: 20
      })
    // 25 nights, two packages each: 50 points.
    const jobs = Array.from({ length: 25 }, (_, i) =>
      dispatchJob(
        `night${i}`,
        { 'validate_drp.PA1': 5 + i / 100, 'ap_verify.count': i },
        {
          time: T0 + i * DAY,
          dataset: 'HSC RC2',
          filter: 'HSC-I'
        }
      )
    )
    // Some history first, while influxd is up.
    await dispatchJobs(jobs.slice(0, 5), {
      stores: [sqlite, influx()],
      spool,
      reporter
    })

    stopInfluxd()
    const down = await dispatchJobs(jobs.slice(5), {
      stores: [sqlite, influx()],
      spool,
      reporter
    })
    // SQLite took everything; InfluxDB's share waits in the spool.
    expect(down.stores.map((t) => [t.type, t.written, t.spooled])).toEqual([
      ['sqlite', 40, 0],
      ['influxdb', 0, 20]
    ])
    expect(down.spooled).toBe(20)
    expect(await spool.files()).toHaveLength(20)
    const warnings = reporter.entries
      .filter((e) => e.level === 'warning')
      .map((e) => e.message)
    expect(
      warnings.some(
        (w) =>
          /InfluxDB is unreachable/.test(w) && /stackci metrics replay/.test(w)
      )
    ).toBe(true)
    // The first job was retried (2 retries); the others were not even tried.
    expect(warnings.filter((w) => /retrying in/.test(w))).toHaveLength(2)

    startInfluxd()
    const replay = await replaySpool(spool, [sqlite, influx()], reporter)
    expect(replay).toMatchObject({ sent: 20, left: 0, errors: [] })
    expect(await spool.files()).toEqual([])
    // A second replay has nothing to do.
    expect(await replaySpool(spool, [sqlite, influx()], reporter)).toEqual({
      sent: 0,
      sentKeys: [],
      left: 0,
      errors: []
    })
    // Sending everything again (a rerun) changes nothing either.
    await dispatchJobs(jobs, { stores: [sqlite, influx()], spool, reporter })

    const r = await influxQuery(
      database,
      'SELECT "job_id", "PA1" FROM "validate_drp" WHERE "dataset" = \'HSC RC2\' ORDER BY time'
    )
    const rows = r.results[0]?.series?.[0]?.values ?? []
    expect(rows).toEqual(jobs.map((d, i) => [T0 + i * DAY, d.id, 5 + i / 100]))
    const counts = await influxQuery(
      database,
      'SELECT count("count") FROM "ap_verify"'
    )
    expect(counts.results[0]?.series?.[0]?.values[0]?.[1]).toBe(25)
    expect(sqlite.counts()).toEqual({ jobs: 25, measurements: 50 })
    await sqlite.close()
  })
})
