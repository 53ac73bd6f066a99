/**
 * Chart.js (MIT), embedded whole in every report so the file opens with no
 * network: from the bundle when an action runs this code, else from the
 * chart.js package installed beside stackci.
 */

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { StackciError } from '../core/errors.js'
import { EMBEDDED_CHART_JS } from './embedded-chart.js'

/** Chart.js's browser build: one script that defines `window.Chart`. */
export const CHART_JS_FILE = 'chart.umd.min.js'

export interface ChartLibrary {
  /** The script, its licence banner kept, without a source map reference. */
  source: string
  version: string
  /** Where it came from: `bundle` or the file read. */
  origin: string
}

class ReportError extends StackciError {
  readonly kind = 'system'
}

let cached: ChartLibrary | undefined

function prepare(text: string, origin: string): ChartLibrary {
  const version = /Chart\.js v(\d+\.\d+\.\d+\S*)/.exec(text)?.[1] ?? 'unknown'
  // A sourceMappingURL would make devtools fetch a file that is not there.
  const source = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
  return { source, version, origin }
}

/** The charting library; throws naming the fix when it cannot be found. */
export function chartLibrary(): ChartLibrary {
  if (cached !== undefined) return cached
  if (EMBEDDED_CHART_JS !== undefined) {
    cached = prepare(EMBEDDED_CHART_JS, 'bundle')
    return cached
  }
  let file: string
  try {
    // chart.js's exports map hides dist/; its CommonJS entry sits there.
    file = join(
      dirname(createRequire(import.meta.url).resolve('chart.js')),
      CHART_JS_FILE
    )
    cached = prepare(readFileSync(file, 'utf8'), file)
  } catch (error) {
    throw new ReportError('the HTML report needs the chart.js package', {
      hint: 'reinstall stackci with its dependencies (npm ci), or npm install chart.js@4',
      cause: error
    })
  }
  return cached
}
