/**
 * Fewer points to draw for a long trend, without hiding what matters. The
 * time span of a line is cut into `target / 2` buckets and each keeps its
 * lowest and highest point (min/max decimation: at a chart's width no
 * spike or dip disappears, and the y range stays the full one). Points the
 * reader must see as they are stay whatever their bucket: the newest ones
 * (every point at the line's latest time, and a few before), every point
 * with no value, and every point that fails or warns. Kept points are the
 * line's own points, never averages, so each is exact.
 */

/** What the decimation needs to know of a point. */
export interface SamplePoint {
  time: number
  value: number | null
  status: string
}

export interface DownsampleOptions {
  /** About how many points to keep (default {@link DEFAULT_DRAWN_POINTS}). */
  target?: number
  /** How many of the newest points to keep as they are (default 20). */
  newest?: number
}

/** Points drawn per line before a trend is decimated. */
export const DEFAULT_DRAWN_POINTS = 1000

const KEPT_STATUSES = new Set(['fail', 'warn', 'no-value'])

/**
 * The indices of the points to draw, ascending; every index when the line
 * has no more than `target` points. `points` are in time order.
 */
export function downsample(
  points: readonly SamplePoint[],
  options: DownsampleOptions = {}
): number[] {
  const n = points.length
  const target = Math.max(2, options.target ?? DEFAULT_DRAWN_POINTS)
  if (n <= target) return points.map((_, i) => i)
  const keep = new Uint8Array(n)
  const newest = options.newest ?? 20
  const last = (points[n - 1] as SamplePoint).time
  for (let i = n - 1; i >= 0; i--) {
    const p = points[i] as SamplePoint
    if (i < n - newest && p.time !== last) break
    keep[i] = 1
  }
  const buckets = Math.floor(target / 2)
  const first = (points[0] as SamplePoint).time
  const span = last - first
  const lo = new Int32Array(buckets).fill(-1)
  const hi = new Int32Array(buckets).fill(-1)
  for (let i = 0; i < n; i++) {
    const p = points[i] as SamplePoint
    if (KEPT_STATUSES.has(p.status)) keep[i] = 1
    if (p.value === null) continue
    // By time, so each bucket is the same width on the chart; by position
    // when every point has the same time.
    const at = span > 0 ? (p.time - first) / span : i / (n - 1)
    const b = Math.min(buckets - 1, Math.floor(at * buckets))
    const l = lo[b] as number
    const h = hi[b] as number
    if (l === -1 || p.value < ((points[l] as SamplePoint).value as number))
      lo[b] = i
    if (h === -1 || p.value > ((points[h] as SamplePoint).value as number))
      hi[b] = i
  }
  keep[0] = 1
  for (let b = 0; b < buckets; b++) {
    if ((lo[b] as number) >= 0) keep[lo[b] as number] = 1
    if ((hi[b] as number) >= 0) keep[hi[b] as number] = 1
  }
  const kept: number[] = []
  for (let i = 0; i < n; i++) if (keep[i] === 1) kept.push(i)
  return kept
}
