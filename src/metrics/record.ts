/**
 * What the stores receive: a verify job prepared for dispatch (normalised,
 * enriched with dispatch_verify's metadata, identified, timed and labelled
 * with its provenance), and the flat records a store keeps of it.
 */

import type { Provenance } from '../core/provenance.js'
import type { Job } from '../verify/index.js'
import type { SeriesKey } from '../notify/metrics-model.js'

/** A verify job ready for the stores. */
export interface DispatchJob {
  /**
   * Stable: a digest of the job's measurements and metadata as read, so the
   * same job file dispatched or replayed twice is the same job everywhere.
   */
  id: string
  /** The file it was read from, for messages. */
  source: string
  /** Epoch ms: the job's creation date, the time of its points. */
  createdAt: number
  /** The history series it belongs to: `main`, `weekly`, `pr/123`, … */
  series: string
  provenance: Provenance
  /** Normalised to metric units; meta holds packages, env and provenance. */
  job: Job
}

// The series key is what the messages name too: declared with them, in
// notify (the leaf), and used here.
export { describeKey, type SeriesKey } from '../notify/metrics-model.js'

/** One measurement as the stores keep it (value NaN: no value). */
export interface MetricRecord extends SeriesKey {
  jobId: string
  identifier: string
  value: number
  unit: string
  createdAt: number
  series: string
  provenance: Provenance
}

/** The records of a job: one per measurement. */
export function jobRecords(d: DispatchJob): MetricRecord[] {
  const key = seriesKeyOf(d.provenance)
  return d.job.measurements.map((m) => ({
    ...key,
    metric: m.metric,
    jobId: d.id,
    identifier: m.identifier,
    value: m.value,
    unit: m.unit,
    createdAt: d.createdAt,
    series: d.series,
    provenance: d.provenance
  }))
}

/** The dataset/instrument/filter part of a series key ('' when unknown). */
export function seriesKeyOf(p: Provenance): Omit<SeriesKey, 'metric'> {
  return {
    dataset: p.dataset ?? '',
    instrument: p.instrument ?? '',
    filter: p.filter ?? ''
  }
}

/** A stable string for maps keyed by series. */
export function keyString(key: SeriesKey): string {
  return JSON.stringify([key.metric, key.dataset, key.instrument, key.filter])
}
