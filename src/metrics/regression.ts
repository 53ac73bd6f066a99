/**
 * Regression detection on a history series, with robust statistics.
 *
 * The baseline is the last `window` normal points: its median, and a spread
 * from the MAD (×1.4826) or the IQR (÷1.349), both σ-equivalent for normal
 * noise. A point worse than `median ± max(f·spread, minChange·|median|)` —
 * worse as the specification's operator says (`<=` → up is worse) — is a
 * breach, where f widens `sigma` into a prediction interval for the
 * baseline's size (see {@link predictionFactor}). `consecutive` breaches in
 * a row, on the same side, are a regression; its points stay out of the
 * baseline, so a step does not drag the baseline after it (a shorter streak
 * was noise and joins it). An acceptance at time t forgets the baseline:
 * from t the series starts over (insufficient until `minSamples` points),
 * which is how a team accepts a step change.
 */

import type { Operator } from '../verify/index.js'
import { SortedWindow } from './sorted-window.js'

/** Which way a value gets worse. */
export type Worse = 'up' | 'down' | 'both'

export type Verdict =
  'insufficient' | 'ok' | 'improved' | 'breach' | 'regression'

export interface RegressionOptions {
  statistic: 'mad' | 'iqr'
  /** Half-width of the band in σ-equivalents. */
  sigma: number
  /** Baseline points used, newest first. */
  window: number
  /** No verdict before the baseline has this many points. */
  minSamples: number
  /** Breaches in a row that make a regression (K). */
  consecutive: number
  /** Relative floor of the half-width (0.05 = changes under 5 % never count). */
  minChange: number
}

export const DEFAULT_REGRESSION: RegressionOptions = {
  statistic: 'mad',
  sigma: 3,
  window: 30,
  minSamples: 10,
  consecutive: 3,
  minChange: 0
}

export interface Band {
  median: number
  low: number
  high: number
  samples: number
}

export interface PointVerdict {
  verdict: Verdict
  /** Breaches in a row, this point included. */
  streak: number
  band: Band | undefined
}

/** The direction a specification operator gives. */
export function worseDirection(operators: readonly Operator[]): Worse {
  const up = operators.every((o) => o === '<' || o === '<=')
  const down = operators.every((o) => o === '>' || o === '>=')
  if (operators.length === 0 || (up && down)) return 'both'
  return up ? 'up' : down ? 'down' : 'both'
}

/**
 * The half-width, in estimated σ, of a band that holds a new point as often
 * as `z` true σ would: Student's t for the spread's effective degrees of
 * freedom (MAD and IQR are ~37 % efficient: n points weigh like 0.37·n),
 * by the Cornish–Fisher expansion, times √(1 + 1/n) for the centre's own
 * error. A 30-point baseline at z = 3 gives ≈ 4.0; a 200-point one ≈ 3.1.
 */
export function predictionFactor(z: number, n: number): number {
  const v = Math.max(1, 0.37 * (n - 1))
  const z3 = z ** 3
  const z5 = z ** 5
  const t =
    z +
    (z3 + z) / (4 * v) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
    (3 * z ** 7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v ** 3)
  return t * Math.sqrt(1 + 1 / Math.max(1, n))
}

/** predictionFactor(sigma, n) for n up to a window's capacity, per pair. */
const FACTORS = new Map<string, Float64Array>()

function factorsFor(sigma: number, capacity: number): Float64Array {
  const key = `${sigma}|${capacity}`
  let factors = FACTORS.get(key)
  if (factors === undefined) {
    factors = new Float64Array(capacity + 1)
    for (let n = 0; n <= capacity; n++) factors[n] = predictionFactor(sigma, n)
    FACTORS.set(key, factors)
  }
  return factors
}

/**
 * Walks one series point by point; see the module comment. `step` is the
 * allocation-free core (whole-history analysis runs it millions of times);
 * `push` wraps it with the band for callers that show it.
 */
export class RegressionDetector {
  readonly #window: SortedWindow
  #worse: Worse
  #acceptances: number[]
  /** predictionFactor(sigma, n) for every window size n. */
  readonly #factors: Float64Array
  #nextAcceptance = 0
  #streak = 0
  #side = 0
  /** Breaching values of a streak not (yet) long enough to be a regression. */
  readonly #pending: number[] = []
  // The band of the last computation (valid when #samples > 0).
  #median = 0
  #low = 0
  #high = 0
  #samples = 0

  constructor(
    worse: Worse,
    readonly options: RegressionOptions = DEFAULT_REGRESSION,
    acceptances: readonly number[] = []
  ) {
    const capacity = Math.max(1, options.window)
    this.#window = new SortedWindow(capacity)
    this.#worse = worse
    this.#acceptances = sortedTimes(acceptances)
    this.#factors = factorsFor(options.sigma, capacity)
  }

  /** Which way a value gets worse. */
  get worse(): Worse {
    return this.#worse
  }

