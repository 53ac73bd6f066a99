/**
 * Chart.js (MIT), embedded whole in every report so the file opens with no
 * network: inlined in an action bundle, else read from the chart.js package
 * installed beside stackci (see embedded-chart.ts).
 */

import { StackciError } from '../core/errors.js'
import { loadChartSource } from './embedded-chart.js'

export { CHART_JS_FILE } from './embedded-chart.js'

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

/** Version and source from the library's text. */
export function prepareChartLibrary(
  text: string,
  origin: string
): ChartLibrary {
  const version = /Chart\.js v(\d+\.\d+\.\d+\S*)/.exec(text)?.[1] ?? 'unknown'
  // A sourceMappingURL would make devtools fetch a file that is not there.
  const source = text
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
    // Inline, `</script` would end the element early; `<\/` means the same
    // in a string or regular expression.
    .replace(/<\/(script)/gi, '<\\/$1')
  return { source, version, origin }
}

/** The charting library; throws naming the fix when it cannot be found. */
export function chartLibrary(): ChartLibrary {
  if (cached !== undefined) return cached
  let loaded: { text: string; origin: string }
  try {
    loaded = loadChartSource()
  } catch (error) {
    throw new ReportError('the HTML report needs the chart.js package', {
      hint: 'reinstall stackci with its dependencies (npm ci), or npm install chart.js@4',
      cause: error
    })
  }
  cached = prepareChartLibrary(loaded.text, loaded.origin)
  return cached
}
