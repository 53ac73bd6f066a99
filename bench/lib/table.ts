/**
 * Benchmark helpers: timing with warm-up and repeats, and the table every
 * benchmark prints (ours vs the baseline measured in the same run, with the
 * ratio and the aim).
 */

export interface Row {
  metric: string
  ours: number
  baseline: number
  unit: string
  /** How to read the ratio, e.g. `≤ 3×` or `≥ 1.0`. */
  aim?: string
  /** Does the ratio meet the aim? Printed as a mark. */
  met?: boolean
}

function fmt(n: number): string {
  if (n === 0) return '0'
  if (Math.abs(n) >= 1000) return n.toFixed(0)
  if (Math.abs(n) >= 10) return n.toFixed(1)
  return n.toPrecision(3)
}

/** Prints a Markdown table: metric, ours, baseline, ratio, aim. */
export function printTable(title: string, rows: Row[]): void {
  const lines = [
    `## ${title}`,
    '',
    '| metric | ours | baseline | ratio (ours/baseline) | aim |',
    '| --- | ---: | ---: | ---: | --- |'
  ]
  for (const r of rows) {
    const ratio = r.baseline === 0 ? Infinity : r.ours / r.baseline
    const mark = r.met === undefined ? '' : r.met ? ' ✅' : ' ❌'
    lines.push(
      `| ${r.metric} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ${ratio !== 0 && ratio < 0.01 ? ratio.toPrecision(2) : ratio.toFixed(2)}× | ${r.aim ?? ''}${mark} |`
    )
  }
  console.log(lines.join('\n'))
}

/** Median wall time (ms) of `repeats` runs of `fn`, after `warmup` runs. */
export async function timeIt(
  fn: () => unknown,
  repeats = 5,
  warmup = 1
): Promise<{ median: number; all: number[] }> {
  for (let i = 0; i < warmup; i++) await fn()
  const all: number[] = []
  for (let i = 0; i < repeats; i++) {
    ;(globalThis as { gc?: () => void }).gc?.()
    const t = performance.now()
    await fn()
    all.push(performance.now() - t)
  }
  const sorted = [...all].sort((a, b) => a - b)
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, all }
}
