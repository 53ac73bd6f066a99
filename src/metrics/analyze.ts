/**
 * Whole-history analysis: every series of a history series name (all
 * metrics × datasets × instruments × filters in a store) walked
 * by the regression detector, reporting where each one stands now and every
 * regression it went through. This is `stackci metrics history --all`.
 * Only values are read in bulk; times only for series with acceptances, and
 * for dating the streaks that are still running.
 */

import { acceptanceTimes } from './history.js'
import type { SeriesKey } from './record.js'
import {
  RegressionDetector,
  type PointVerdict,
  type RegressionOptions,
  type Worse
} from './regression.js'
import type { SqliteStore } from './sqlite-store.js'
import type { Acceptance } from './store.js'

export interface SeriesSummary extends SeriesKey {
  series: string
  points: number
  /** The verdict on the newest point. */
  last: PointVerdict | undefined
  lastValue: number | undefined
  /** Regression episodes (a run of ≥ K breaches counts once). */
  regressions: number
  /** Index of the point where the current breach streak began. */
  streakStart: number | undefined
  /** Its time (epoch ms), when known. */
  streakSince: number | undefined
}

/** The detector of the last walk, reused by the next with the same options. */
let spare: RegressionDetector | undefined

function detectorFor(
  worse: Worse,
  options: RegressionOptions,
  acceptances: readonly number[]
): RegressionDetector {
  // Walks never interleave (each runs to its end synchronously).
  if (spare?.options === options) spare.restart(worse, acceptances)
  else spare = new RegressionDetector(worse, options, acceptances)
  return spare
}

/**
 * Walks one series. `times` may be empty when there are no acceptances
 * (then `streakSince` stays unknown; `streakStart` still says where).
 */
export function summarizeSeries(
  key: SeriesKey & { series: string },
  values: ArrayLike<number>,
  times: ArrayLike<number>,
  worse: Worse,
  options: RegressionOptions,
  acceptances: readonly number[]
): SeriesSummary {
  const detector = detectorFor(worse, options, acceptances)
  let regressions = 0
  let streakStart: number | undefined
  const n = values.length
  let last: PointVerdict | undefined
  for (let i = 0; i < n; i++) {
    const t = times[i] ?? 0
    const v = values[i] as number
    // The newest point keeps its band for the summary.
    const verdict =
      i === n - 1 ? (last = detector.push(t, v)).verdict : detector.step(t, v)
    const streak = detector.streak
    if (streak === 1) streakStart = i
    else if (streak === 0) streakStart = undefined
    if (verdict === 'regression' && streak === options.consecutive)
      regressions++
  }
  return {
    ...key,
    points: n,
    last,
    lastValue: n > 0 ? values[n - 1] : undefined,
    regressions,
    streakStart,
    streakSince: streakStart === undefined ? undefined : times[streakStart]
  }
}

/** What whole-history analysis reads: the SQLite store or a HistoryIndex. */
export type SeriesSource = Pick<
  SqliteStore,
  'keys' | 'seriesValues' | 'seriesTimeAt'
>

/** Analyses every series stored under `series`. */
export function analyzeStore(
  store: SeriesSource,
  series: string,
  options: RegressionOptions,
  directionOf: (metric: string) => Worse,
  acceptances: readonly Acceptance[] = []
): SeriesSummary[] {
  return store.keys(series).map((key) => {
    const accepted = acceptanceTimes(acceptances, key, series)
    const { values, times } = store.seriesValues(
      key,
      series,
      accepted.length > 0
    )
    const summary = summarizeSeries(
      key,
      values,
      times,
      directionOf(key.metric),
      options,
      accepted
    )
    if (summary.streakStart !== undefined && summary.streakSince === undefined)
      summary.streakSince = store.seriesTimeAt(key, series, summary.streakStart)
    return summary
  })
}
