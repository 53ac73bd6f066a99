/**
 * Shared foundations: errors, the Reporter, retries and timeouts, secret
 * masking, durations, YAML, and the stackci.yml loader. (The Actions
 * Reporter lives in `actions-reporter.ts`, imported only by actions.)
 */

export * from './errors.js'
export * from './reporter.js'
export * from './cli-reporter.js'
export * from './secrets.js'
export * from './retry.js'
export * from './clock.js'
export * from './format.js'
export * from './signals.js'
export * from './env.js'
export * from './provenance.js'
export * from './duration.js'
export * from './schema.js'
export * from './yaml.js'
export * from './config.js'
export * from './action-inputs.js'
export * from './step-inputs.js'
export * from './glob.js'
export * from './github-event.js'
