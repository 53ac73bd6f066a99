import {
  ConsoleSchedule,
  DEFAULT_POLL_POLICY,
  buildPollDelay,
  queuePollDelay
} from '../../../src/jenkins/poll.js'

const { minMs, maxMs, consoleActiveMs, consoleMaxMs } = DEFAULT_POLL_POLICY

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
  it('keeps pace while output flows and stretches the pause when quiet', () => {
    const s = new ConsoleSchedule()
    const late = 120_000
    expect(s.next(true, late, -1)).toBe(consoleActiveMs)
    const quiet = [1, 2, 3, 4, 5, 6].map(() => s.next(false, late, -1))
    expect(quiet).toEqual([
      3750,
      5625,
      consoleMaxMs,
      consoleMaxMs,
      consoleMaxMs,
      consoleMaxMs
    ])
    expect(s.next(true, late, -1)).toBe(consoleActiveMs)
  })

  it('is quick in the first seconds, and near the estimated end', () => {
    const s = new ConsoleSchedule()
    expect(s.next(false, 0, -1)).toBe(minMs)
    expect(s.next(false, 599_000, 600_000)).toBe(minMs)
  })
})
