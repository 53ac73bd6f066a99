/**
 * Standing alerts over the metric stores, outside any run: rules
 * (threshold, regression, dead man), their state (ok → pending → firing →
 * resolved) kept in the store they watch, silences, a flapping guard, and
 * one evaluator behind `stackci alerts check` and `stackci alerts watch`.
 */

export * from './state.js'
export * from './rules.js'
export * from './source.js'
export * from './sqlite-state.js'
export * from './sqlite-tails.js'
export * from './evaluate.js'
export * from './notifier.js'
export * from './check.js'
export * from './watch.js'
export * from './run.js'
