/** The report's stylesheet (one `<style>`, allowed by its hash). */

import { LEVEL_COLORS, STATUS_COLORS } from './chart-config.js'

const swatches = [
  ...Object.entries(STATUS_COLORS).map(([s, c]) => `.s-${s}{background:${c}}`),
  ...Object.entries(LEVEL_COLORS).map(([l, c]) => `.l-${l}{border-color:${c}}`)
].join('')

export const REPORT_STYLE = `
:root{color-scheme:light;--fg:#1d1d1f;--muted:#5f6368;--line:#dadce0;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:18px;border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 4px}
h3 small,.summary,.gate,.counts,.description,.run,footer{color:var(--muted);font-weight:normal}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--soft);padding:1px 4px;border-radius:3px}
nav{margin:8px 0 12px}nav a{margin-right:10px}
a{color:#1a57c9}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:14px;padding:0;margin:8px 0 0}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:middle}
.swatch.line{width:18px;height:0;border-radius:0;border-top:2px dashed #757575;background:none}
${swatches}
.metric{border:1px solid var(--line);border-radius:6px;padding:4px 14px 10px;margin:14px 0}
.chart{position:relative;height:320px}
.details{background:var(--soft);border-radius:4px;padding:6px 10px;margin-top:8px}
.details ul{margin:4px 0 0;padding-left:18px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.fail td{background:#fdecea}tr.warn td{background:#fff4e0}
td.result{width:28px;text-align:center;font-weight:700}td.result.pass{color:#2e7d32}td.result.fail{color:#c62828}td.result.warn{color:#b36b00}td.result.info{color:#757575}
footer{margin-top:30px;padding:12px 20px 24px;border-top:1px solid var(--line);font-size:12px}
`
