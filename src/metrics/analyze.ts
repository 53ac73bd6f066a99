/**
 * Whole-history analysis: every series of a history series name (all
 * metrics × datasets × instruments × filters in the SQLite store) walked
 * by the regression detector, reporting where each one stands now and every
 * regression it went through. This is `stackci metrics history --all`.
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
import type { Acceptance, HistoryPoint } from './store.js'

export interface SeriesSummary extends SeriesKey {
  series: string
  points: number
  /** The verdict on the newest point. */
  last: PointVerdict | undefined
  lastPoint: HistoryPoint | undefined
  /** Regression episodes (a run of ≥ K breaches counts once). */
  regressions: number
  /** When the current streak of breaches started (epoch ms). */
  streakSince: number | undefined
}

/** Walks one series; see {@link analyzeStore}. */
export function summarizeSeries(
  key: SeriesKey & { series: string },
  points: readonly HistoryPoint[],
  worse: Worse,
  options: RegressionOptions,
  acceptances: readonly number[]
): SeriesSummary {
  const detector = new RegressionDetector(worse, options, acceptances)
  let last: PointVerdict | undefined
  let regressions = 0
  let streakSince: number | undefined
  for (const p of points) {
    const v = detector.push(p.time, p.value)
    if (v.streak === 1) streakSince = p.time
    if (v.streak === 0) streakSince = undefined
    if (v.verdict === 'regression' && v.streak === options.consecutive)
      regressions++
    last = v
  }
  return {
    ...key,
    points: points.length,
    last,
    lastPoint: points[points.length - 1],
    regressions,
    streakSince
  }
}

/** Analyses every series stored under `series`. */
export function analyzeStore(
  store: SqliteStore,
  series: string,
  options: RegressionOptions,
  directionOf: (metric: string) => Worse,
  acceptances: readonly Acceptance[] = []
): SeriesSummary[] {
  return store
    .keys(series)
    .map((key) =>
      summarizeSeries(
        key,
        store.historySync({ ...key, series }),
        directionOf(key.metric),
        options,
        acceptanceTimes(acceptances, key, series)
      )
    )
}
