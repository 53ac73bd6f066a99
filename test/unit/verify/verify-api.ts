// One import point for the verify tests.
export * from '../../../src/verify/index.js'
export { loadYamlDocuments } from '../../../src/core/yaml.js'
