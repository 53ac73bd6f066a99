import { readFileSync } from 'node:fs'
import { HttpError, RecordingReporter } from '../../../src/core/index.js'
import {
  SasquatchStore,
  SasquatchWriteError,
  Spool,
  dispatchJobs,
  prepareJob,
  replaySpool,
  type DispatchJob
} from '../../../src/metrics/index.js'
import { parseJob } from '../../../src/verify/index.js'
import { KafkaRestEmulator } from '../../emulators/kafka-rest/server.js'
import { dispatchJob, instantClock, tempDir } from '../../helpers/metrics.js'
import { SAMPLE_JOB, storedRecords } from '../../helpers/sasquatch.js'
import { rejection } from '../../helpers/thrown.js'

const TOKEN = 'gt-Ab3dE.sasquatch-write-token'
const NS = 'lsst.verify.drp'
const sample = SAMPLE_JOB
const METRICS = [
  'astrom_rms',
  'phot_rms',
  'matched_fraction',
  'n_matched',
  'run_time'
]

/** The sample stack's job, as a night of a Jenkins run (with its metric tags). */
function sampleJob(night: number): DispatchJob {
  const raw = JSON.parse(readFileSync(sample, 'utf8')) as {
    metrics: unknown[]
    meta: Record<string, unknown>
  }
  raw.meta.date_created = new Date(Date.UTC(2026, 0, night)).toISOString()
  raw.metrics = [
    { name: 'skyprobe.astrom_rms', unit: 'marcsec', tags: ['astrometry'] },
    { name: 'skyprobe.phot_rms', unit: 'mmag', tags: ['photometry', 'design'] }
  ]
  const file = `night-${night}.verify.json`
  return prepareJob(parseJob(JSON.stringify(raw), file), file, undefined, {
    env: {
      BUILD_ID: String(800 + night),
      BUILD_URL: `https://rubin-ci.example.org/job/ci_hsc/${800 + night}/`,
      PRODUCT: 'ci_hsc',
      refs: 'main'
    },
    series: 'main'
  })
}

