/**
 * The report as one self-contained HTML file: the tables are markup, the
 * charts are drawn by the embedded Chart.js from embedded JSON. Every string
 * from the store is escaped for its context (text, attribute, JSON inside a
 * script element), links are http(s) only, and a Content-Security-Policy
 * allows nothing but the page's own scripts and style (by hash): no network,
 * and injected markup could not run even if escaping were wrong.
 */

import { STATUS_COLORS, chartConfig } from './chart-config.js'
import {
  DATA_CALLBACK,
  chartFrame,
  dataFileName,
  packMetric,
  type PackedChart
} from './chart-data.js'
import type { ChartLibrary } from './chart-library.js'
import { POINT_STATUSES, type PointStatus } from './checks.js'
import { CLIENT_SCRIPT } from './client-script.js'
import type { DatasetRow, DatasetTable } from './dataset-tables.js'
import type { ReportMetric, ReportModel, ReportRun } from './report-model.js'
import { REPORT_STYLE } from './style.js'
import { nodeCrypto } from '../core/builtins.js'

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** JSON that cannot end its `<script>` element or open a comment. */
export function scriptJson(value: unknown): string {
  // One pass: the page's data can be megabytes.
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

function sha256(text: string): string {
  return `'sha256-${nodeCrypto().createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

const STATUS_TEXT: Record<PointStatus, string> = {
  pass: 'pass',
  warn: 'warn',
  fail: 'fail',
  'no-value': 'no value',
  'no-spec': 'no specification'
}

function iso(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC')
}

function value(v: number | null, unit: string): string {
  if (v === null) return 'no value'
  const shown = String(Number(v.toPrecision(6)))
  return unit === '' ? shown : `${shown} ${unit}`
}

function runFacts(run: ReportRun): string {
  const facts: string[] = [
    `<time datetime="${new Date(run.time).toISOString()}">${escapeHtml(iso(run.time))}</time>`,
    `series <code>${escapeHtml(run.series)}</code>`
  ]
  if (run.releaseTag !== undefined)
    facts.push(`release <code>${escapeHtml(run.releaseTag)}</code>`)
  if (run.gitSha !== undefined)
    facts.push(
      `git <code title="${escapeHtml(run.gitSha)}">${escapeHtml(run.gitSha.slice(0, 12))}</code>`
    )
  if (run.imageDigest !== undefined)
    facts.push(
      `image <code title="${escapeHtml(run.imageDigest)}">${escapeHtml(run.imageDigest.slice(0, 19))}…</code>`
    )
  for (const l of run.links)
    facts.push(
      `<a href="${escapeHtml(l.url)}" rel="noopener noreferrer">${escapeHtml(l.label)}</a>`
    )
  return facts.join(' · ')
}

function resultCell(row: DatasetRow): string {
  if (row.spec === undefined || row.passed === null)
    return '<td class="result none" title="no value or no specification">–</td>'
  if (row.passed) return '<td class="result pass" title="passed">✓</td>'
  return `<td class="result ${row.level ?? 'info'}" title="failed">✗</td>`
}

function datasetSection(table: DatasetTable, model: ReportModel): string {
  const run = model.runs[table.run] as ReportRun
  const rows = table.rows
    .map((r) => {
      const cls =
        r.passed === false ? (r.level ?? 'info') : r.passed ? 'pass' : 'none'
      return `<tr class="${cls}">${resultCell(r)}<td><code>${escapeHtml(r.metric)}</code></td><td>${r.spec === undefined ? '<em>no specification</em>' : escapeHtml(r.spec.slice(r.metric.length + 1))}</td><td class="num">${escapeHtml(value(r.value, r.unit))}</td><td>${escapeHtml(r.threshold ?? '')}</td><td>${escapeHtml(r.tags.join(', '))}</td><td>${r.level ?? ''}</td></tr>`
    })
    .join('\n')
  const c = table.counts
  return `<section class="dataset" data-dataset="${escapeHtml(table.label)}">
<h3>${escapeHtml(table.label)} <small>${c.failed} failed · ${c.warned} warned · ${c.passed} passed${c.other > 0 ? ` · ${c.other} other` : ''}</small></h3>
<p class="run">latest run: ${runFacts(run)}</p>
<table class="results"><thead><tr><th></th><th>metric</th><th>specification</th><th>value</th><th>threshold</th><th>tags</th><th>gate</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`
}

/** The text of a metric's data file: a call the page's script answers. */
export function dataFileText(metric: string, packed: PackedChart): string {
  return `${DATA_CALLBACK}(${scriptJson(metric)},${scriptJson(packed)})\n`
}

function resolution(
  metric: ReportMetric,
  index: number,
  points: number,
  full: boolean
): string {
  if (!metric.sampled) return ''
  const drawn = metric.lines.reduce((n, l) => n + l.points.length, 0)
  const button = full
    ? ` <button type="button" id="full-${index}">show all ${points} points</button>`
    : ''
  return `<p class="resolution">Drawn: ${drawn} of ${points} points (the lowest and highest of each stretch of time, the newest points and every point that fails, warns or has no value).${button}</p>`
}

function metricSection(
  metric: ReportMetric,
  index: number,
  full: boolean,
  chartJson: string
): string {
  const points = metric.lines.reduce((n, l) => n + l.total, 0)
  const counts = POINT_STATUSES.filter((s) => metric.counts[s] > 0)
    .map((s) => `${metric.counts[s]} ${STATUS_TEXT[s]}`)
    .join(' · ')
  const specs = metric.thresholds
    .map(
      (t) =>
        `<tr><td><span class="swatch line l-${t.level}"></span><code>${escapeHtml(t.spec)}</code></td><td>${escapeHtml(t.label)}</td><td>${escapeHtml(t.tags.join(', '))}</td><td>${escapeHtml(t.query === '' ? 'every job' : t.query)}</td><td>${t.level}</td></tr>`
    )
    .join('\n')
  return `<section class="metric" id="metric-${index}" data-metric="${escapeHtml(metric.metric)}" data-points="${points}" data-lines="${metric.lines.length}">
<h3>${escapeHtml(metric.metric)}${metric.unit === '' ? '' : ` <small>${escapeHtml(metric.unit)}</small>`}</h3>
${metric.description === '' ? '' : `<p class="description">${escapeHtml(metric.description)}</p>`}
<p class="counts">${points} point(s) in ${metric.lines.length} line(s): ${counts}</p>
<div class="chart"><canvas id="chart-${index}" role="img" aria-label="${escapeHtml(`trend of ${metric.metric}`)}"></canvas></div>
<script type="application/json" id="chart-data-${index}">${chartJson}</script>
${resolution(metric, index, points, full)}
<div class="details" id="details-${index}" hidden></div>
${metric.thresholds.length === 0 ? '<p class="nospec">No specification applies to these measurements.</p>' : `<details><summary>${metric.thresholds.length} specification(s)</summary><table class="specs"><thead><tr><th>specification</th><th>threshold</th><th>tags</th><th>applies to</th><th>gate</th></tr></thead><tbody>\n${specs}\n</tbody></table></details>`}
</section>`
}

function legend(model: ReportModel): string {
  const items = POINT_STATUSES.map(
    (s) => `<li><span class="swatch s-${s}"></span>${STATUS_TEXT[s]}</li>`
  ).join('')
  return `<ul class="legend">${items}</ul>
<p class="gate">Points fail when they fail a specification tagged ${escapeHtml(model.gate.fail.join(', ') || '(none)')}, warn on one tagged ${escapeHtml(model.gate.warn.join(', ') || '(none)')}; other specifications are drawn and listed. Hover a point for details; click it for its links.</p>`
}

/** A directory as a page refers to it (each component URL-encoded). */
function dirHref(dir: string): string {
  return dir.split('/').map(encodeURIComponent).join('/')
}

/**
 * The page `html` loading its data files from `to` instead of `from` (both
 * relative to the page): for a copy of the page published elsewhere.
 */
export function relocateDataDir(
  html: string,
  from: string,
  to: string
): string {
  return html.split(`"full":"${dirHref(from)}/`).join(`"full":"${dirHref(to)}/`)
}

/** Above this many drawn points, charts are drawn as they scroll into view. */
const EAGER_POINTS = 20_000

export interface RenderOptions {
  /**
   * The full-resolution data files' directory, relative to the page
   * (`report-data`); none: a decimated chart offers no full resolution.
   */
  dataDir?: string
}

/** The whole report page. */
export function renderReportHtml(
  model: ReportModel,
  library: ChartLibrary,
  options: RenderOptions = {}
): string {
  const { dataDir } = options
  let drawn = 0
  // Each chart's configuration and points are a JSON element of their own
  // in the chart's section, parsed when the chart is drawn: a page of
  // hundreds of charts parses only those scrolled to.
  const chartJson: string[] = []
  const charts = model.metrics.map((m, i) => {
    const config = chartConfig(m, model)
    const points = m.lines.reduce((n, l) => n + l.points.length, 0)
    drawn += points
    chartJson.push(
      scriptJson({ config: chartFrame(config), packed: packMetric(m) })
    )
    return {
      canvas: `chart-${i}`,
      details: `details-${i}`,
      data: `chart-data-${i}`,
      metric: m.metric,
      unit: m.unit,
      ...(m.sampled && dataDir !== undefined
        ? {
            full: `${dirHref(dataDir)}/${encodeURIComponent(dataFileName(m.metric))}`,
            button: `full-${i}`
          }
        : {})
    }
  })
  const loadsFiles = charts.some((c) => c.full !== undefined)
  const data = scriptJson({
    runs: model.runs,
    colors: STATUS_COLORS,
    lazy: drawn > EAGER_POINTS,
    charts
  })
  const csp = [
    "default-src 'none'",
    // 'strict-dynamic': the page's own script may add the script elements
    // of the data files beside it (file:// forbids fetch, not <script>).
    `script-src ${sha256(library.source)} ${sha256(CLIENT_SCRIPT)}${loadsFiles ? " 'strict-dynamic'" : ''}`,
    `style-src ${sha256(REPORT_STYLE)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'"
  ].join('; ')
  const title = escapeHtml(model.title)
  const datasets = new Set(model.datasets.map((d) => d.label)).size
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="stackci report">
<title>${title}</title>
<style>${REPORT_STYLE}</style>
</head>
<body data-charts="loading">
<header>
<h1>${title}</h1>
<p class="summary">${model.runs.length} run(s) from ${escapeHtml(iso(model.range.from))} to ${escapeHtml(iso(model.range.to))} · ${model.metrics.length} metric(s) · ${datasets} dataset(s) · store <code>${escapeHtml(model.store)}</code> · generated ${escapeHtml(iso(model.generatedAt))}</p>
${legend(model)}
<nav><strong>Metrics:</strong> ${model.metrics.map((m, i) => `<a href="#metric-${i}">${escapeHtml(m.metric)}</a>`).join(' ')}</nav>
</header>
<main>
<h2 id="datasets">Latest run per dataset</h2>
${model.datasets.map((d) => datasetSection(d, model)).join('\n')}
<h2 id="trends">Trends</h2>
${model.metrics.map((m, i) => metricSection(m, i, dataDir !== undefined, chartJson[i] ?? '{}')).join('\n')}
</main>
<footer>Made by stackci. Charts drawn by Chart.js ${escapeHtml(library.version)} (MIT License, © Chart.js Contributors), embedded in this file.</footer>
<script type="application/json" id="stackci-report-data">${data}</script>
<script>${library.source}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`
}
