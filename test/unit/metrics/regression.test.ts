import fc from 'fast-check'
import {
  DEFAULT_REGRESSION,
  RegressionDetector,
  SortedWindow,
  analyzeSeries,
  worseDirection,
  type RegressionOptions,
  type Verdict,
  type Worse
} from '../../../src/metrics/index.js'
import { DAY, T0, gaussian, prng } from '../../helpers/metrics.js'

function naiveMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const n = s.length
  return n % 2 === 1
    ? (s[(n - 1) / 2] as number)
    : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2
}

const series = (values: number[]): { time: number; value: number }[] =>
  values.map((value, i) => ({ time: T0 + i * DAY, value }))

const verdicts = (
  values: number[],
  worse: 'up' | 'down' | 'both',
  options: RegressionOptions = DEFAULT_REGRESSION,
  acceptances: number[] = []
): Verdict[] =>
  analyzeSeries(series(values), worse, options, acceptances).map(
    (v) => v.verdict
  )

/** Seeded normal noise around `level`. */
function noisy(
  n: number,
  level: number,
  sigma: number,
  seed: number
): number[] {
  const g = gaussian(prng(seed))
  return Array.from({ length: n }, () => level + sigma * g())
}

describe('the sorted window', () => {
  it('gives the same median, MAD and quartiles as sorting everything, window after window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
          minLength: 1,
          maxLength: 80
        }),
        fc.integer({ min: 1, max: 25 }),
        (values, capacity) => {
          const w = new SortedWindow(capacity)
          values.forEach((v, i) => {
            w.push(v)
            const kept = values.slice(Math.max(0, i + 1 - capacity), i + 1)
            const m = naiveMedian(kept)
            expect(w.size).toBe(kept.length)
            expect(w.median()).toBeCloseTo(m, 6)
            expect(w.mad(m)).toBeCloseTo(
              naiveMedian(kept.map((x) => Math.abs(x - m))),
              6
            )
            // (== so that -0 and 0 count as the same minimum)
            expect(w.quantile(0) == Math.min(...kept)).toBe(true)
            expect(w.quantile(1) == Math.max(...kept)).toBe(true)
          })
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('regression detection', () => {
  it('takes the direction from the specification operator', () => {
    expect(worseDirection(['<=', '<'])).toBe('up')
    expect(worseDirection(['>='])).toBe('down')
    expect(worseDirection(['<=', '>='])).toBe('both')
    expect(worseDirection(['=='])).toBe('both')
    expect(worseDirection([])).toBe('both')
  })

  it('never flags noise that stays within the band, whatever its shape (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), {
          minLength: 20,
          maxLength: 400
        }),
        fc.double({ min: 5, max: 1e4, noNaN: true }),
        fc.constantFrom<Worse>('up', 'down', 'both'),
        fc.constantFrom<'mad' | 'iqr'>('mad', 'iqr'),
        (noise, level, worse, statistic) => {
          // Noise within ±1 of the level: the median is too, so a band of
          // half-width ≥ 2 holds every point. min-change sets that floor.
          const values = noise.map((x) => level + x)
          const options = {
            ...DEFAULT_REGRESSION,
            statistic,
            minChange: 2 / (level - 1)
          }
          const v = verdicts(values, worse, options)
          expect(v.filter((x) => x === 'breach' || x === 'regression')).toEqual(
            []
          )
        }
      ),
      { numRuns: 300 }
    )
  })

  it.each(['mad', 'iqr'] as const)(
    'keeps false alarms on Gaussian noise to the 3σ tail, and regressions to almost never (%s, 30 × 3,650 runs)',
    (statistic) => {
      const options = { ...DEFAULT_REGRESSION, statistic }
      let breaches = 0
      let episodes = 0
      const runs = 30 * 3650
      for (let seed = 1; seed <= 30; seed++) {
        const v = analyzeSeries(
          series(noisy(3650, 100, 2, seed)),
          'both',
          options
        )
        breaches += v.filter((x) => x.verdict === 'breach').length
        episodes += v.filter(
          (x) => x.verdict === 'regression' && x.streak === options.consecutive
        ).length
      }
      // 3σ two-sided: 0.27 % of runs breach on their own…
      expect(breaches / runs).toBeGreaterThan(0.0015)
      expect(breaches / runs).toBeLessThan(0.004)
      // …and three on one side in a row is a ~1e-5 event.
      expect(episodes / runs).toBeLessThan(2e-5)
    }
  )

  it.each([1, 2, 3, 5])('flags a step after exactly K = %i runs', (k) => {
    const options = { ...DEFAULT_REGRESSION, consecutive: k }
    const before = noisy(60, 10, 0.1, 7)
    const after = noisy(10, 12, 0.1, 8)
    const v = verdicts([...before, ...after], 'up', options)
    const firstRegression = v.indexOf('regression')
    expect(firstRegression).toBe(60 + k - 1)
    expect(v.slice(60, 60 + k - 1)).toEqual(Array(k - 1).fill('breach'))
    expect(v.slice(0, 60)).not.toContain('regression')
    expect(v.slice(60 + k - 1)).toEqual(Array(10 - k + 1).fill('regression'))
  })

  it('follows the operator: a step the wrong way is an improvement, never a regression', () => {
    const up = [...noisy(40, 10, 0.1, 3), ...noisy(10, 12, 0.1, 4)]
    const down = [...noisy(40, 10, 0.1, 3), ...noisy(10, 8, 0.1, 4)]
    // `<=` specs: up is worse.
    expect(verdicts(up, worseDirection(['<=']))).toContain('regression')
    expect(verdicts(down, worseDirection(['<=']))).not.toContain('regression')
    expect(verdicts(down, worseDirection(['<=']))).toContain('improved')
    // `>=` specs: down is worse.
    expect(verdicts(down, worseDirection(['>=']))).toContain('regression')
    expect(verdicts(up, worseDirection(['>=']))).not.toContain('regression')
    // `==`: both ways.
    expect(verdicts(up, worseDirection(['==']))).toContain('regression')
    expect(verdicts(down, worseDirection(['==']))).toContain('regression')
  })

  it('keeps the breaching runs out of the baseline: a sustained step stays flagged', () => {
    const v = verdicts(
      [...noisy(40, 10, 0.1, 5), ...noisy(200, 12, 0.1, 6)],
      'up'
    )
    expect(v.slice(42)).toEqual(Array(198).fill('regression'))
  })

  it('resets when the step is accepted: the new level becomes the baseline', () => {
    const values = [...noisy(40, 10, 0.1, 9), ...noisy(60, 12, 0.1, 10)]
    const stepAt = T0 + 40 * DAY
    const v = verdicts(values, 'up', DEFAULT_REGRESSION, [stepAt])
    expect(v).not.toContain('regression')
    expect(v).not.toContain('breach')
    // Right after the acceptance there is no baseline yet…
    expect(v.slice(40, 50)).toEqual(Array(10).fill('insufficient'))
    // …and then the new level is normal.
    expect(v.slice(50).every((x) => x === 'ok' || x === 'improved')).toBe(true)
    // A second step after the acceptance is caught again.
    const again = verdicts(
      [...values, ...noisy(5, 14, 0.1, 11)],
      'up',
      DEFAULT_REGRESSION,
      [stepAt]
    )
    expect(again.slice(100)).toEqual([
      'breach',
      'breach',
      'regression',
      'regression',
      'regression'
    ])
  })

  it('gives no verdict before the minimum sample count', () => {
    const options = { ...DEFAULT_REGRESSION, minSamples: 8 }
    const base = [1, 1.1, 0.9, 1, 1.05, 0.95, 1, 1.02]
    const v = verdicts([...base, 50, 50, 50], 'up', options)
    expect(v.slice(0, 8)).toEqual(Array(8).fill('insufficient'))
    expect(v.slice(8)).toEqual(['breach', 'breach', 'regression'])
  })

  it('still sees a change in a quantised metric whose MAD is zero', () => {
    const counts: number[] = [
      ...Array<number>(30).fill(500),
      501,
      ...Array<number>(10).fill(500)
    ]
    // 501 in a sea of 500 is within the mean-absolute-deviation band…
    expect(verdicts(counts, 'down')).not.toContain('regression')
    // …a drop to 480 is not, and a rise to 520 is an improvement.
    expect(verdicts([...counts, 480, 480, 480], 'down').slice(-3)).toEqual([
      'breach',
      'breach',
      'regression'
    ])
    expect(verdicts([...counts, 520, 520], 'down').slice(-2)).toEqual([
      'improved',
      'improved'
    ])
  })

  it('needs breaches on one side: up, down, up is noise, not a regression', () => {
    const base = noisy(40, 10, 0.1, 21)
    const v = verdicts([...base, 12, 8, 12, 8, 12], 'both')
    expect(v.slice(40)).toEqual(Array(5).fill('breach'))
  })

  it('applies the relative floor: changes under min-change never count', () => {
    const flat = [...noisy(30, 100, 0.01, 13), 104, 104, 104, 104]
    expect(
      verdicts(flat, 'up', { ...DEFAULT_REGRESSION, minChange: 0.05 })
    ).not.toContain('breach')
    expect(
      verdicts(flat, 'up', { ...DEFAULT_REGRESSION, minChange: 0.03 })
    ).toContain('regression')
  })

  it('judges without recording (for runs outside the baseline series)', () => {
    const d = new RegressionDetector('up')
    for (const [i, v] of noisy(30, 5, 0.1, 12).entries())
      d.push(T0 + i * DAY, v)
    const band = d.band()
    expect(band?.samples).toBe(30)
    expect(d.judge(9)).toBe('breach')
    expect(d.judge(1)).toBe('improved')
    expect(d.judge(5)).toBe('ok')
    expect(d.band()).toEqual(band)
  })
})
