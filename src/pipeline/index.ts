/** The stackci.yml pipeline runner used by the root action and `stackci run`. */
export * from './run.js'
export * from './plan.js'
