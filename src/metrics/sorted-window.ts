/**
 * A fixed-capacity window of the newest values, kept sorted: medians and
 * quartiles in O(1), the MAD in O(log n), a new value in O(n) moves of a
 * typed array. The regression detector walks millions of points with it.
 */

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
    const n = this.#size
    if (n === this.capacity) {
      // Replace the oldest value in place: one shift, from its slot to
      // where the new value belongs.
      const old = this.#fifo[this.#head] as number
      this.#fifo[this.#head] = value
      this.#head = (this.#head + 1) % this.capacity
      let i = lowerBound(s, n, old)
      if (value > old) {
        while (i + 1 < n && (s[i + 1] as number) < value) {
          s[i] = s[i + 1] as number
          i++
        }
      } else {
        while (i > 0 && (s[i - 1] as number) > value) {
          s[i] = s[i - 1] as number
          i--
        }
      }
      s[i] = value
      return
    }
    this.#fifo[(this.#head + n) % this.capacity] = value
    let j = n
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

  /**
   * Median absolute deviation from `m`. The deviations form two sorted runs
   * (leftwards and rightwards of `m`); the middle ones are found by binary
   * search over how many come from each run, in O(log n).
   */
  mad(m: number): number {
    const s = this.#sorted
    const n = this.#size
    if (n === 0) return NaN
    const b = upperBound(s, n, m)
    const a = b - 1
    // left(i) = m - s[a - i], i < a + 1; right(j) = s[b + j] - m, j < n - b
    const nl = a + 1
    const nr = n - b
    const lo = (n - 1) >> 1
    const need = lo + 1
    let from = Math.max(0, need - nr)
    let to = Math.min(need, nl)
    let kth = 0
    let next = 0
    while (from <= to) {
      const i = (from + to) >> 1
      const j = need - i
      const l1 = i > 0 ? m - (s[a - i + 1] as number) : -Infinity
      const l = i < nl ? m - (s[a - i] as number) : Infinity
      const r1 = j > 0 ? (s[b + j - 1] as number) - m : -Infinity
      const r = j < nr ? (s[b + j] as number) - m : Infinity
      if (l1 > r) to = i - 1
      else if (r1 > l) from = i + 1
      else {
        kth = l1 > r1 ? l1 : r1
        next = l < r ? l : r
        break
      }
    }
    return n % 2 === 1 ? kth : (kth + next) / 2
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
