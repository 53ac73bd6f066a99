/**
 * The ratchet as metrics: a verify job with one measurement per linter,
 * `lint.<linter>_violations` (every finding in the linted tree, not only on
 * changed lines, so the debt trend is complete), and a blob per linter with
 * the count of each code. Written as lsst.verify writes jobs, so
 * dispatch-metrics stores and compares it like any other measurement.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import {
  newIdentifier,
  serializeJob,
  type Blob,
  type Job,
  type Measurement
} from '../verify/job.js'
import type { Metric } from '../verify/metric.js'
import { parseUnit } from '../verify/units.js'

/** The verify package lint metrics live in. */
export const LINT_PACKAGE = 'lint'

/** `flake8` → `flake8_violations`; any character a metric name cannot hold becomes `_`. */
export function violationsMetric(linter: string): string {
  return `${LINT_PACKAGE}.${linter.replace(/[^A-Za-z0-9_]/g, '_')}_violations`
}

export interface LinterCounts {
  name: string
  /** Findings in the whole linted tree. */
  all: number
  /** By code. */
  counts: Record<string, number>
}

/** Builds the job; `meta` is stored as the job's metadata. */
export function lintMetricsJob(
  linters: readonly LinterCounts[],
  meta: Record<string, unknown> = {}
): { job: Job; metrics: Metric[] } {
  const measurements: Measurement[] = []
  const blobs: Blob[] = []
  const metrics: Metric[] = []
  const unit = parseUnit('')
  for (const l of linters) {
    const name = violationsMetric(l.name)
    const blob: Blob = {
      identifier: newIdentifier(),
      name: `${name.slice(LINT_PACKAGE.length + 1).replace(/_violations$/, '')}_codes`,
      data: Object.fromEntries(
        Object.entries(l.counts).map(([code, n]) => [
          code,
          {
            value: n,
            unit: '',
            label: code,
            description: `${l.name} findings with code ${code}`
          }
        ])
      )
    }
    blobs.push(blob)
    measurements.push({
      metric: name,
      identifier: newIdentifier(),
      value: l.all,
      unit: '',
      blobRefs: [blob.identifier]
    })
    metrics.push({
      name,
      package: LINT_PACKAGE,
      metric: name.slice(LINT_PACKAGE.length + 1),
      description: `Number of ${l.name} findings in the linted tree (lower is better).`,
      unit,
      tags: ['lint'],
      reference: { doc: null, url: null, page: null },
      source: { file: 'stackci lint' }
    })
  }
  return { job: { measurements, blobs, metrics: [], specs: [], meta }, metrics }
}

/** Writes the job file (lsst.verify's layout: sorted keys, two-space indent). */
export async function writeLintMetricsJob(
  file: string,
  linters: readonly LinterCounts[],
  meta: Record<string, unknown> = {}
): Promise<void> {
  const { job, metrics } = lintMetricsJob(linters, meta)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, serializeJob(job, { metrics }))
}
