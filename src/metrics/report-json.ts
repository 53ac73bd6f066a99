/**
 * The machine-readable report of a metrics run (`--json`, the action's
 * `report` file): the gate, every evaluated specification with its delta
 * against the baseline, every comparison, and what each store did.
 */

import { resultToJson } from '../verify/index.js'
import type { DispatchResult, ReplayResult } from './dispatch.js'
import type { Comparison } from './history.js'
import type { MetricsOutcome } from './outcome.js'
import type { CommentResult, SlackResult } from './publish.js'

export interface MetricsReportJson {
  passed: boolean
  reasons: string[]
  dryRun: boolean
  baselineSeries: string
  historyStore: string | null
  jobs: {
    id: string
    source: string
    series: string
    createdAt: string
    provenance: Record<string, string | undefined>
  }[]
  specifications: (ReturnType<typeof resultToJson> & {
    job: string
    level: string
    baseline: ComparisonJson | null
  })[]
  comparisons: (ComparisonJson & {
    job: string
    metric: string
    dataset: string
    instrument: string
    filter: string
  })[]
  dispatch: DispatchResult | null
  replay: ReplayResult | null
  comment: CommentResult | null
  slack: SlackResult | null
  errors: string[]
}

export interface ComparisonJson {
  value: number
  unit: string
  verdict: string
  streak: number
  median: number | null
  low: number | null
  high: number | null
  samples: number
}

function comparisonJson(c: Comparison): ComparisonJson {
  return {
    value: c.value,
    unit: c.unit,
    verdict: c.verdict,
    streak: c.streak,
    median: c.band?.median ?? null,
    low: c.band?.low ?? null,
    high: c.band?.high ?? null,
    samples: c.band?.samples ?? c.history.length
  }
}

export function metricsReportJson(
  o: MetricsOutcome,
  extra: {
    replay?: ReplayResult
    comment?: CommentResult
    slack?: SlackResult
    errors?: string[]
  } = {}
): MetricsReportJson {
  return {
    passed: o.passed,
    reasons: o.gate?.reasons ?? [],
    dryRun: o.dryRun,
    baselineSeries: o.baselineSeries,
    historyStore: o.historyStore ?? null,
    jobs: o.jobs.map((d) => ({
      id: d.id,
      source: d.source,
      series: d.series,
      createdAt: new Date(d.createdAt).toISOString(),
      provenance: { ...d.provenance }
    })),
    specifications: (o.gate?.rows ?? []).map((r) => ({
      job: r.jobId,
      level: r.level,
      ...resultToJson(r.result),
      baseline: r.comparison === undefined ? null : comparisonJson(r.comparison)
    })),
    comparisons: o.comparisons.map((c) => ({
      job: c.jobId,
      metric: c.metric,
      dataset: c.dataset,
      instrument: c.instrument,
      filter: c.filter,
      ...comparisonJson(c)
    })),
    dispatch: o.dispatch ?? null,
    replay: extra.replay ?? null,
    comment: extra.comment ?? null,
    slack: extra.slack ?? null,
    errors: extra.errors ?? []
  }
}
