import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RecordingReporter, StoreError } from '../../../src/core/index.js'
import { InfluxStore } from '../../../src/metrics/index.js'
import { runCli } from '../../helpers/cli.js'
import {
  dropTestDatabases,
  influxAdmin,
  influxAdminQuery,
  influxQuery,
  influxUrl,
  uniqueDatabase
} from '../../helpers/influxdb.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'
import { rejection } from '../../helpers/thrown.js'

/**
 * The test influxd runs with `auth-enabled = true` (scripts/services.sh), as
 * deployments do: a client that stops sending its credentials fails here.
 */
describe('the InfluxDB store against an influxd that requires credentials', () => {
  afterAll(async () => {
    await dropTestDatabases()
  })

  const user = `writer_${process.pid}`
  const password = `w-${Math.random().toString(36).slice(2)}-Secret`
  const basic = Buffer.from(`${user}:${password}`).toString('base64')

  beforeAll(async () => {
    await influxAdminQuery(`CREATE USER "${user}" WITH PASSWORD '${password}'`)
  })
  afterAll(async () => {
    await influxAdminQuery(`DROP USER "${user}"`)
  })

  it('good credentials: the admin writes and creates its database; nothing secret in the log', async () => {
    const database = uniqueDatabase('auth_admin')
    const reporter = new RecordingReporter()
    const store = new InfluxStore({
      url: influxUrl(),
      database,
      ...influxAdmin(),
      reporter
    })
    await store.write(dispatchJob('a1', { 'skyprobe.astrom_rms': 8.9 }))
    const r = await influxQuery(database, 'SELECT "astrom_rms" FROM "skyprobe"')
    expect(r.results[0]?.series?.[0]?.values.map((v) => v[1])).toEqual([8.9])
    expect(reporter.text()).not.toContain(influxAdmin().password)
  })

  it('no credentials: a 401 that names the variables to set, not retried', async () => {
    const store = new InfluxStore({
      url: influxUrl(),
      database: uniqueDatabase('auth_none'),
      reporter: new RecordingReporter(),
      retries: 3,
      minDelayMs: 2000
    })
    const started = Date.now()
    const e = await rejection(store.write(dispatchJob('n', { 'p.m': 1 })))
    expect(e).toBeInstanceOf(StoreError)
    expect((e as StoreError).message).toMatch(/asks for credentials \(401\)/)
    expect((e as StoreError).hint).toMatch(
      /set INFLUXDB_USERNAME and INFLUXDB_PASSWORD/
    )
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('a wrong password: refused, with the variables named and the password nowhere', async () => {
    const reporter = new RecordingReporter()
    const e = await rejection(
      new InfluxStore({
        url: influxUrl(),
        database: uniqueDatabase('auth_wrong'),
        username: user,
        password: 'not-the-Password',
        credentialVars: {
          username: 'CI_INFLUX_USER',
          password: 'CI_INFLUX_PASS'
        },
        reporter
      }).write(dispatchJob('w', { 'p.m': 1 }))
    )
    expect((e as StoreError).message).toMatch(/refused the credentials/)
    expect((e as StoreError).hint).toMatch(
      /check CI_INFLUX_USER and CI_INFLUX_PASS/
    )
    reporter.error((e as Error).message)
    reporter.info(String((e as StoreError).hint))
    expect(reporter.text()).not.toContain('not-the-Password')
  })

  it('a writer without the right to CREATE DATABASE: the 403 is taken as "it may exist", and the write goes through', async () => {
    const database = uniqueDatabase('auth_writer')
    await influxAdminQuery(`CREATE DATABASE "${database}"`)
    await influxAdminQuery(`GRANT WRITE ON "${database}" TO "${user}"`)
    const reporter = new RecordingReporter()
    const store = new InfluxStore({
      url: influxUrl(),
      database,
      username: user,
      password,
      reporter
    })
    await store.write(
      dispatchJob('w1', { 'skyprobe.astrom_rms': 9.1 }, { time: T0 + DAY })
    )
    expect(reporter.text()).toMatch(
      /cannot create the database[\s\S]*assuming it exists/
    )
    const r = await influxQuery(database, 'SELECT "astrom_rms" FROM "skyprobe"')
    expect(r.results[0]?.series?.[0]?.values).toEqual([[T0 + DAY, 9.1]])
    expect(reporter.text()).not.toContain(password)
    expect(reporter.text()).not.toContain(basic)

    // Where the database does not exist, the same writer is told to create it.
    const missing = uniqueDatabase('auth_missing')
    const e = await rejection(
      new InfluxStore({
        url: influxUrl(),
        database: missing,
        username: user,
        password,
        reporter
      }).write(dispatchJob('w2', { 'p.m': 1 }))
    )
    expect((e as StoreError).message).toMatch(/does not exist|403/)
  })

  it('the CLI: credentials from INFLUXDB_USERNAME/INFLUXDB_PASSWORD reach the server, and no log line holds them', async () => {
    const dir = tempDir()
    const database = uniqueDatabase('auth_cli')
    const job = join(dir, 'night.verify.json')
    writeFileSync(
      job,
      JSON.stringify({
        measurements: [
          {
            metric: 'skyprobe.astrom_rms',
            identifier: 'a',
            value: 8.5,
            unit: 'marcsec',
            blob_refs: []
          }
        ],
        blobs: [],
        meta: {
          dataset_name: 'field_a',
          instrument: 'SIM',
          packages: {},
          date_created: new Date(T0).toISOString()
        }
      })
    )
    const args = [
      'metrics',
      'dispatch',
      '--definitions',
      join(process.cwd(), 'examples', 'stack'),
      '--sqlite',
      join(dir, 'metrics.sqlite'),
      '--spool',
      join(dir, 'spool'),
      '--influxdb',
      influxUrl(),
      '--influxdb-db',
      database,
      job
    ]
    const admin = influxAdmin()
    const ok = await runCli(args, {
      env: {
        INFLUXDB_USERNAME: admin.username,
        INFLUXDB_PASSWORD: admin.password
      }
    })
    expect(ok.code).toBe(0)
    const stored = await influxQuery(
      database,
      'SELECT "astrom_rms" FROM "skyprobe"'
    )
    expect(stored.results[0]?.series?.[0]?.values.map((v) => v[1])).toEqual([
      8.5
    ])
    const log = ok.stdout + ok.stderr
    expect(log).not.toContain(admin.password)
    expect(log).not.toContain(
      Buffer.from(`${admin.username}:${admin.password}`).toString('base64')
    )

    // Without them: the job is kept in the spool and the message names the fix.
    const none = await runCli(args, {
      env: { INFLUXDB_USERNAME: '', INFLUXDB_PASSWORD: '' }
    })
    expect(none.stderr).toMatch(/INFLUXDB_USERNAME and INFLUXDB_PASSWORD/)
  })
})
