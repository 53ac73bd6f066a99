/** The static HTML report: trends, thresholds, pass/fail per dataset. */

export * from './store-reader.js'
export * from './checks.js'
export * from './report-model.js'
export * from './dataset-tables.js'
export * from './chart-config.js'
export * from './chart-library.js'
export * from './html.js'
export * from './report.js'
export * from './pages.js'
