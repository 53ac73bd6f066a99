import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseSince } from '../../../src/report/step.js'
import { InputError, RecordingReporter } from '../../../src/core/index.js'
import {
  LEVEL_COLORS,
  STATUS_COLORS,
  buildReportModel,
  chartConfig,
  chartLibrary,
  escapeHtml,
  renderReportHtml,
  scriptJson,
  writeReport,
  yRange,
  type ChartDatum,
  type ReportModel
} from '../../../src/report/index.js'
import { readStoreHistory } from '../../../src/metrics/index.js'
import { loadDefinitions } from '../../../src/verify/index.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'
import {
  EXAMPLES,
  SECRET,
  badRun,
  dispatchInto,
  goodRun,
  writeRunJobs
} from '../../helpers/report.js'
import { rejection, thrown } from '../../helpers/thrown.js'

const gate = { fail: ['minimum'], warn: ['design'] }
const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'

async function storeWith(
  runs: Parameters<typeof writeRunJobs>[2][]
): Promise<string> {
  const dir = tempDir('stackci-report-')
  const store = join(dir, 'metrics.sqlite')
  for (const [i, jobs] of runs.entries())
    await dispatchInto(store, writeRunJobs(dir, i + 1, jobs))
  return store
}

async function modelOf(store: string): Promise<ReportModel> {
  return buildReportModel(
    readStoreHistory(store),
    await loadDefinitions(EXAMPLES),
    { title: 'test', gate, now: () => T0 }
  )
}

/** The JSON the page's script reads. */
function pageData(html: string): {
  runs: unknown[]
  charts: { canvas: string; config: ReturnType<typeof chartConfig> }[]
} {
  const m =
    /<script type="application\/json" id="stackci-report-data">([^<]*)<\/script>/.exec(
      html
    )
  if (m?.[1] === undefined) throw new Error('no report data in the page')
  return JSON.parse(m[1]) as ReturnType<typeof pageData>
}

describe('the chart configuration', () => {
  it('colours each point by its status and draws every threshold as a dashed line', async () => {
    const model = await modelOf(await storeWith([goodRun(), badRun()]))
    const phot = model.metrics.find((m) => m.metric === 'skyprobe.phot_rms')
    if (phot === undefined) throw new Error('no phot_rms')
    const config = chartConfig(phot, model)
    const series = config.data.datasets.filter(
      (d) => d.stackci.kind === 'series'
    )
    expect(series.map((d) => d.label)).toEqual([
      'field_a · SIM',
      'field_b · SIM · HSC-R'
    ])
    expect(series[1]?.pointBackgroundColor).toEqual([
      STATUS_COLORS.pass,
      STATUS_COLORS.fail
    ])
    expect((series[1]?.data as ChartDatum[]).map((d) => d.y)).toEqual([9.4, 34])
    const thresholds = config.data.datasets.filter(
      (d) => d.stackci.kind === 'threshold'
    )
    const minimum = thresholds.find(
      (d) => d.stackci.spec === 'skyprobe.phot_rms.minimum'
    )
    expect(minimum).toMatchObject({
      label: 'minimum ≤ 30 mmag',
      borderColor: LEVEL_COLORS.fail,
      borderDash: [7, 4],
      pointRadius: 0
    })
    expect(minimum?.data.map((p) => p.y)).toEqual([30, 30])
    expect(config.options.scales.y.min).toBeLessThanOrEqual(8.9)
    expect(config.options.scales.y.max).toBeGreaterThanOrEqual(34)
  })

  it('puts points with no value on their own crossed-out dataset', async () => {
    const model = await modelOf(await storeWith([goodRun(), badRun()]))
    const matched = model.metrics.find(
      (m) => m.metric === 'skyprobe.matched_fraction'
    )
    if (matched === undefined) throw new Error('no matched_fraction')
    const config = chartConfig(matched, model)
    const none = config.data.datasets.find((d) => d.stackci.kind === 'no-value')
    expect(none?.pointStyle).toBe('crossRot')
    expect(none?.data).toHaveLength(1)
    expect((none?.data as ChartDatum[])[0]?.status).toBe('no-value')
    expect(none?.showLine).toBe(false)
  })

  it('keeps a threshold far off the data out of the y range, labelled off scale', () => {
    const r = yRange([3.2, 3.9, 4.1], [600])
    expect(r.max).toBeLessThan(10)
    expect(r.shown(600)).toBe(false)
    const near = yRange([14.2, 15.1], [15, 25, 30, 60])
    expect(near.max).toBeGreaterThanOrEqual(30)
    expect(near.max).toBeLessThan(60)
    expect(near.shown(60)).toBe(false)
    expect(near.shown(30)).toBe(true)
  })
})

