import {
  ConsoleSchedule,
  DEFAULT_POLL_POLICY,
  buildPollDelay,
  queuePollDelay
} from '../../../src/jenkins/poll.js'

const { minMs, maxMs, consoleActiveMs, consoleQuietAfterMs, consoleMaxMs } =
  DEFAULT_POLL_POLICY

describe('buildPollDelay', () => {
  it('is quick at first and backs off, bounded, without an estimate', () => {
    const delays = [0, 4_000, 40_000, 400_000, 4_000_000].map((e) =>
      buildPollDelay(e, -1)
    )
    expect(delays).toEqual([minMs, 1000, 10_000, maxMs, maxMs])
  })

  it('closes in on the estimated end, then backs off again', () => {
    const estimate = 600_000
    const before = [100_000, 500_000, 580_000, 598_000, 599_900].map((e) =>
      buildPollDelay(e, estimate)
    )
    expect(before).toEqual([25_000, maxMs, 10_000, minMs, minMs])
    const after = [600_500, 610_000, 700_000].map((e) =>
      buildPollDelay(e, estimate)
    )
    expect(after).toEqual([minMs, 2500, 25_000])
  })

  it('never polls a 10-minute build more than ~50 times', () => {
    let elapsed = 0
    let polls = 0
    while (elapsed < 600_000) {
      elapsed += buildPollDelay(elapsed, 600_000)
      polls++
    }
    expect(polls).toBeLessThan(50)
    // … and notices the end within two seconds.
    expect(elapsed - 600_000).toBeLessThanOrEqual(2000)
  })
})

describe('queuePollDelay', () => {
  it('waits out a quiet period it knows about', () => {
    expect(queuePollDelay(100, 4900)).toBe(5000)
  })

  it('backs off while the item waits, up to the maximum', () => {
    expect(queuePollDelay(0, undefined)).toBe(minMs / 2)
    expect(queuePollDelay(20_000, undefined)).toBe(5000)
    expect(queuePollDelay(3_600_000, undefined)).toBe(maxMs)
  })
})

describe('ConsoleSchedule', () => {
  // Well past the start, no estimate: only the console schedule counts.
  const late = 120_000

  /** Polls from `from` on, advancing by each pause; the pauses. */
  function follow(
    s: ConsoleSchedule,
    outputs: boolean[],
    from: number,
    estimate = -1
  ): { delays: number[]; at: number } {
    let at = from
    const delays = outputs.map((got) => {
      const d = s.next(got, at, estimate)
      at += d
      return d
    })
    return { delays, at }
  }

  it('has the documented defaults', () => {
    expect(consoleActiveMs).toBe(3750)
    expect(consoleQuietAfterMs).toBe(30_000)
    expect(consoleMaxMs).toBe(15_000)
  })

  it('polls at the steady period while output flows', () => {
    const s = new ConsoleSchedule()
    const { delays } = follow(s, Array<boolean>(20).fill(true), late)
    expect(delays).toEqual(Array<number>(20).fill(consoleActiveMs))
  })

  it('stays at the steady period through a silence shorter than the threshold', () => {
    const s = new ConsoleSchedule()
    expect(s.next(true, late, -1)).toBe(consoleActiveMs)
    // Quiet polls until just before the threshold: 3750 × 7 = 26 250 ms.
    const { delays, at } = follow(s, Array<boolean>(8).fill(false), late)
    expect(at - late).toBeLessThan(consoleQuietAfterMs + consoleActiveMs)
    expect(delays).toEqual(Array<number>(8).fill(consoleActiveMs))
  })

  it('backs off by half per quiet poll after the threshold, up to the maximum', () => {
    const s = new ConsoleSchedule()
    s.next(true, late, -1)
    // Just before the threshold the pause is still the steady one …
    expect(s.next(false, late + consoleQuietAfterMs - 1, -1)).toBe(
      consoleActiveMs
    )
    // … from it on, it grows: 3750 × 1.5, × 1.5², … capped at 15 s.
    const { delays } = follow(
      s,
      Array<boolean>(6).fill(false),
      late + consoleQuietAfterMs
    )
    expect(delays).toEqual([5625, 8438, 12_656, 15_000, 15_000, 15_000])
  })

  it('counts the silence from the start when no output came yet', () => {
    const s = new ConsoleSchedule()
    expect(s.next(false, consoleQuietAfterMs - 1, -1)).toBe(consoleActiveMs)
    expect(s.next(false, consoleQuietAfterMs, -1)).toBe(5625)
  })

  it('returns to the steady period on output and waits the threshold again', () => {
    const s = new ConsoleSchedule()
    s.next(true, late, -1)
    const quiet = follow(
      s,
      Array<boolean>(4).fill(false),
      late + consoleQuietAfterMs
    )
    expect(quiet.delays.at(-1)).toBe(consoleMaxMs)
    expect(s.next(true, quiet.at, -1)).toBe(consoleActiveMs)
    // The silence is counted anew from that output.
    expect(s.next(false, quiet.at + consoleQuietAfterMs - 1, -1)).toBe(
      consoleActiveMs
    )
    expect(s.next(false, quiet.at + consoleQuietAfterMs, -1)).toBe(5625)
  })

  it('is quick in the first seconds', () => {
    const s = new ConsoleSchedule()
    expect(s.next(true, 0, -1)).toBe(minMs)
    expect(s.next(true, 8000, -1)).toBe(2000)
    expect(s.next(true, 20_000, -1)).toBe(consoleActiveMs)
  })

  it('closes in near the estimated end, never below the minimum', () => {
    const estimate = 600_000
    const s = new ConsoleSchedule()
    expect(s.next(true, 500_000, estimate)).toBe(consoleActiveMs)
    expect(s.next(true, 596_000, estimate)).toBe(2000)
    expect(s.next(true, 599_000, estimate)).toBe(minMs)
    // Even while backed off, and once overdue.
    const quiet = new ConsoleSchedule()
    expect(quiet.next(false, 590_000, estimate)).toBe(5000)
    expect(quiet.next(false, 599_900, estimate)).toBe(minMs)
    expect(quiet.next(false, 604_000, estimate)).toBe(minMs)
  })

  it('follows a custom policy', () => {
    const s = new ConsoleSchedule({
      ...DEFAULT_POLL_POLICY,
      consoleActiveMs: 2000,
      consoleQuietAfterMs: 4000,
      consoleMaxMs: 5000
    })
    const { delays } = follow(
      s,
      [true, false, false, false, false, false, true, false],
      late
    )
    expect(delays).toEqual([2000, 2000, 3000, 4500, 5000, 5000, 2000, 2000])
  })

  it('with no quiet threshold, backs off after every quiet poll', () => {
    const s = new ConsoleSchedule({
      ...DEFAULT_POLL_POLICY,
      consoleActiveMs: 2500,
      consoleQuietAfterMs: 0,
      consoleMaxMs: 8000
    })
    const { delays } = follow(s, [true, false, false, false, false, true], late)
    expect(delays).toEqual([2500, 3750, 5625, 8000, 8000, 2500])
  })
})
