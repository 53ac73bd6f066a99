import { RecordingReporter, StoreError } from '../../../src/core/index.js'
import {
  Spool,
  SquashStore,
  dispatchJobs,
  prepareJob,
  replaySpool
} from '../../../src/metrics/index.js'
import { parseJob } from '../../../src/verify/index.js'
import { SquashEmulator } from '../../emulators/squash/server.js'
import { dispatchJob, tempDir } from '../../helpers/metrics.js'
import { rejection } from '../../helpers/thrown.js'

const JOB_ACCEPT = 'application/json; version=1.0'

describe('the SQuaSH emulator (squash-api as dispatch_verify meets it)', () => {
  let squash: SquashEmulator
  beforeEach(async () => {
    squash = new SquashEmulator({ metrics: ['validate_drp.PA1'] })
    await squash.start()
  })
  afterEach(async () => {
    await squash.stop()
  })

  const post = async (
    path: string,
    body: unknown,
    token?: string
  ): Promise<Response> =>
    fetch(`${squash.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: JOB_ACCEPT,
        ...(token === undefined ? {} : { authorization: token })
      },
      body: JSON.stringify(body)
    })

  it('lists its endpoints as absolute URLs and trades credentials for a JWT', async () => {
    const root = (await (await fetch(squash.url)).json()) as Record<
      string,
      string
    >
    expect(root.auth).toBe(`${squash.url}/auth`)
    expect(root.job).toBe(`${squash.url}/job`)
    const bad = await post('/auth', { username: 'ci', password: 'wrong' })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({
      description: 'Invalid credentials',
      error: 'Bad Request',
      status_code: 401
    })
    const good = (await (
      await post('/auth', { username: 'ci', password: 'secret' })
    ).json()) as { access_token: string }
    expect(good.access_token.split('.')).toHaveLength(3)
  })

  it('guards /job like Flask-JWT: JWT prefix, valid signature, not expired', async () => {
    const body = { measurements: [], blobs: [], meta: { packages: {} } }
    expect((await post('/job', body)).status).toBe(401)
    const token = squash.token('ci')
    const bearer = await post('/job', body, `Bearer ${token}`)
    expect(bearer.status).toBe(401)
    expect(((await bearer.json()) as { description: string }).description).toBe(
      'Unsupported authorization type'
    )
    expect((await post('/job', body, `JWT ${token}x`)).status).toBe(401)
    const expired = await post('/job', body, `JWT ${squash.token('ci', -1000)}`)
    expect(
      ((await expired.json()) as { description: string }).description
    ).toBe('Signature has expired')
    expect((await post('/job', body, `JWT ${token}`)).status).toBe(202)
  })

  it('answers 400 without meta.packages, 500 for an unknown metric, 202 otherwise', async () => {
    const token = `JWT ${squash.token('ci')}`
    const noPackages = await post(
      '/job',
      { measurements: [], blobs: [], meta: {} },
      token
    )
    expect(noPackages.status).toBe(400)
    expect(await noPackages.json()).toEqual({
      message: 'Missing packages metadata.'
    })
    const noEnvName = await post(
      '/job',
      { measurements: [], blobs: [], meta: { packages: {}, env: {} } },
      token
    )
    expect(noEnvName.status).toBe(400)
    const unknown = await post(
      '/job',
      {
        measurements: [{ metric: 'x.y', value: 1 }],
        blobs: [],
        meta: { packages: {} }
      },
      token
    )
    expect(unknown.status).toBe(500)
    expect(await unknown.text()).toContain('Internal Server Error')
    const ok = await post(
      '/job',
      {
        measurements: [{ metric: 'validate_drp.PA1', value: 1 }],
        blobs: [],
        meta: {
          packages: { afw: { git_sha: 'a' } },
          env: { env_name: 'jenkins', ci_dataset: 'cfht' }
        }
      },
      token
    )
    expect(ok.status).toBe(202)
    expect(await ok.json()).toEqual({
      message: 'Request for creating Job `1` received',
      status: `${squash.url}/status/task-1`
    })
    const job = (await (await fetch(`${squash.url}/job/1`)).json()) as Record<
      string,
      unknown
    >
    expect(job).toMatchObject({
      id: 1,
      ci_dataset: 'cfht',
      meta: {
        packages: [{ name: 'afw', git_sha: 'a' }],
        env: { env_name: 'jenkins' }
      }
    })
    expect((await fetch(`${squash.url}/job/2`)).status).toBe(404)
    expect(
      (await post('/metrics', { metrics: [{ name: 'x.y' }] }, token)).status
    ).toBe(201)
    expect(await (await fetch(`${squash.url}/metrics`)).json()).toEqual({
      metrics: ['validate_drp.PA1', 'x.y']
    })
  })
})

describe('the SQuaSH store', () => {
  let squash: SquashEmulator
  const reporter = new RecordingReporter()
  beforeEach(async () => {
    squash = new SquashEmulator({
      users: { ci: 's3cret-pass' },
      metrics: ['validate_drp.PA1', 'validate_drp.AM1']
    })
    await squash.start()
  })
  afterEach(async () => {
    await squash.stop()
  })
  const store = (
    over: Partial<ConstructorParameters<typeof SquashStore>[0]> = {}
  ): SquashStore =>
    new SquashStore({
      url: squash.url,
      user: 'ci',
      password: 's3cret-pass',
      reporter,
      retries: 2,
      minDelayMs: 10,
      ...over
    })

  it('follows dispatch_verify: root, /auth, /job with JWT, {measurements, blobs, meta} and meta.packages', async () => {
    const raw = parseJob(
      JSON.stringify({
        measurements: [
          {
            metric: 'validate_drp.PA1',
            identifier: 'i1',
            value: 6.1,
            unit: 'mmag',
            blob_refs: []
          }
        ],
        blobs: [],
        metrics: [{ name: 'validate_drp.PA1', unit: 'mmag' }],
        specs: [{ name: 'validate_drp.PA1.design' }],
        meta: { instrument: 'CFHT' }
      }),
      'cfht.verify.json'
    )
    const d = prepareJob(raw, 'cfht.verify.json', undefined, {
      env: {
        BUILD_ID: '7',
        BUILD_URL: 'https://ci.example.org/job/x/7/',
        dataset: 'validation_data_cfht'
      }
    })
    const s = store()
    expect(await s.write(d)).toEqual({
      written: 1,
      skipped: 0,
      detail: 'Request for creating Job `1` received'
    })
    expect(await s.write(d)).toMatchObject({ written: 1 })
    // Discovery once, login once, two uploads.
    expect(squash.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /',
      'POST /auth',
      'POST /job',
      'POST /job'
    ])
    const upload = squash.received('create-job')[0]!
    expect(upload.headers.authorization).toMatch(/^JWT [\w-]+\.[\w-]+\.[\w-]+$/)
    expect(upload.headers.accept).toBe(JOB_ACCEPT)
    const body = JSON.parse(upload.body) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['blobs', 'measurements', 'meta'])
    expect(body.meta).toMatchObject({
      packages: {},
      instrument: 'CFHT',
      env: {
        env_name: 'jenkins',
        ci_id: '7',
        ci_dataset: 'validation_data_cfht',
        ci_url: 'https://ci.example.org/job/x/7/'
      },
      stackci_job_id: d.id
    })
    expect(squash.jobs[0]?.ci_dataset).toBe('validation_data_cfht')
  })

  it('logs in again once when the token has expired', async () => {
    const s = store()
    await s.write(dispatchJob('a', { 'validate_drp.PA1': 1 }))
    // The server rotates its secret: every old token is now invalid.
    const expired = squash.fault({
      match: 'create-job',
      kind: 'status',
      status: 401,
      body: {
        description: 'Signature has expired',
        error: 'Invalid token',
        status_code: 401
      },
      times: 1
    })
    await s.write(dispatchJob('b', { 'validate_drp.PA1': 2 }))
    expired()
    expect(squash.received('auth')).toHaveLength(2)
    expect(squash.jobs).toHaveLength(2)
  })

  it('says clearly when the credentials are refused, and never shows the password', async () => {
    const r = new RecordingReporter()
    const s = new SquashStore({
      url: squash.url,
      user: 'ci',
      password: 'wrong-pass',
      reporter: r,
      retries: 0
    })
    const error = await rejection(
      s.write(dispatchJob('a', { 'validate_drp.PA1': 1 }))
    )
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).describe()).toMatch(
      /SQuaSH refused the credentials of user "ci"[\s\S]*SQUASH_PASSWORD/
    )
    r.error((error as StoreError).describe())
    expect(r.text()).not.toContain('wrong-pass')
  })

  it('500 → retried → spooled → replayed once the server is fixed, stored once', async () => {
    const spool = new Spool(tempDir())
    const jobs = [
      dispatchJob('a', { 'validate_drp.PA1': 1 }),
      dispatchJob('b', { 'validate_drp.PA1': 2 })
    ]
    // The server is broken for the first three uploads (the first job's 1 + 2 retries).
    squash.fault({
      match: 'create-job',
      kind: 'status',
      status: 500,
      body: 'Internal Server Error',
      times: 3
    })
    const r = await dispatchJobs(jobs, { stores: [store()], spool, reporter })
    expect(r.stores[0]).toMatchObject({ written: 0, spooled: 2 })
    expect(squash.received('create-job').map((q) => q.status)).toEqual([
      500, 500, 500
    ])
    expect(squash.jobs).toEqual([])
    const left = await spool.entries()
    expect(left.map((e) => [e.jobId, e.store.type, e.attempts])).toEqual([
      ['a', 'squash', 1],
      ['b', 'squash', 1]
    ])
    expect(left[0]?.lastError).toMatch(/SQuaSH answered 500/)
    const replay = await replaySpool(spool, [store()], reporter)
    expect(replay).toMatchObject({ sent: 2, left: 0, errors: [] })
    expect(squash.jobs.map((j) => j.measurements[0]?.identifier)).toEqual([
      'a-0',
      'b-0'
    ])
    expect(await replaySpool(spool, [store()], reporter)).toEqual({
      sent: 0,
      sentKeys: [],
      left: 0,
      errors: []
    })
    expect(squash.jobs).toHaveLength(2)
  })

  it('keeps a job the server cannot take (unknown metric) in the spool, with the reason', async () => {
    const spool = new Spool(tempDir())
    const r = await dispatchJobs([dispatchJob('u', { 'nope.metric': 1 })], {
      stores: [store({ retries: 1 })],
      spool,
      reporter
    })
    expect(r.spooled).toBe(1)
    const again = await replaySpool(spool, [store({ retries: 0 })], reporter)
    expect(again.left).toBe(1)
    expect(again.errors[0]).toMatch(
      /SQuaSH answered 500 INTERNAL SERVER ERROR: 500 Internal Server Error\n/i
    )
    expect(again.errors[0]).toMatch(/unknown metric|POST \/metrics/)
  })

  it('retries a dropped connection', async () => {
    squash.fault({ match: 'create-job', kind: 'drop', times: 1 })
    await store().write(dispatchJob('a', { 'validate_drp.PA1': 1 }))
    expect(squash.jobs).toHaveLength(1)
    expect(reporter.text('warning')).toMatch(
      /SQuaSH upload of job a .*failed.*retrying/
    )
  })
})
