/**
 * An open-loop HTTP load generator on loopback: requests leave at a fixed
 * rate whatever the answers do (a slow server does not slow the sender),
 * after a warm-up that is not measured. BENCH_SLOW=1 prints, per second of
 * the run, how many answers took over 100 ms (to tell a stall from a trend).
 */

import { Agent, request } from 'node:http'

export interface LoadResult {
  /** 2xx answers to the requests sent in the measured window. */
  ok: number
  p50: number
  p99: number
  errors: Record<string, number>
  /** The measured window (epoch ms), after the warm-up. */
  start: number
  end: number
}

/**
 * Sends `rate` events/s for `warmup` + `seconds` s; only requests sent after
 * the warm-up are measured. Latency is send → last byte of the answer.
 */
export async function load(
  port: number,
  rate: number,
  warmup: number,
  seconds: number,
  /** The authentication headers for a body (signature and timestamp). */
  sign: (body: string) => Record<string, string>,
  next: () => string
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  const latencies: number[] = []
  const slowBySecond = new Map<number, number>()
  const errors: Record<string, number> = {}
  let ok = 0
  let done = 0
  const t0 = performance.now()
  const measureFrom = t0 + warmup * 1000
  const send = (): void => {
    const body = next()
    const started = performance.now()
    const measured = started >= measureFrom
    const fail = (key: string): void => {
      done++
      if (measured) errors[key] = (errors[key] ?? 0) + 1
    }
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/jenkins',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          ...sign(body),
          'content-length': Buffer.byteLength(body)
        }
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          const took = performance.now() - started
          if (res.statusCode !== 200 && res.statusCode !== 202) {
            fail(`HTTP ${res.statusCode ?? 0}`)
            return
          }
          done++
          if (!measured) return
          ok++
          latencies.push(took)
          if (took > 100) {
            const k = Math.floor((started - t0) / 1000)
            slowBySecond.set(k, (slowBySecond.get(k) ?? 0) + 1)
          }
        })
      }
    )
    req.on('error', (e: NodeJS.ErrnoException) => {
      fail(e.code ?? e.message)
    })
    req.end(body)
  }
  const total = rate * (warmup + seconds)
  let sent = 0
  let start = 0
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      if (start === 0 && performance.now() >= measureFrom) start = Date.now()
      const due = Math.min(
        total,
        Math.floor(((performance.now() - t0) / 1000) * rate)
      )
      for (; sent < due; sent++) send()
      if (sent >= total) {
        clearInterval(tick)
        resolve()
      }
    }, 2)
  })
  const end = Date.now()
  // The answers still on their way (up to 30 s).
  for (let i = 0; i < 600 && done < total; i++)
    await new Promise((r) => setTimeout(r, 50))
  agent.destroy()
  if (process.env.BENCH_SLOW !== undefined)
    console.error(
      `answers over 100 ms, by second sent: ${JSON.stringify(Object.fromEntries(slowBySecond))}`
    )
  const sorted = latencies.sort((a, b) => a - b)
  const at = (p: number): number =>
    sorted[
      Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
    ] ?? NaN
  return { ok, p50: at(50), p99: at(99), errors, start, end }
}

