/**
 * A metric's trend as a Mermaid `xychart-beta` (GitHub renders it in job
 * summaries and comments): the baseline series' recent values, this run as
 * the last point, and the gating threshold as a flat line when there is one.
 */

import { describeKey, type ComparedMeasurement } from './metrics-model.js'

export interface ChartOptions {
  /** Baseline points shown (the newest), default 30. */
  points?: number
  /** A threshold in the measurement's unit, drawn as a second line. */
  threshold?: number
}

/** Mermaid strings are double-quoted; it has no escape for `"`. */
function label(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[\r\n]+/g, ' ')}"`
}

/** A number Mermaid reads, short enough to keep the block small. */
function num(value: number): string {
  return Number(value.toPrecision(6)).toString()
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(5, 10)
}

/** The fenced mermaid block for one comparison. */
export function trendChart(
  c: ComparedMeasurement,
  options: ChartOptions = {}
): string {
  const history = c.history.slice(-(options.points ?? 30))
  const values = [...history.map((p) => p.value), c.value]
  const labels = [...history.map((p) => day(p.time)), 'this run']
  const all = [...values]
  if (options.threshold !== undefined) all.push(options.threshold)
  if (c.band !== undefined) all.push(c.band.low, c.band.high)
  let min = Math.min(...all)
  let max = Math.max(...all)
  const pad = (max - min) * 0.1 || Math.abs(max) * 0.1 || 1
  min -= pad
  max += pad
  const unit = c.unit === '' ? 'value' : c.unit
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title ${label(`${describeKey(c)} (${c.series} vs ${c.history.length > 0 ? 'baseline' : 'no baseline'})`)}`,
    `  x-axis [${labels.map(label).join(', ')}]`,
    `  y-axis ${label(unit)} ${num(min)} --> ${num(max)}`,
    `  line [${values.map(num).join(', ')}]`
  ]
  if (options.threshold !== undefined) {
    lines.push(
      `  line [${values.map(() => num(options.threshold as number)).join(', ')}]`
    )
  }
  lines.push('```')
  return lines.join('\n')
}
