/// <reference lib="dom" />
/**
 * The HTML report as a user sees it: real SQLite history (sample-stack jobs
 * dispatched by `stackci metrics dispatch`), `stackci report`, then the file
 * opened in Debian's chromium with the network cut off. A screenshot is
 * kept under test-output/report/.
 */

import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { STATUS_COLORS } from '../../../src/report/index.js'
import {
  launchChromium,
  openFile,
  type Browser
} from '../../helpers/browser.js'
import { runCli, type CliRun } from '../../helpers/cli.js'
import { tempDir } from '../../helpers/metrics.js'
import {
  EXAMPLES,
  SECRET,
  badRun,
  goodRun,
  writeRunJobs
} from '../../helpers/report.js'

const OUTPUT = join(process.cwd(), 'test-output', 'report')

interface Summary {
  runs: number
  metrics: { metric: string; points: number; lines: { points: number }[] }[]
}

async function dispatch(
  store: string,
  files: string[],
  series = 'main'
): Promise<void> {
  const r = await runCli([
    'metrics',
    'dispatch',
    '--definitions',
    EXAMPLES,
    '--sqlite',
    store,
    '--no-spool',
    '--env',
    'none',
    '--series',
    series,
    '--no-gate',
    ...files
  ])
  if (r.code !== 0) throw new Error(`dispatch failed:\n${r.stderr}`)
}

async function report(
  store: string,
  out: string,
  ...more: string[]
): Promise<CliRun> {
  return runCli([
    'report',
    '--store',
    store,
    '--definitions',
    EXAMPLES,
    '--out',
    out,
    ...more
  ])
}

function summaryOf(r: CliRun): Summary {
  expect(r.stderr).not.toContain('error')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Summary
}

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** What the page's charts hold, read back through Chart.js itself. */
interface RenderedChart {
  metric: string
  width: number
  height: number
  painted: number
  series: {
    label: string
    colors: string[]
    points: { x: number; y: number }[]
  }[]
  thresholds: { label: string; y: number; dash: number[] }[]
}

async function renderedCharts(page: Page): Promise<RenderedChart[]> {
  return page.evaluate(() => {
    interface ChartLike {
      data: {
        datasets: {
          label: string
          data: { y: number }[]
          borderDash?: number[]
          pointBackgroundColor?: string[]
          stackci: { kind: string }
        }[]
      }
      getDatasetMeta(i: number): { data: { x: number; y: number }[] }
    }
    const Chart = (
      window as unknown as {
        Chart: { getChart(c: HTMLCanvasElement): ChartLike | undefined }
      }
    ).Chart
    return Array.from(document.querySelectorAll('section.metric')).map(
      (section) => {
        const canvas = section.querySelector('canvas') as HTMLCanvasElement
        const chart = Chart.getChart(canvas)
        if (chart === undefined) throw new Error('a canvas without a chart')
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data
        let painted = 0
        for (let i = 3; i < pixels.length; i += 4)
          if (pixels[i] !== 0) painted++
        const datasets = chart.data.datasets
        return {
          metric: section.getAttribute('data-metric') ?? '',
          width: canvas.width,
          height: canvas.height,
          painted,
          series: datasets
            .map((d, i) => ({ d, i }))
            .filter(({ d }) => d.stackci.kind === 'series')
            .map(({ d, i }) => ({
              label: d.label,
              colors: d.pointBackgroundColor ?? [],
              points: chart
                .getDatasetMeta(i)
                .data.map((e) => ({ x: e.x, y: e.y }))
            })),
          thresholds: datasets
            .filter((d) => d.stackci.kind === 'threshold')
            .map((d) => ({
              label: d.label,
              y: d.data[0]?.y ?? NaN,
              dash: d.borderDash ?? []
            }))
        }
      }
    )
  })
}

/** The RGB of one canvas pixel at chart coordinates (x, y). */
async function pixelAt(
  page: Page,
  metric: string,
  x: number,
  y: number
): Promise<[number, number, number]> {
  return page.evaluate(
    ({ metric, x, y }) => {
      const canvas = document.querySelector(
        `section.metric[data-metric="${metric}"] canvas`
      ) as HTMLCanvasElement
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D
      const p = ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data
      return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0] as [number, number, number]
    },
    { metric, x, y }
  )
}