describe('the report page', () => {
  it('is one file: Chart.js inline, data as JSON, a CSP allowing only its own scripts', async () => {
    const model = await modelOf(await storeWith([goodRun(), badRun()]))
    const lib = chartLibrary()
    expect(lib.version).toMatch(/^4\./)
    const html = renderReportHtml(model, lib)
    expect(html).not.toMatch(/<script[^>]+src=/)
    expect(html).not.toMatch(/<link[^>]+href=/)
    expect(html).not.toContain('sourceMappingURL')
    expect(html).toContain(lib.source)
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(
      html
    )?.[1]
    expect(csp).toContain("default-src 'none'")
    // Every inline script is allowed by its hash, and nothing else is.
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
      (m) => m[1] ?? ''
    )
    expect(scripts).toHaveLength(2)
    for (const s of scripts) {
      const hash = createHash('sha256').update(s, 'utf8').digest('base64')
      expect(csp).toContain(`'sha256-${hash}'`)
    }
    const data = pageData(html)
    expect(data.charts.map((c) => c.canvas)).toEqual([
      'chart-0',
      'chart-1',
      'chart-2',
      'chart-3'
    ])
    expect(html.match(/<canvas /g)).toHaveLength(4)
  })

  it('has a pass/fail table per dataset with the latest run and its build links', async () => {
    const html = renderReportHtml(
      await modelOf(await storeWith([goodRun(), badRun()])),
      chartLibrary()
    )
    const sections = [
      ...html.matchAll(/<section class="dataset" data-dataset="([^"]+)">/g)
    ].map((m) => m[1])
    expect(sections).toEqual(['field_a · SIM', 'field_b · SIM · HSC-R'])
    expect(html).toContain(
      '<small>1 failed · 2 warned · 4 passed · 1 other</small>'
    )
    expect(html).toMatch(
      /<tr class="fail"><td class="result fail" title="failed">✗<\/td><td><code>skyprobe\.phot_rms<\/code><\/td><td>minimum<\/td><td class="num">34 mmag<\/td><td>≤ 30 mmag<\/td>/
    )
    expect(html).toContain(
      '<a href="https://jenkins.example.org/job/stack-os-matrix/102/" rel="noopener noreferrer">Jenkins build</a>'
    )
    expect(html).toContain(
      'href="https://github.com/example/stack/actions/runs/9002"'
    )
    expect(html).not.toContain(SECRET)
  })

  it('escapes metadata everywhere and links only http(s) URLs', async () => {
    const store = await storeWith([
      [
        {
          dataset: HOSTILE,
          instrument: `SIM"'&`,
          values: { astrom_rms: 10 },
          meta: {
            git_sha: `</script><script>alert(2)</script>`,
            version_tag: `<b>w_2026_01</b>`,
            jenkins_build_url: 'javascript:alert(3)',
            workflow_run_url: `https://ok.example/"><script>alert(4)</script>`
          }
        }
      ]
    ])
    const html = renderReportHtml(await modelOf(store), chartLibrary())
    const outsideScripts = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '')
    expect(outsideScripts).not.toContain('<script')
    expect(outsideScripts).not.toContain('<img')
    expect(outsideScripts).not.toContain('<b>')
    expect(outsideScripts).toContain(escapeHtml(HOSTILE))
    expect(html).not.toContain('javascript:alert')
    // The JSON island cannot be ended by data.
    const island = /id="stackci-report-data">([\s\S]*?)<\/script>/.exec(
      html
    )?.[1]
    expect(island).not.toMatch(/[<>]/)
    expect(JSON.stringify(pageData(html).runs)).toContain(
      '</script><script>alert(2)</script>'
    )
    // The only link left is the http(s) one, percent-encoded by URL.
    expect(outsideScripts).toContain(
      'href="https://ok.example/%22%3E%3Cscript%3Ealert(4)%3C/script%3E"'
    )
  })

  it('escapes the five HTML specials and script-breaking JSON', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;'
    )
    const text = scriptJson({ a: '</script><!--\u2028' })
    expect(text).not.toMatch(/[<>\u2028]/)
    expect(JSON.parse(text)).toEqual({ a: '</script><!--\u2028' })
  })
})

describe('writeReport', () => {
  it('writes the file atomically and reports what it holds', async () => {
    const store = await storeWith([goodRun(), goodRun()])
    const out = join(tempDir(), 'nested', 'report.html')
    const reporter = new RecordingReporter()
    const result = await writeReport(
      { store, definitions: EXAMPLES, out, title: 'Nightly <stack>' },
      reporter
    )
    const html = readFileSync(out, 'utf8')
    expect(result.bytes).toBe(Buffer.byteLength(html))
    expect(html).toContain('<title>Nightly &#60;stack&#62;</title>')
    expect(result.summary.metrics.map((m) => m.points)).toEqual([4, 4, 4, 4])
    expect(reporter.text('info')).toMatch(
      /wrote .*report\.html \(\d+ KiB\): 4 metric\(s\), 2 dataset\(s\), 4 run\(s\)/
    )
  })

  it('tells the user the charts have no thresholds without definitions', async () => {
    const store = await storeWith([goodRun()])
    const reporter = new RecordingReporter()
    await writeReport({ store, out: join(tempDir(), 'r.html') }, reporter)
    expect(reporter.text('notice')).toContain('no metric definitions given')
  })

  it('fails clearly on a missing store and writes nothing', async () => {
    const out = join(tempDir(), 'r.html')
    const error = await rejection(
      writeReport(
        { store: join(tempDir(), 'none.sqlite'), out },
        new RecordingReporter()
      )
    )
    expect((error as Error).message).toContain('no metrics store')
    expect(() => readFileSync(out)).toThrow()
  })
})

describe('--since', () => {
  const now = T0 + 100 * DAY
  it('reads dates, UTC date-times and durations back from now', () => {
    expect(parseSince('2026-01-01', now)).toBe(T0)
    expect(parseSince('2026-01-01T06:00:00Z', now)).toBe(T0 + 6 * 3_600_000)
    expect(parseSince('2026-01-01T06:00:00', now)).toBe(T0 + 6 * 3_600_000)
    expect(parseSince('90d', now)).toBe(T0 + 10 * DAY)
  })
  it('names the flag and the forms it takes on anything else', () => {
    const error = thrown(() => parseSince('last tuesday', now))
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain('--since must be a date')
  })
})