  /**
   * Starts over on another series with the same options, as a new detector
   * would (a pass over thousands of series reuses one).
   */
  restart(worse: Worse, acceptances: readonly number[] = []): void {
    this.#worse = worse
    this.#acceptances = sortedTimes(acceptances)
    this.#window.clear()
    this.#nextAcceptance = 0
    this.#streak = 0
    this.#side = 0
    this.#pending.length = 0
    this.#samples = 0
  }

  get streak(): number {
    return this.#streak
  }

  /** Computes the band into fields; false while there are too few samples. */
  #computeBand(): boolean {
    const w = this.#window
    if (w.size < Math.max(1, this.options.minSamples)) {
      this.#samples = 0
      return false
    }
    const median = w.median()
    let spread =
      this.options.statistic === 'iqr'
        ? (w.quantile(0.75) - w.quantile(0.25)) / 1.349
        : w.mad(median) * 1.4826
    // Quantised metrics (counts, rounded values) can have a zero MAD/IQR
    // while still varying: fall back to the mean absolute deviation.
    if (spread === 0) spread = w.meanAbsoluteDeviation(median) * 1.2533
    const half = Math.max(
      (this.#factors[w.size] as number) * spread,
      this.options.minChange * Math.abs(median),
      // A perfectly flat history still tolerates float noise.
      Number.EPSILON * 16 * Math.max(1, Math.abs(median))
    )
    this.#median = median
    this.#low = median - half
    this.#high = median + half
    this.#samples = w.size
    return true
  }

  #bandObject(): Band | undefined {
    return this.#samples === 0
      ? undefined
      : {
          median: this.#median,
          low: this.#low,
          high: this.#high,
          samples: this.#samples
        }
  }

  /** The current baseline band, once there are enough samples. */
  band(): Band | undefined {
    this.#computeBand()
    return this.#bandObject()
  }

  /** The verdict on `value` against the current band, without recording it. */
  judge(value: number, band = this.band()): Exclude<Verdict, 'regression'> {
    if (band === undefined) return 'insufficient'
    return this.#classify(value, band.low, band.high)
  }

  #classify(
    value: number,
    low: number,
    high: number
  ): Exclude<Verdict, 'regression' | 'insufficient'> {
    const above = value > high
    const below = value < low
    if (this.#worse === 'up')
      return above ? 'breach' : below ? 'improved' : 'ok'
    if (this.#worse === 'down')
      return below ? 'breach' : above ? 'improved' : 'ok'
    return above || below ? 'breach' : 'ok'
  }

  /** Records the next point of the series (chronological order). */
  push(time: number, value: number): PointVerdict {
    const verdict = this.step(time, value)
    return { verdict, streak: this.#streak, band: this.#bandObject() }
  }

  /** {@link push} without the allocations: the verdict only. */
  step(time: number, value: number): Verdict {
    while (
      this.#nextAcceptance < this.#acceptances.length &&
      (this.#acceptances[this.#nextAcceptance] as number) <= time
    ) {
      this.#window.clear()
      if (this.#pending.length > 0) this.#pending.length = 0
      this.#streak = 0
      this.#nextAcceptance++
    }
    if (!this.#computeBand()) {
      this.#streak = 0
      this.#window.push(value)
      return 'insufficient'
    }
    const verdict = this.#classify(value, this.#low, this.#high)
    if (verdict === 'breach') {
      // Breaches in a row count only on one side: up, down, up is noise.
      const side = value > this.#median ? 1 : -1
      if (this.#streak > 0 && side !== this.#side) {
        this.#readmit()
        this.#streak = 0
      }
      this.#side = side
      this.#streak++
      if (this.#streak < this.options.consecutive) {
        this.#pending.push(value)
        return 'breach'
      }
      // A regression: its runs stay out of the baseline until accepted.
      if (this.#pending.length > 0) this.#pending.length = 0
      return 'regression'
    }
    this.#readmit()
    this.#streak = 0
    this.#window.push(value)
    return verdict
  }

  /**
   * A streak that ended short of K was noise after all: its values join the
   * baseline, or the baseline would shrink to what never breaches.
   */
  #readmit(): void {
    if (this.#pending.length === 0) return
    if (this.#streak < this.options.consecutive)
      for (const p of this.#pending) this.#window.push(p)
    this.#pending.length = 0
  }
}

function sortedTimes(times: readonly number[]): number[] {
  return times.length === 0 ? [] : [...times].sort((a, b) => a - b)
}

/** Every point's verdict, walking the whole series. */
export function analyzeSeries(
  points: readonly { time: number; value: number }[],
  worse: Worse,
  options: RegressionOptions = DEFAULT_REGRESSION,
  acceptances: readonly number[] = []
): PointVerdict[] {
  const detector = new RegressionDetector(worse, options, acceptances)
  return points.map((p) => detector.push(p.time, p.value))
}