describe('stackci report in a browser', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
    mkdirSync(OUTPUT, { recursive: true })
  })
  afterAll(async () => {
    await browser.close()
  })

  it('renders a trend per metric with thresholds, coloured points, hover details and the dataset tables, offline', async () => {
    const dir = tempDir('stackci-report-')
    const store = join(dir, 'metrics.sqlite')
    await dispatch(store, writeRunJobs(dir, 1, goodRun()))
    await dispatch(store, writeRunJobs(dir, 2, badRun()))
    const out = join(dir, 'report.html')
    const r = await report(store, out, '--title', 'skyprobe nightly', '--json')
    const summary = summaryOf(r)
    expect(r.stderr).toContain('wrote ')
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET)
    const html = readFileSync(out, 'utf8')
    expect(html).not.toContain(SECRET)
    copyFileSync(out, join(OUTPUT, 'report.html'))

    const { page, blocked, errors } = await openFile(
      browser,
      pathToFileURL(out).href
    )
    await page.waitForFunction(
      () => document.body.getAttribute('data-charts') !== 'loading',
      undefined,
      { timeout: 30_000 }
    )
    expect(await page.getAttribute('body', 'data-charts')).toBe('ready')
    expect(await page.title()).toBe('skyprobe nightly')

    // One drawn chart per metric.
    const charts = await renderedCharts(page)
    expect(charts.map((c) => c.metric)).toEqual(
      summary.metrics.map((m) => m.metric)
    )
    expect(await page.locator('canvas').count()).toBe(4)
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(300)
      expect(c.height).toBeGreaterThan(200)
      // Axes, grid, lines, points and legend: far more than a blank canvas.
      expect(c.painted).toBeGreaterThan(c.width * c.height * 0.01)
    }

    // phot_rms: field_b passes then fails its minimum; the thresholds
    // (minimum, design, field_b's design, stretch) are dashed lines.
    const phot = charts.find((c) => c.metric === 'skyprobe.phot_rms')
    expect(phot?.thresholds.map((t) => [t.label, t.y])).toEqual(
      expect.arrayContaining([
        ['minimum ≤ 30 mmag', 30],
        ['design ≤ 20 mmag', 20],
        ['field_b_design ≤ 15 mmag (dataset_name=field_b)', 15]
      ])
    )
    expect(phot?.thresholds.every((t) => t.dash.length === 2)).toBe(true)
    const fieldB = phot?.series.find((s) => s.label === 'field_b · SIM · HSC-R')
    expect(fieldB?.colors).toEqual([STATUS_COLORS.pass, STATUS_COLORS.fail])
    const astrom = charts.find((c) => c.metric === 'skyprobe.astrom_rms')
    expect(
      astrom?.series.find((s) => s.label === 'field_a · SIM')?.colors
    ).toEqual([STATUS_COLORS.pass, STATUS_COLORS.warn])

    // The failing point is painted red where Chart.js put it.
    const failing = fieldB?.points[1]
    if (failing === undefined) throw new Error('no failing point')
    const painted = await pixelAt(
      page,
      'skyprobe.phot_rms',
      failing.x,
      failing.y
    )
    const red = rgb(STATUS_COLORS.fail)
    painted.forEach((v, i) => {
      expect(Math.abs(v - (red[i] ?? 0))).toBeLessThan(40)
    })

    // Hovering the failing point shows its value, checks and provenance.
    const canvas = page.locator(
      'section.metric[data-metric="skyprobe.phot_rms"] canvas'
    )
    await canvas.scrollIntoViewIfNeeded()
    const box = await canvas.boundingBox()
    if (box === null) throw new Error('the canvas is not laid out')
    await page.mouse.move(box.x + failing.x, box.y + failing.y)
    const tooltip = await page.evaluate(() => {
      const canvas = document.querySelector(
        'section.metric[data-metric="skyprobe.phot_rms"] canvas'
      ) as HTMLCanvasElement
      const chart = (
        window as unknown as {
          Chart: {
            getChart(c: HTMLCanvasElement): {
              tooltip: {
                opacity: number
                title: string[]
                body: { lines: string[]; after: string[] }[]
              }
            }
          }
        }
      ).Chart.getChart(canvas)
      const t = chart.tooltip
      return {
        opacity: t.opacity,
        text: [...t.title, ...t.body.flatMap((b) => [...b.lines, ...b.after])]
      }
    })
    expect(tooltip.opacity).toBeGreaterThan(0)
    expect(tooltip.text).toEqual(
      expect.arrayContaining([
        '2026-01-03 00:01 UTC',
        'field_b · SIM · HSC-R: 34 mmag (fail)',
        '✗ minimum ≤ 30 mmag',
        'series main',
        'release d_2026_01_02',
        'git 22222222abcd',
        'image sha256:222222222222…',
        'Jenkins build: https://jenkins.example.org/job/stack-os-matrix/102/',
        'workflow run: https://github.com/example/stack/actions/runs/9002'
      ])
    )
    // A click pins the details, with real links.
    await page.mouse.click(box.x + failing.x, box.y + failing.y)
    const details = page.locator(
      'section.metric[data-metric="skyprobe.phot_rms"] .details'
    )
    await details.waitFor({ state: 'visible' })
    expect(
      await details
        .locator('a')
        .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))
    ).toEqual([
      'https://jenkins.example.org/job/stack-os-matrix/102/',
      'https://github.com/example/stack/actions/runs/9002'
    ])

    // The pass/fail table of each dataset's latest run.
    expect(await page.locator('section.dataset h3').allTextContents()).toEqual([
      'field_a · SIM 0 failed · 1 warned · 7 passed · 1 other',
      'field_b · SIM · HSC-R 1 failed · 2 warned · 4 passed · 1 other'
    ])
    const firstRow = page
      .locator('section.dataset[data-dataset="field_b · SIM · HSC-R"] tbody tr')
      .first()
    expect(await firstRow.getAttribute('class')).toBe('fail')
    expect(
      (await firstRow.locator('td').allTextContents()).slice(0, 5)
    ).toEqual(['✗', 'skyprobe.phot_rms', 'minimum', '34 mmag', '≤ 30 mmag'])
    expect(
      await page
        .locator('section.dataset')
        .first()
        .locator('a')
        .allTextContents()
    ).toEqual(['Jenkins build', 'workflow run'])

    const shot = join(OUTPUT, 'report.png')
    await page.screenshot({ path: shot, fullPage: true })
    expect(statSync(shot).size).toBeGreaterThan(20_000)

    expect(blocked).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows a second point per metric after a second run (stackci report --json)', async () => {
    const dir = tempDir('stackci-report-')
    const store = join(dir, 'metrics.sqlite')
    const out = join(dir, 'report.html')
    await dispatch(store, writeRunJobs(dir, 1, goodRun()))
    const first = summaryOf(await report(store, out, '--json'))
    expect(first.runs).toBe(2)
    for (const m of first.metrics)
      expect(m.lines.map((l) => l.points)).toEqual([1, 1])

    await dispatch(store, writeRunJobs(dir, 2, goodRun()))
    const second = summaryOf(await report(store, out, '--json'))
    expect(second.runs).toBe(4)
    expect(second.metrics.map((m) => m.metric)).toEqual(
      first.metrics.map((m) => m.metric)
    )
    for (const m of second.metrics)
      expect(m.lines.map((l) => l.points)).toEqual([2, 2])

    // And the page draws them: two points on every line.
    const { page } = await openFile(browser, pathToFileURL(out).href)
    await page.waitForFunction(
      () => document.body.getAttribute('data-charts') === 'ready'
    )
    for (const c of await renderedCharts(page))
      for (const s of c.series) expect(s.points).toHaveLength(2)
    await page.close()
  })

  it('--series and --since narrow the history; a missing store is a clear error', async () => {
    const dir = tempDir('stackci-report-')
    const store = join(dir, 'metrics.sqlite')
    const out = join(dir, 'report.html')
    await dispatch(store, writeRunJobs(dir, 1, goodRun()), 'weekly')
    await dispatch(store, writeRunJobs(dir, 2, goodRun()), 'main')
    const weekly = summaryOf(
      await report(store, out, '--series', 'weekly', '--json')
    )
    expect(weekly.runs).toBe(2)
    const since = summaryOf(
      await report(store, out, '--since', '2026-01-03', '--json')
    )
    expect(since.runs).toBe(2)
    const none = await report(store, out, '--series', 'pr/7')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('no measurements in')
    expect(none.stderr).toContain('holds the series main, weekly')

    const missing = await report(join(dir, 'nope.sqlite'), out)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no metrics store')
    expect(missing.stderr).toContain('stackci metrics dispatch')
  })

  it('works from an action bundle built by scripts/package.mjs: Chart.js inlined', async () => {
    const dir = tempDir('stackci-report-bundle-')
    const bundle = join(dir, 'report.cjs')
    const build = spawnSync(
      process.execPath,
      [
        'scripts/package.mjs',
        '--entry',
        'test/fixtures/report-bundle/entry.ts',
        '--outfile',
        bundle
      ],
      { encoding: 'utf8' }
    )
    expect(build.stderr).toBe('')
    expect(build.status).toBe(0)
    const code = readFileSync(bundle, 'utf8')
    expect(code).toContain('Chart.js v4')
    expect(code).not.toContain('import.meta')

    const store = join(dir, 'metrics.sqlite')
    await dispatch(store, writeRunJobs(dir, 1, goodRun()))
    const out = join(dir, 'out', 'report.html')
    // Run from the bundle's own directory: there is no chart.js to find
    // there; better-sqlite3 is found beside the workspace (the cwd).
    const run = spawnSync(process.execPath, [bundle, store, EXAMPLES, out], {
      encoding: 'utf8',
      cwd: process.cwd()
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const printed = JSON.parse(run.stdout) as {
      origin: string
      version: string
      points: number[]
    }
    expect(printed.origin).toBe('bundle')
    expect(printed.version).toMatch(/^4\./)
    expect(printed.points).toEqual([2, 2, 2, 2])

    const { page, blocked, errors } = await openFile(
      browser,
      pathToFileURL(out).href
    )
    await page.waitForFunction(
      () => document.body.getAttribute('data-charts') !== 'loading'
    )
    expect(await page.getAttribute('body', 'data-charts')).toBe('ready')
    expect(await page.locator('canvas').count()).toBe(4)
    expect(blocked).toEqual([])
    expect(errors).toEqual([])
    writeFileSync(join(OUTPUT, 'bundle-report.txt'), run.stdout)
    await page.close()
  })
})
