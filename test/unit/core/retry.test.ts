import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  defaultShouldRetry,
  describeRetry,
  formatMs,
  HttpError,
  parseRetryAfter,
  retry,
  TimeoutError,
  withTimeout,
  type Clock,
  type RetryInfo
} from '../../../src/core/index.js'

/** A clock that records sleeps instead of waiting. */
function fakeClock(): Clock & { slept: number[] } {
  const slept: number[] = []
  return {
    slept,
    now: () => 0,
    sleep: async (ms) => {
      slept.push(ms)
      return Promise.resolve()
    }
  }
}

function httpError(status: number, retryAfterMs?: number): HttpError {
  const e = new HttpError(`HTTP ${status}`, { status })
  if (retryAfterMs !== undefined) Object.assign(e, { retryAfterMs })
  return e
}

describe('retry', () => {
  it('retries transient faults with growing delays, then succeeds', async () => {
    const clock = fakeClock()
    const seen: RetryInfo[] = []
    let calls = 0
    const result = await retry(
      async () => {
        calls++
        if (calls === 1) throw httpError(503)
        if (calls === 2)
          throw Object.assign(new Error('socket hang up'), {
            code: 'ECONNRESET'
          })
        if (calls === 3)
          throw new Error('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } })
        return Promise.resolve('ok')
      },
      { clock, random: () => 0.5, onRetry: (i) => seen.push(i) }
    )
    expect(result).toBe('ok')
    expect(calls).toBe(4)
    expect(clock.slept).toEqual([375, 750, 1500])
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3])
  })

  it('waits exactly what a 429 asks for', async () => {
    const clock = fakeClock()
    let calls = 0
    await retry(
      async () => {
        if (++calls === 1) throw httpError(429, 7000)
        return Promise.resolve()
      },
      { clock }
    )
    expect(clock.slept).toEqual([7000])
  })

  it.each([400, 401, 403, 404, 409, 422, 500])(
    'never retries HTTP %d',
    async (status) => {
      const clock = fakeClock()
      let calls = 0
      await expect(
        retry(
          async () => {
            calls++
            return Promise.reject(httpError(status))
          },
          { clock }
        )
      ).rejects.toThrow(`HTTP ${status}`)
      expect(calls).toBe(1)
      expect(clock.slept).toEqual([])
    }
  )

  it('gives up after the last retry with the last error, unchanged', async () => {
    const clock = fakeClock()
    let calls = 0
    const last = httpError(502)
    await expect(
      retry(
        async () => {
          calls++
          return Promise.reject(calls === 3 ? last : httpError(503))
        },
        { clock, retries: 2 }
      )
    ).rejects.toBe(last)
    expect(calls).toBe(3)
  })

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController()
    let calls = 0
    await expect(
      retry(
        async () => {
          calls++
          controller.abort()
          return Promise.reject(httpError(503))
        },
        { signal: controller.signal, clock: fakeClock() }
      )
    ).rejects.toThrow('HTTP 503')
    expect(calls).toBe(1)
  })

  it('keeps jittered delays inside [delay × (1 − jitter), delay], capped', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const exact = Math.min(
        DEFAULT_RETRY_POLICY.maxDelayMs,
        500 * 2 ** (attempt - 1)
      )
      expect(backoffDelay(attempt, DEFAULT_RETRY_POLICY, () => 0)).toBe(
        Math.round(exact / 2)
      )
      expect(backoffDelay(attempt, DEFAULT_RETRY_POLICY, () => 1)).toBe(exact)
    }
  })

  it('classifies faults', () => {
    expect(defaultShouldRetry(new TimeoutError('t'))).toBe(true)
    expect(
      defaultShouldRetry(Object.assign(new Error('x'), { code: 'EPIPE' }))
    ).toBe(true)
    expect(
      defaultShouldRetry(Object.assign(new Error('x'), { code: 'ENOENT' }))
    ).toBe(false)
    expect(defaultShouldRetry(new Error('plain'))).toBe(false)
  })
})

describe('timeouts and Retry-After', () => {
  it('rejects with a TimeoutError naming the operation, and aborts the work', async () => {
    let aborted = false
    const started = Date.now()
    await expect(
      withTimeout(
        async (signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              aborted = true
              reject(new Error('aborted'))
            })
          }),
        50,
        'GET https://ci/api/json'
      )
    ).rejects.toThrow('GET https://ci/api/json timed out after 50ms')
    expect(aborted).toBe(true)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('passes results and other errors through', async () => {
    await expect(
      withTimeout(async () => Promise.resolve(3), 1000, 'x')
    ).resolves.toBe(3)
    await expect(
      withTimeout(async () => Promise.reject(new Error('own')), 1000, 'x')
    ).rejects.toThrow('own')
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('30')).toBe(30_000)
    expect(
      parseRetryAfter(
        'Wed, 21 Oct 2015 07:28:30 GMT',
        Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
      )
    ).toBe(30_000)
    expect(parseRetryAfter('garbage')).toBeUndefined()
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('')).toBeUndefined()
  })

  it('formats durations for people', () => {
    expect(
      [0, 999, 1500, 59_000, 90_000, 3_600_000, 5_405_000].map(formatMs)
    ).toEqual(['0ms', '999ms', '1.5s', '59s', '1m30s', '1h', '1h30m5s'])
    expect(
      describeRetry('GET x', {
        error: new Error('503'),
        attempt: 2,
        delayMs: 1500
      })
    ).toBe('GET x failed (attempt 2): 503; retrying in 1.5s')
  })
})
