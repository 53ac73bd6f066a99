import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BridgeMetrics,
  BridgeStore,
  DeliveryStore,
  authenticate,
  safeEqual,
  checkCredentials,
  signBody,
  signatureHeaders,
  verifySignature
} from '../../../src/bridge/index.js'
import { TokenBucket } from '../../../src/bridge/token-bucket.js'

function open(): BridgeStore {
  return BridgeStore.open(
    join(mkdtempSync(join(tmpdir(), 'stackci-store-')), 'bridge.db'),
    'full'
  )
}

const event = (
  key: string,
  at = 1000
): Parameters<BridgeStore['insertEvents']>[0][number] => ({
  key,
  job: 'a',
  number: 1,
  phase: 'STARTED',
  payload: '{}',
  receivedAt: at
})

describe('the bridge store', () => {
  it('stores an event once: a second delivery is a duplicate', async () => {
    const store = open()
    expect(
      store.insertEvents([
        event('a#1:started'),
        event('a#1:final'),
        event('a#1:started')
      ])
    ).toEqual([
      { id: 1, duplicate: false },
      { id: 2, duplicate: false },
      { id: undefined, duplicate: true }
    ])
    await store.durable()
    expect(store.pendingEvents(10).map((e) => e.key)).toEqual([
      'a#1:started',
      'a#1:final'
    ])
    store.markEvent(1, 'applied', 2000)
    expect(store.stats(5000)).toEqual({
      pendingEvents: 1,
      pendingDeliveries: 0,
      oldestPendingMs: 4000
    })
    store.close()
    expect(store.isOpen()).toBe(false)
  })

  it('coalesces wanted versions and keeps a delivery’s place in the queue', () => {
    const store = open()
    const d = new DeliveryStore(store)
    const t = {
      buildKey: 'a#1',
      relay: 'slack' as const,
      dest: '#b',
      kind: 'parent',
      payload: {}
    }
    d.want({ ...t, want: 1 }, 100, 90)
    d.want({ ...t, want: 2 }, 200, 190)
    d.want({ ...t, want: 3 }, 300, 290)
    const first = d.nextDirty('slack', '#b', 1000)
    expect([
      first?.want,
      first?.sent,
      first?.dirtySince,
      first?.firstEventAt
    ]).toEqual([3, 0, 100, 90])
    // Sent version 2 while 3 was wanted: still dirty, now since the send.
    d.markSent(first?.id ?? 0, 2, 'ts-1', 400)
    const again = d.nextDirty('slack', '#b', 1000)
    expect([again?.sent, again?.ref, again?.dirtySince]).toEqual([
      2,
      'ts-1',
      400
    ])
    d.markSent(first?.id ?? 0, 3, undefined, 500)
    expect(d.nextDirty('slack', '#b', 1000)).toBeUndefined()
    expect(d.dirtyLanes('slack')).toEqual([])
    // A retry scheduled later hides the delivery until then.
    d.want({ ...t, want: 4 }, 600, 600)
    d.markRetry(first?.id ?? 0, 1, 2000, 'HTTP 503', 600)
    expect(d.nextDirty('slack', '#b', 1000)).toBeUndefined()
    expect(d.dirtyLanes('slack')).toEqual([{ dest: '#b', nextAt: 2000 }])
    expect(d.nextDirty('slack', '#b', 2000)?.attempts).toBe(1)
    d.markFailed(first?.id ?? 0, 'gave up', 2100)
    expect(d.find('a#1', 'slack', '#b', 'parent')?.state).toBe('failed')
    store.close()
  })

  it('refuses a store written by a newer version', () => {
    const store = open()
    store.db.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema'`).run()
    const path = store.path
    store.close()
    expect(() => BridgeStore.open(path)).toThrow(
      /written by a newer jenkins-bridge \(schema 99\)/
    )
  })
})

