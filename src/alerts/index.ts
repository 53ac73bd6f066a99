/**
 * Standing alerts over the metric stores, outside any run: rules
 * (threshold, regression, dead man), their state (ok → pending → firing →
 * resolved) kept in the store they watch, silences, a flapping guard, and
 * one evaluator behind `stackci alerts check` and `stackci alerts watch`.
 */

export {
  advance,
  type AlertState,
  initialState,
  type Observation,
  type TransitionContext
} from './state.js'
export { resolveAlertSettings } from './rules.js'
export { gitAlertSource, sqliteAlertSource } from './source.js'
export { SqliteAlertState } from './sqlite-state.js'
export { GitAlertState } from './git-state.js'

export { type AlertNotifier } from './notifier.js'
export { type AlertsPassResult, runAlertsPass } from './check.js'
export { watchAlerts } from './watch.js'
export { openAlerts, type OpenAlerts } from './run.js'
