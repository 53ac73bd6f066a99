/**
 * Where the charting library's text comes from. From lib/ (the CLI), the
 * chart.js package installed beside stackci. Action bundles cannot read
 * node_modules at run time, so scripts/package.mjs replaces this whole
 * module in a bundle with one returning Chart.js's UMD build inlined (and
 * this file's `import.meta`, which CommonJS bundles lack, never reaches
 * esbuild).
 */

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** Chart.js's browser build: one script that defines `window.Chart`. */
export const CHART_JS_FILE = 'chart.umd.min.js'

/** The library's text and where it was read (`bundle` in a bundle). */
export function loadChartSource(): { text: string; origin: string } {
  // chart.js's exports map hides dist/; its CommonJS entry sits there.
  const file = join(
    dirname(createRequire(import.meta.url).resolve('chart.js')),
    CHART_JS_FILE
  )
  return { text: readFileSync(file, 'utf8'), origin: file }
}