describe('signatures', () => {
  const body = Buffer.from('{"job":"a","number":1,"phase":"STARTED"}')
  const secret = 'a-secret-0123456789'
  const now = Date.UTC(2026, 0, 1, 12)
  const ts = String(now / 1000)

  it('verify sha256= HMACs of "<timestamp>.<raw bytes>"', () => {
    const sig = signBody(secret, body, now / 1000)
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/)
    expect(verifySignature(secret, body, sig, ts)).toBe(true)
    expect(
      verifySignature(secret, Buffer.from(`${body.toString()} `), sig, ts)
    ).toBe(false)
    // The timestamp is signed: moving it breaks the signature.
    expect(verifySignature(secret, body, sig, String(now / 1000 + 1))).toBe(
      false
    )
    expect(verifySignature('other', body, sig, ts)).toBe(false)
    expect(
      verifySignature(secret, body, sig.replace('sha256=', 'sha1='), ts)
    ).toBe(false)
    expect(verifySignature(secret, body, 'sha256=00', ts)).toBe(false)
  })

  it('refuse a signature without a fresh timestamp before the body is read', () => {
    const headers = signatureHeaders(secret, body, now)
    const at = (ms: number): ReturnType<typeof checkCredentials> =>
      checkCredentials({ url: '/jenkins', headers }, { secret }, ms)
    // Plausible: the body must still be verified.
    const c = at(now + 4 * 60_000)
    expect(c.ok).toBe('body')
    expect(c.ok === 'body' && c.verify(body)).toEqual({
      ok: true,
      method: 'signature'
    })
    // Replayed six minutes later: refused on the headers alone.
    expect(at(now + 6 * 60_000)).toEqual({
      ok: false,
      reason:
        "x-stackci-timestamp is 360 s away from the bridge's clock (at most 300 s): a replay, or a clock to fix"
    })
    const untimed = checkCredentials(
      {
        url: '/jenkins',
        headers: {
          'x-stackci-signature-256': headers['x-stackci-signature-256']
        }
      },
      { secret },
      now
    )
    expect(untimed.ok).toBe(false)
  })

  it('fall back to a URL token only when one is configured', () => {
    const req = (
      url: string,
      headers: Record<string, string> = {}
    ): Parameters<typeof authenticate>[0] => ({ url, headers, body })
    expect(
      authenticate(req('/jenkins?token=t0k3n-0123456789'), {
        urlToken: 't0k3n-0123456789'
      })
    ).toEqual({ ok: true, method: 'token' })
    expect(
      authenticate(req('/jenkins?token=t0k3n-0123456789'), { secret })
    ).toEqual({
      ok: false,
      reason:
        'URL tokens are not accepted here (BRIDGE_URL_TOKEN is not set); sign the body'
    })
    // A wrong signature fails even with a good token.
    expect(
      authenticate(
        req('/jenkins?token=t0k3n-0123456789', {
          ...signatureHeaders('nope-0123456789abcdef', body)
        }),
        { secret, urlToken: 't0k3n-0123456789' }
      ).ok
    ).toBe(false)
    expect(safeEqual('a', 'a')).toBe(true)
    expect(safeEqual('a', 'ab')).toBe(false)
  })
})

describe('metrics and budgets', () => {
  it('render Prometheus text with labels, histograms and queue gauges', () => {
    const m = new BridgeMetrics()
    m.accepted.inc()
    m.relayed.inc({ relay: 'slack' }, 2)
    m.relayLatency.observe(0.3, { relay: 'slack' })
    const text = m.render({
      pendingEvents: 3,
      pendingDeliveries: 4,
      oldestPendingMs: 1500
    })
    for (const line of [
      'jenkins_bridge_events_accepted_total 1',
      'jenkins_bridge_relayed_total{relay="slack"} 2',
      'jenkins_bridge_relay_latency_seconds_bucket{relay="slack",le="0.1"} 0',
      'jenkins_bridge_relay_latency_seconds_bucket{relay="slack",le="0.5"} 1',
      'jenkins_bridge_relay_latency_seconds_bucket{relay="slack",le="+Inf"} 1',
      'jenkins_bridge_relay_latency_seconds_count{relay="slack"} 1',
      'jenkins_bridge_queue_depth{queue="events"} 3',
      'jenkins_bridge_queue_depth{queue="deliveries"} 4',
      'jenkins_bridge_oldest_pending_seconds 1.5'
    ])
      expect(text.split('\n')).toContain(line)
  })

  it('refill a token bucket at its rate', () => {
    let now = 0
    const b = new TokenBucket(60, 2, () => now)
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false])
    expect(b.waitMs()).toBe(1000)
    now = 1000
    expect(b.take()).toBe(true)
  })
})
