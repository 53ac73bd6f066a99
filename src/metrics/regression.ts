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

/** A fixed-capacity window kept sorted, for O(1) medians and quartiles. */
export class SortedWindow {
  readonly #fifo: Float64Array
  readonly #sorted: Float64Array
  #head = 0
  #size = 0

  constructor(readonly capacity: number) {
    this.#fifo = new Float64Array(capacity)
    this.#sorted = new Float64Array(capacity)
  }

  get size(): number {
    return this.#size
  }

  clear(): void {
    this.#head = 0
    this.#size = 0
  }

  push(value: number): void {
    const s = this.#sorted
    if (this.#size === this.capacity) {
      const old = this.#fifo[this.#head] as number
      let i = lowerBound(s, this.#size, old)
      for (; i < this.#size - 1; i++) s[i] = s[i + 1] as number
      this.#size--
      this.#fifo[this.#head] = value
      this.#head = (this.#head + 1) % this.capacity
    } else {
      this.#fifo[(this.#head + this.#size) % this.capacity] = value
    }
    let j = this.#size
    while (j > 0 && (s[j - 1] as number) > value) {
      s[j] = s[j - 1] as number
      j--
    }
    s[j] = value
    this.#size++
  }

  /** Linear-interpolated quantile (p in [0, 1]). */
  quantile(p: number): number {
    const s = this.#sorted
    const pos = (this.#size - 1) * p
    const lo = Math.floor(pos)
    const hi = Math.min(lo + 1, this.#size - 1)
    return (
      (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo)
    )
  }

  median(): number {
    return this.quantile(0.5)
  }

  meanAbsoluteDeviation(m: number): number {
    let sum = 0
    for (let i = 0; i < this.#size; i++)
      sum += Math.abs((this.#sorted[i] as number) - m)
    return this.#size === 0 ? 0 : sum / this.#size
  }

  /** Median absolute deviation from `m`: merges the two sorted halves. */
  mad(m: number): number {
    const s = this.#sorted
    const n = this.#size
    // Deviations grow leftwards from a and rightwards from b.
    let b = upperBound(s, n, m)
    let a = b - 1
    const lo = (n - 1) >> 1
    const hi = n >> 1
    let d = 0
    let dLo = 0
    for (let k = 0; k <= hi; k++) {
      const left = a >= 0 ? m - (s[a] as number) : Infinity
      const right = b < n ? (s[b] as number) - m : Infinity
      if (left <= right) {
        d = left
        a--
      } else {
        d = right
        b++
      }
      if (k === lo) dLo = d
    }
    return (dLo + d) / 2
  }
}

function upperBound(s: Float64Array, n: number, v: number): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((s[mid] as number) <= v) lo = mid + 1
    else hi = mid
  }
  return lo
}

function lowerBound(s: Float64Array, n: number, v: number): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((s[mid] as number) < v) lo = mid + 1
    else hi = mid
  }
  return lo
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

/** Walks one series point by point; see the module comment. */
export class RegressionDetector {
  readonly #window: SortedWindow
  readonly #acceptances: number[]
  #nextAcceptance = 0
  #streak = 0
  #side = 0
  /** Breaching values of a streak not (yet) long enough to be a regression. */
  readonly #pending: number[] = []

  constructor(
    readonly worse: Worse,
    readonly options: RegressionOptions = DEFAULT_REGRESSION,
    acceptances: readonly number[] = []
  ) {
    this.#window = new SortedWindow(Math.max(1, options.window))
    this.#acceptances = [...acceptances].sort((a, b) => a - b)
  }

  get streak(): number {
    return this.#streak
  }

  /** The current baseline band, once there are enough samples. */
  band(): Band | undefined {
    const w = this.#window
    if (w.size < Math.max(1, this.options.minSamples)) return undefined
    const median = w.median()
    let spread =
      this.options.statistic === 'iqr'
        ? (w.quantile(0.75) - w.quantile(0.25)) / 1.349
        : w.mad(median) * 1.4826
    // Quantised metrics (counts, rounded values) can have a zero MAD/IQR
    // while still varying: fall back to the mean absolute deviation.
    if (spread === 0) spread = w.meanAbsoluteDeviation(median) * 1.2533
    const half = Math.max(
      predictionFactor(this.options.sigma, w.size) * spread,
      this.options.minChange * Math.abs(median),
      // A perfectly flat history still tolerates float noise.
      Number.EPSILON * 16 * Math.max(1, Math.abs(median))
    )
    return { median, low: median - half, high: median + half, samples: w.size }
  }

  /** The verdict on `value` against the current band, without recording it. */
  judge(value: number, band = this.band()): Exclude<Verdict, 'regression'> {
    if (band === undefined) return 'insufficient'
    const above = value > band.high
    const below = value < band.low
    if (this.worse === 'up') return above ? 'breach' : below ? 'improved' : 'ok'
    if (this.worse === 'down')
      return below ? 'breach' : above ? 'improved' : 'ok'
    return above || below ? 'breach' : 'ok'
  }

  /** Records the next point of the series (chronological order). */
  push(time: number, value: number): PointVerdict {
    while (
      this.#nextAcceptance < this.#acceptances.length &&
      (this.#acceptances[this.#nextAcceptance] as number) <= time
    ) {
      this.#window.clear()
      this.#pending.length = 0
      this.#streak = 0
      this.#nextAcceptance++
    }
    const band = this.band()
    const verdict = this.judge(value, band)
    if (verdict === 'breach') {
      // Breaches in a row count only on one side: up, down, up is noise.
      const side = value > (band?.median ?? value) ? 1 : -1
      if (this.#streak > 0 && side !== this.#side) {
        this.#readmit()
        this.#streak = 0
      }
      this.#side = side
      this.#streak++
      if (this.#streak < this.options.consecutive) {
        this.#pending.push(value)
        return { verdict: 'breach', streak: this.#streak, band }
      }
      // A regression: its runs stay out of the baseline until accepted.
      this.#pending.length = 0
      return { verdict: 'regression', streak: this.#streak, band }
    }
    this.#readmit()
    this.#streak = 0
    this.#window.push(value)
    return { verdict, streak: 0, band }
  }

  /**
   * A streak that ended short of K was noise after all: its values join the
   * baseline, or the baseline would shrink to what never breaches.
   */
  #readmit(): void {
    if (this.#streak < this.options.consecutive)
      for (const p of this.#pending) this.#window.push(p)
    this.#pending.length = 0
  }
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
