/**
 * Annotations within the runner's limits. GitHub shows at most 10 error, 10
 * warning and 10 notice annotations per step (and 50 per job); the rest are
 * silently dropped. So we annotate the first ones of each kind ourselves,
 * count the others, and say so — the job summary lists them all.
 */

import type { Reporter } from '../core/reporter.js'
import { plural } from '../core/format.js'
import { SEVERITIES, type Finding, type Severity } from './finding.js'

/** The runner's limit per annotation kind and step. */
export const ANNOTATIONS_PER_KIND = 10

export interface AnnotationTally {
  annotated: Record<Severity, number>
  notAnnotated: Record<Severity, number>
}

export function totalOf(counts: Record<Severity, number>): number {
  return counts.error + counts.warning + counts.notice
}

/**
 * Annotates up to `limit` findings of each severity, in the order given, and
 * logs how many were left out. `reserveError` keeps one error slot free for
 * the step's own failure message (`setFailed` is an error annotation too,
 * and the runner would drop it first).
 */
export function annotateFindings(
  findings: readonly Finding[],
  reporter: Reporter,
  limit = ANNOTATIONS_PER_KIND,
  reserveError = false
): AnnotationTally {
  const limits: Record<Severity, number> = {
    error: reserveError ? Math.max(limit - 1, 0) : limit,
    warning: limit,
    notice: limit
  }
  const tally: AnnotationTally = {
    annotated: { error: 0, warning: 0, notice: 0 },
    notAnnotated: { error: 0, warning: 0, notice: 0 }
  }
  for (const f of findings) {
    if (tally.annotated[f.severity] >= limits[f.severity]) {
      tally.notAnnotated[f.severity]++
      continue
    }
    tally.annotated[f.severity]++
    reporter[f.severity](f.message, {
      title: f.code === undefined ? f.linter : `${f.linter} ${f.code}`,
      file: f.file,
      ...(f.line < 1 ? {} : { startLine: f.line }),
      ...(f.column === undefined || f.line < 1 ? {} : { startColumn: f.column })
    })
  }
  const left = totalOf(tally.notAnnotated)
  if (left > 0) {
    const parts = SEVERITIES.filter((s) => tally.notAnnotated[s] > 0).map((s) =>
      plural(tally.notAnnotated[s], s)
    )
    reporter.info(
      `${left} more not annotated (${parts.join(', ')}): the runner shows at most ${limit} annotations of each kind per step; the job summary and the JSON report list every finding`
    )
  }
  return tally
}