describe('the Sasquatch store (Kafka REST proxy)', () => {
  let proxy: KafkaRestEmulator
  let reporter: RecordingReporter
  beforeEach(async () => {
    proxy = new KafkaRestEmulator({ token: TOKEN })
    await proxy.start()
    reporter = new RecordingReporter()
  })
  afterEach(async () => {
    await proxy.stop()
  })
  const store = (url = proxy.url): SasquatchStore =>
    new SasquatchStore({
      url,
      namespace: NS,
      dataset: 'HSC/RC2/Nightly',
      token: TOKEN,
      reporter,
      retries: 2,
      clock: instantClock()
    })

  it('sends the sample stack jobs as verify_to_sasquatch does; every record valid against its schema', async () => {
    const jobs = [sampleJob(1), sampleJob(2), sampleJob(3)]
    const s = store()
    const r = await dispatchJobs(jobs, { stores: [s], reporter })
    expect(r.stores[0]).toMatchObject({ written: 15, spooled: 0, errors: [] })
    expect([...proxy.topics.keys()].sort()).toEqual(
      METRICS.map((m) => `${NS}.${m}`).sort()
    )
    for (const m of METRICS) expect(proxy.values(`${NS}.${m}`)).toHaveLength(3)
    expect(storedRecords(proxy)).toHaveLength(15)
    // One cluster lookup, one creation per topic, one produce per metric and job.
    const calls = proxy.requests.map((q) => `${q.method} ${q.path}`)
    expect(calls.filter((c) => c === 'GET /v3/clusters')).toHaveLength(1)
    expect(calls.filter((c) => c.endsWith('/topics'))).toHaveLength(5)
    const produce = proxy.received('produce')
    expect(produce).toHaveLength(15)
    expect(produce[0]?.headers).toMatchObject({
      'content-type': 'application/vnd.kafka.avro.v2+json',
      accept: 'application/vnd.kafka.v2+json',
      authorization: `Bearer ${TOKEN}`
    })
    const phot = proxy.values(`${NS}.phot_rms`)[1]
    expect(phot).toMatchObject({
      dataset_tag: 'HSC/RC2/Nightly',
      dataset_type: 'metricvalue_skyprobe_phot_rms',
      instrument: 'SkyprobeCam',
      physical_filter: 'r',
      ci_id: '802',
      ci_url: 'https://rubin-ci.example.org/job/ci_hsc/802/',
      ci_name: 'ci_hsc',
      ci_refs: 'main',
      tags: ['photometry', 'design'],
      timestamp: Date.UTC(2026, 0, 2) / 1000,
      phot_rms: 3.3403480344539194
    })
    expect(reporter.text()).not.toContain(TOKEN)
  })

  it('skips NaN measurements and says which; the rest is stored and nothing spooled', async () => {
    const spool = new Spool(tempDir())
    const d = dispatchJob('nan', {
      'validate_drp.PA1': NaN,
      'validate_drp.AM1': 12.5
    })
    const r = await dispatchJobs([d], { stores: [store()], spool, reporter })
    expect(r.stores[0]).toMatchObject({ written: 1, spooled: 0 })
    expect(proxy.values(`${NS}.AM1`)).toHaveLength(1)
    expect(proxy.topics.has(`${NS}.PA1`)).toBe(false)
    expect(reporter.text('warning')).toMatch(
      /job nan .*1 measurement\(s\) without a finite value not sent .*validate_drp\.PA1 \(NaN\)/
    )
    expect(await spool.entries()).toEqual([])
  })

  it('a 200 whose offsets carry error_code 50003 is a failure: only those records are spooled, then replayed once', async () => {
    const spool = new Spool(tempDir())
    const s = store()
    await dispatchJobs([sampleJob(1)], { stores: [s], spool, reporter })
    // The topic vanishes after the store created it: the proxy answers 200
    // and a 50003 per record, which the Python dispatcher counts as success.
    proxy.deleteTopic(`${NS}.phot_rms`)
    const r = await dispatchJobs([sampleJob(2), sampleJob(3)], {
      stores: [s],
      spool,
      reporter
    })
    expect(r.stores[0]).toMatchObject({ written: 8, spooled: 2 })
    expect(r.stores[0]?.errors[0]).toMatch(
      /4 record\(s\) of job .* stored, 1 not: lsst\.verify\.drp\.phot_rms: 1 of 1 record\(s\) refused \(error_code 50003: Topic lsst\.verify\.drp\.phot_rms not present in metadata/
    )
    const left = await spool.entries()
    expect(left).toHaveLength(2)
    for (const e of left) {
      const job = JSON.parse(e.job) as { measurements: { metric: string }[] }
      expect(job.measurements.map((m) => m.metric)).toEqual([
        'skyprobe.phot_rms'
      ])
    }
    // A new run creates the topic again; the replay sends only what is missing.
    const replay = await replaySpool(spool, [store()], reporter)
    expect(replay).toMatchObject({ sent: 2, left: 0 })
    expect(proxy.values(`${NS}.phot_rms`)).toHaveLength(2)
    for (const m of METRICS.filter((x) => x !== 'phot_rms'))
      expect(proxy.values(`${NS}.${m}`)).toHaveLength(3)
    // (job 1's phot_rms went with the deleted topic)
    expect(storedRecords(proxy)).toHaveLength(14)
  })

  it('tells total failure from partial failure', async () => {
    const s = store()
    await s.write(dispatchJob('warm', { 'validate_drp.PA1': 1 }))
    proxy.deleteTopic(`${NS}.PA1`)
    const total = await rejection(
      s.write(dispatchJob('t', { 'validate_drp.PA1': 2 }))
    )
    expect(total).toBeInstanceOf(SasquatchWriteError)
    expect((total as SasquatchWriteError).stored).toBe(0)
    expect((total as Error).message).toMatch(
      /none of the 1 record\(s\) of job t .* was stored/
    )
    const partial = await rejection(
      s.write(
        dispatchJob('p', { 'validate_drp.PA1': 3, 'validate_drp.AM1': 4 })
      )
    )
    expect((partial as SasquatchWriteError).stored).toBe(1)
    expect(
      (partial as SasquatchWriteError).remaining.job.measurements.map(
        (m) => m.metric
      )
    ).toEqual(['validate_drp.PA1'])
  })

  it('spools every job while the proxy is down; the replay after sends each record once', async () => {
    const spool = new Spool(tempDir())
    const jobs = [sampleJob(1), sampleJob(2)]
    const url = proxy.url
    await proxy.stop()
    const down = await dispatchJobs(jobs, {
      stores: [store(url)],
      spool,
      reporter
    })
    expect(down.stores[0]).toMatchObject({ written: 0, spooled: 2 })
    expect(down.stores[0]?.errors[0]).toMatch(/Sasquatch is unreachable/)
    expect(
      (await spool.entries())
        .map((e) => JSON.parse(e.job) as { measurements: unknown[] })
        .map((j) => j.measurements.length)
    ).toEqual([5, 5])
    await proxy.start()
    const replay = await replaySpool(spool, [store()], reporter)
    expect(replay).toMatchObject({ sent: 2, left: 0, errors: [] })
    // The dispatch that follows a replay in the same run sends nothing twice.
    const again = await dispatchJobs(jobs, {
      stores: [store()],
      spool,
      reporter,
      alreadySent: new Set(replay.sentKeys)
    })
    expect(again.stores[0]?.written).toBe(0)
    expect(await replaySpool(spool, [store()], reporter)).toMatchObject({
      sent: 0,
      left: 0
    })
    expect(storedRecords(proxy)).toHaveLength(10)
  })

  it('retries 5xx, 429 (after Retry-After) and reset connections, storing each record once', async () => {
    proxy.fault({ match: 'clusters', kind: 'drop', times: 1 })
    proxy.fault({
      match: 'create-topic',
      kind: 'status',
      status: 503,
      times: 1
    })
    proxy.fault({
      match: 'produce',
      kind: 'ratelimit',
      retryAfter: 7,
      times: 1
    })
    const clock = instantClock()
    const s = new SasquatchStore({
      url: proxy.url,
      namespace: NS,
      token: TOKEN,
      reporter,
      retries: 2,
      clock
    })
    expect(
      await s.write(dispatchJob('f', { 'validate_drp.PA1': 1 }))
    ).toMatchObject({
      written: 1
    })
    expect(clock.slept).toContain(7000)
    expect(proxy.values(`${NS}.PA1`)).toHaveLength(1)
    expect(reporter.text('warning')).toMatch(/Sasquatch .*retrying/)
  })

  it('a refused token is a 401 from the ingress, reported without the token', async () => {
    const r = new RecordingReporter()
    const s = new SasquatchStore({
      url: proxy.url,
      namespace: NS,
      token: 'gt-wrong.token-value',
      reporter: r,
      retries: 0
    })
    const error = await rejection(s.write(dispatchJob('a', { 'x.PA1': 1 })))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).status).toBe(401)
    expect((error as HttpError).describe()).toMatch(
      /Sasquatch answered 401.*401 Authorization Required/s
    )
    r.error((error as HttpError).describe())
    expect(r.text()).not.toContain('gt-wrong.token-value')
  })
})
