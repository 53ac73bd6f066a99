/**
 * Comparing a dispatch with history: for each measurement, the baseline
 * series of the same (metric, dataset, instrument, filter) is read from the
 * history store and walked by the {@link RegressionDetector}. A job on the
 * baseline series is its next point (K consecutive breaches make a
 * regression); a job elsewhere (a PR, a branch) is judged against the
 * baseline's band as of its merge base (`before`, the main points at or
 * before it). On a PR (`pr/N`, or `oneBreach`) one breach is a regression:
 * a PR has one run to judge; other series (weekly) keep the K-streak rule
 * over their own recent runs.
 */

import type { Definitions } from '../verify/index.js'
import type { DispatchJob, SeriesKey } from './record.js'
import { keyString, seriesKeyOf } from './record.js'
import {
  DEFAULT_REGRESSION,
  RegressionDetector,
  worseDirection,
  type Band,
  type RegressionOptions,
  type Verdict,
  type Worse
} from './regression.js'
import type { Acceptance, HistoryPoint, HistoryStore } from './store.js'

export interface BaselineSettings extends RegressionOptions {
  /** The series history comes from (`main`, `weekly`, …). */
  series: string
  /** Points read from the store per series (default 4 × window + K). */
  lookback?: number
  acceptances: readonly Acceptance[]
  /** Per-metric direction overrides (`up`: higher is worse). */
  directions?: Readonly<Record<string, Worse>>
  /**
   * For jobs off the baseline series: only baseline points before this
   * epoch ms (those of main up to the PR's merge base).
   */
  before?: number
  /** The baseline commit compared with (the merge base), for messages. */
  commit?: string
  /** One breach off the baseline series is a regression (a branch run); PR series (`pr/N`) always are. */
  oneBreach?: boolean
}

export const DEFAULT_BASELINE: BaselineSettings = {
  ...DEFAULT_REGRESSION,
  series: 'main',
  acceptances: []
}

export interface Comparison extends SeriesKey {
  jobId: string
  source: string
  series: string
  time: number
  value: number
  unit: string
  worse: Worse
  verdict: Verdict
  streak: number
  band: Band | undefined
  /** The baseline series' recent points (oldest first), for trend charts. */
  history: HistoryPoint[]
  /** The baseline commit (a PR's merge base) this was compared with. */
  baseCommit?: string
}

/** `skyprobe.astrom_rms on field_a: 19 mas outside main's band 7.2–10.6 (median 8.9, 12 points) at abc1234` */
export function describeRegression(c: Comparison, baseline: string): string {
  const n = (v: number | undefined): string =>
    v === undefined ? '?' : String(Number(v.toPrecision(3)))
  // Partial comparisons (tests, old spools) may lack the key's parts.
  const given = c.unit as string | undefined
  const unit = given === undefined || given === '' ? '' : ` ${given}`
  const where = [c.dataset, c.instrument, c.filter].filter(Boolean)
  const band =
    c.band === undefined
      ? 'no band'
      : `band ${n(c.band.low)}–${n(c.band.high)}${unit} (median ${n(c.band.median)}, ${c.band.samples} points)`
  return `${c.metric}${where.length > 0 ? ` on ${where.join('/')}` : ''}: ${n(c.value)}${unit} outside ${baseline}'s ${band}${c.baseCommit === undefined ? '' : ` at ${c.baseCommit}`}`
}

/** The direction of a metric: an override, else its specifications' operators. */
export function metricDirection(
  metric: string,
  definitions: Definitions | undefined,
  overrides: Readonly<Record<string, Worse>> = {}
): Worse {
  const given = overrides[metric]
  if (given !== undefined) return given
  const specs = definitions?.specsByMetric.get(metric) ?? []
  return worseDirection(specs.map((s) => s.threshold.operator))
}

/** Acceptance times that apply to a key on a series. */
export function acceptanceTimes(
  acceptances: readonly Acceptance[],
  key: SeriesKey,
  series: string
): number[] {
  return acceptances
    .filter(
      (a) =>
        a.metric === key.metric &&
        (a.dataset === '' || a.dataset === key.dataset) &&
        (a.instrument === '' || a.instrument === key.instrument) &&
        (a.filter === '' || a.filter === key.filter) &&
        (a.series === '' || a.series === series)
    )
    .map((a) => a.since)
}

/** Compares every finite measurement of every job with its history. */
export async function compareWithHistory(
  jobs: readonly DispatchJob[],
  store: HistoryStore,
  definitions: Definitions | undefined,
  settings: BaselineSettings
): Promise<Comparison[]> {
  const out: Comparison[] = []
  const cache = new Map<string, HistoryPoint[]>()
  const lookback =
    settings.lookback ?? settings.window * 4 + settings.consecutive
  const read = async (
    key: SeriesKey,
    series: string,
    before: number,
    limit: number
  ): Promise<HistoryPoint[]> => {
    const id = `${keyString(key)}|${series}|${before}|${limit}`
    let points = cache.get(id)
    if (points === undefined) {
      points = await store.history({ ...key, series, before, limit })
      cache.set(id, points)
    }
    return points
  }
  for (const d of jobs) {
    const seen = new Set<string>()
    // A later measurement of the same metric replaces an earlier one.
    for (const m of [...d.job.measurements].reverse()) {
      if (!Number.isFinite(m.value) || seen.has(m.metric)) continue
      seen.add(m.metric)
      const key: SeriesKey = { metric: m.metric, ...seriesKeyOf(d.provenance) }
      const worse = metricDirection(m.metric, definitions, settings.directions)
      const notThisJob = (p: HistoryPoint): boolean => p.jobId !== d.id
      const onBaseline = d.series === settings.series
      const cutoff = onBaseline
        ? d.createdAt
        : Math.min(d.createdAt, settings.before ?? Number.POSITIVE_INFINITY)
      const baseline = (
        await read(key, settings.series, cutoff, lookback)
      ).filter(notThisJob)
      const detector = new RegressionDetector(
        worse,
        settings,
        acceptanceTimes(settings.acceptances, key, settings.series)
      )
      for (const p of baseline) detector.push(p.time, p.value)
      let verdict: Verdict
      let streak: number
      let band: Band | undefined
      if (onBaseline) {
        const r = detector.push(d.createdAt, m.value)
        ;({ verdict, streak, band } = r)
      } else {
        // Judged against the frozen baseline; the streak runs over this
        // series' own recent runs, and on a PR one breach suffices.
        band = detector.band()
        const own = (
          await read(key, d.series, d.createdAt, settings.consecutive)
        ).filter(notThisJob)
        streak = 0
        for (const p of [...own, { time: d.createdAt, value: m.value }]) {
          streak = detector.judge(p.value, band) === 'breach' ? streak + 1 : 0
        }
        const v = detector.judge(m.value, band)
        const k =
          settings.oneBreach === true || d.series.startsWith('pr/')
            ? 1
            : settings.consecutive
        verdict = v === 'breach' && streak >= k ? 'regression' : v
      }
      out.push({
        ...key,
        jobId: d.id,
        source: d.source,
        series: d.series,
        time: d.createdAt,
        value: m.value,
        unit: m.unit,
        worse,
        verdict,
        streak,
        band,
        history: baseline,
        ...(onBaseline || settings.commit === undefined
          ? {}
          : { baseCommit: settings.commit })
      })
    }
  }
  return out
}
