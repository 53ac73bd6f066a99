import Database from 'better-sqlite3'
import { request } from 'node:http'
import { join } from 'node:path'
import {
  SECRET,
  URL_TOKEN,
  notification,
  post,
  startBridge,
  type Harness
} from '../../helpers/bridge.js'
import { signatureHeaders } from '../../../src/bridge/index.js'

const ROUTES = `
version: 1
routes:
  - jobs: '**'
    channel: '#builds'
`

function storedEvents(h: Harness): number {
  const db = new Database(join(h.dir, 'bridge.db'), { readonly: true })
  try {
    return (
      db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }
    ).n
  } finally {
    db.close()
  }
}

/** A raw request (fetch cannot send a lying or missing Content-Length). */
async function raw(
  url: string,
  headers: Record<string, string>,
  chunks: Buffer[]
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body })
      })
    })
    req.on('error', reject)
    for (const c of chunks) req.write(c)
    req.end()
  })
}

/**
 * Acceptance 4: wrong signature 401, oversize 413, wrong content type 415,
 * malformed JSON 400, unknown fields ignored — and nothing refused reaches
 * the store. Also the service routes: /healthz, /readyz, /metrics, 404.
 */
describe('the bridge intake', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startBridge({ routes: ROUTES, env: { BRIDGE_MAX_BODY: '4k' } })
  })
  afterAll(async () => {
    await h.stop()
  })

  it('refuses bad input with the right status and stores none of it', async () => {
    const url = `${h.url}/jenkins`
    const good = notification('team/app', 1, 'STARTED')
    const text = JSON.stringify(good)
    // Authentication, on the raw bytes.
    expect(
      (await post(url, good, { secret: 'another-secret-0123456789' })).status
    ).toBe(401)
    expect((await post(url, good, { sign: false })).status).toBe(401)
    expect(
      (await post(`${url}?token=wrong-token-0123456789`, good, { sign: false }))
        .status
    ).toBe(401)
    const tampered = await post(url, text.replace('STARTED', 'QUEUED'), {
      headers: signatureHeaders(SECRET, text)
    })
    expect(tampered).toEqual({
      status: 401,
      json: { error: 'the signature does not match the body' }
    })
    // Size: declared, and streamed without a length (with a credential:
    // without one, the body is never read).
    const big = Buffer.alloc(5000, 'x')
    const tokenUrl = `${url}?token=${URL_TOKEN}`
    expect(
      (
        await raw(
          url,
          {
            'content-type': 'application/json',
            'content-length': String(big.length)
          },
          [big]
        )
      ).status
    ).toBe(413)
    expect(
      (
        await raw(tokenUrl, { 'content-type': 'application/json' }, [
          big,
          big,
          big
        ])
      ).status
    ).toBe(413)
    // Content type, before the body is even read.
    const plain = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: text
    })
    expect(plain.status).toBe(415)
    expect(
      (
        await post(url, text, {
          headers: { 'content-type': 'application/json; charset=latin1' }
        })
      ).status
    ).toBe(415)
    // Parse and shape.
    const malformed = await post(url, '{"build": {"phase": ')
    expect(malformed.status).toBe(400)
    expect(malformed.json.error).toMatch(/^malformed JSON: /)
    const wrong = await post(url, { job: 'a', number: 'one', phase: 'DONE' })
    expect(wrong).toEqual({
      status: 400,
      json: {
        error: 'the event has 2 problems',
        problems: [
          'number: must be an integer, got "one"',
          'phase: must be one of QUEUED, STARTED, STAGE, COMPLETED, FINALIZED, got "DONE"'
        ]
      }
    })
    expect(storedEvents(h)).toBe(0)
    expect(h.server.metrics.rejected.get({ status: '401' })).toBe(4)
    expect(h.server.metrics.rejected.get({ status: '413' })).toBe(2)
    expect(h.server.metrics.rejected.get({ status: '415' })).toBe(2)
    expect(h.server.metrics.rejected.get({ status: '400' })).toBe(2)
  })

  it('accepts a signed event with unknown fields, and a URL token (the plugin cannot sign)', async () => {
    const url = `${h.url}/jenkins`
    const withExtras = notification('team/app', 2, 'STARTED', {
      extra: { brand_new_field: { x: 1 } }
    })
    const r = await post(url, { ...withExtras, another: [1, 2, 3] })
    expect(r).toEqual({
      status: 202,
      json: {
        accepted: true,
        duplicate: false,
        key: 'team/app#2:started',
        id: 1
      }
    })
    const tokenUrl = `${url}?token=${URL_TOKEN}`
    expect(
      (
        await post(tokenUrl, notification('team/app', 3, 'STARTED'), {
          sign: false
        })
      ).status
    ).toBe(202)
    // Basic userinfo (http://jenkins:token@bridge/jenkins) carries the token too.
    const basic = `Basic ${Buffer.from(`jenkins:${URL_TOKEN}`).toString('base64')}`
    expect(
      (
        await post(url, notification('team/app', 4, 'STARTED'), {
          sign: false,
          headers: { authorization: basic }
        })
      ).status
    ).toBe(202)
    // The pipeline's compact form, with BUILD_NUMBER as a string.
    const compact = await post(url, {
      job: 'team/app',
      number: '5',
      phase: 'STAGE',
      stage: 'Build',
      whatever: true
    })
    expect(compact.json).toEqual(
      expect.objectContaining({ key: 'team/app#5:stage:Build' })
    )
    expect(storedEvents(h)).toBe(4)
    // The token never reaches a log line.
    expect(h.log.lines.join('\n')).not.toContain(URL_TOKEN)
  })

  it('answers /healthz, /readyz, /metrics, 404 and 405', async () => {
    expect(await (await fetch(`${h.url}/healthz`)).json()).toEqual({
      status: 'ok'
    })
    const ready = await fetch(`${h.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      ready: true,
      store: 'open',
      draining: false,
      queue: {
        events: expect.any(Number) as unknown,
        deliveries: expect.any(Number) as unknown
      },
      oldest_pending_seconds: expect.any(Number) as unknown
    })
    const metrics = await fetch(`${h.url}/metrics`)
    expect(metrics.headers.get('content-type')).toBe(
      'text/plain; version=0.0.4; charset=utf-8'
    )
    const text = await metrics.text()
    for (const name of [
      'jenkins_bridge_events_accepted_total 4',
      'jenkins_bridge_events_duplicate_total 0',
      'jenkins_bridge_events_rejected_total{status="401"} 4',
      '# TYPE jenkins_bridge_relay_latency_seconds histogram',
      '# TYPE jenkins_bridge_queue_depth gauge',
      'jenkins_bridge_queue_depth{queue="events"}',
      'jenkins_bridge_oldest_pending_seconds'
    ])
      expect(text).toContain(name)
    expect((await fetch(`${h.url}/nope`)).status).toBe(404)
    const get = await fetch(`${h.url}/jenkins`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })
})
