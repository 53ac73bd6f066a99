/**
 * What a metrics run found, in one value the reports (job summary, PR
 * comment, Slack, JSON) are composed from.
 */

import type { DispatchResult } from './dispatch.js'
import type { GateResult } from './gate.js'
import type { Comparison } from './history.js'
import type { DispatchJob } from './record.js'

export interface MetricsOutcome {
  /** The gate: false when a fail-level spec failed or a regression fails. */
  passed: boolean
  jobs: readonly DispatchJob[]
  /** Undefined when no metric definitions were given (nothing to gate). */
  gate: GateResult | undefined
  comparisons: readonly Comparison[]
  /** Undefined for a dry run or a report without dispatch. */
  dispatch: DispatchResult | undefined
  baselineSeries: string
  /** The store history came from, or undefined (no comparison made). */
  historyStore: string | undefined
  dryRun: boolean
}
