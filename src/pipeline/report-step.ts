import type { RunState, StepDone } from './state.js'
// Placeholder until the report module lands (replaced by /tmp/report-step.ts).
export async function reportStep(_run: RunState): Promise<StepDone> {
  return Promise.resolve({ status: 'skipped', detail: 'report: not yet' })
}
