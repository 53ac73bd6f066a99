/// <reference lib="dom" />
/**
 * A long history in the browser: 1,500 daily runs in a real SQLite store,
 * `stackci report`, the page opened offline in Debian's chromium. The
 * trend draws a decimation (the failing point kept, red) and loads the
 * metric's every point from its data file beside the page on a click —
 * a `<script>` the page adds, which file:// allows and the page's CSP
 * permits ('strict-dynamic'), and nothing before the click.
 */

import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { SqliteStore } from '../../../src/metrics/index.js'
import { STATUS_COLORS } from '../../../src/report/index.js'
import {
  launchChromium,
  openFile,
  type Browser
} from '../../helpers/browser.js'
import { runCli } from '../../helpers/cli.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'
import { EXAMPLES } from '../../helpers/report.js'

const RUNS = 1500
const FAILING = 777

/** A store of RUNS daily field_a runs measuring phot_rms (one fails). */
async function longStore(dir: string): Promise<string> {
  const path = join(dir, 'metrics.sqlite')
  const store = new SqliteStore(path)
  for (let i = 0; i < RUNS; i++) {
    const value = i === FAILING ? 31.5 : 9 + Math.sin(i / 5)
    await store.write(
      dispatchJob(
        `run${i}`,
        { 'skyprobe.phot_rms': value },
        {
          time: T0 + i * DAY,
          dataset: 'field_a',
          instrument: 'SIM',
          meta: { dataset_name: 'field_a', instrument: 'SIM' }
        }
      )
    )
  }
  await store.close()
  return path
}

interface Drawn {
  points: number
  failing: string | undefined
  resolution: string | null
}

async function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(
    (failingTime) => {
      const canvas = document.getElementById('chart-0') as HTMLCanvasElement
      const chart = (
        window as unknown as {
          Chart: {
            getChart(c: HTMLCanvasElement):
              | {
                  data: {
                    datasets: {
                      data: { x: number; y: number }[]
                      pointBackgroundColor?: string[]
                    }[]
                  }
                }
              | undefined
          }
        }
      ).Chart.getChart(canvas)
      const line = chart?.data.datasets[0]
      const at = line?.data.findIndex((d) => d.x === failingTime) ?? -1
      return {
        points: line?.data.length ?? 0,
        failing: at === -1 ? undefined : line?.pointBackgroundColor?.[at],
        resolution:
          canvas.closest('section')?.getAttribute('data-resolution') ?? null
      }
    },
    T0 + FAILING * DAY
  )
}

interface Summary {
  data: string
  metrics: { points: number; lines: { drawn: number }[] }[]
}

describe('a long history in a browser', () => {
  let browser: Browser
  let url: string
  let dir: string
  let summary: Summary
  beforeAll(async () => {
    browser = await launchChromium()
    dir = tempDir('stackci-report-long-')
    const store = await longStore(dir)
    const out = join(dir, 'report.html')
    const r = await runCli([
      'report',
      '--store',
      store,
      '--definitions',
      EXAMPLES,
      '--out',
      out,
      '--json'
    ])
    if (r.code !== 0) throw new Error(`stackci report failed:\n${r.stderr}`)
    summary = JSON.parse(r.stdout) as Summary
    url = pathToFileURL(out).href
  }, 300_000)
  afterAll(async () => {
    await browser.close()
  })

  it('draws the decimated trend first and loads every point on demand', async () => {
    expect(summary.data).toBe(join(dir, 'report-data'))
    expect(summary.metrics[0]?.points).toBe(RUNS)
    expect(summary.metrics[0]?.lines[0]?.drawn).toBeLessThan(1100)
    const dataDir = url.replace(/report\.html$/, 'report-data/')
    const loaded: string[] = []
    const { page, blocked, errors } = await openFile(browser, url, (target) =>
      target.startsWith(dataDir)
    )
    page.on('request', (r) => {
      if (r.url() !== url) loaded.push(r.url())
    })
    await page.waitForFunction(
      () => document.body.getAttribute('data-charts') === 'ready'
    )
    const before = await drawn(page)
    expect(before.points).toBeLessThan(1100)
    expect(before.points).toBeGreaterThan(500)
    expect(before.failing).toBe(STATUS_COLORS.fail)
    expect(before.resolution).toBeNull()
    expect(loaded).toEqual([])

    const button = page.locator('#full-0')
    expect(await button.textContent()).toBe(`show all ${RUNS} points`)
    await button.click()
    await page.waitForSelector('section[data-resolution="full"]')
    const after = await drawn(page)
    expect(after.points).toBe(RUNS)
    expect(after.failing).toBe(STATUS_COLORS.fail)
    expect(loaded).toEqual([
      expect.stringMatching(/report-data\/skyprobe\.phot_rms\.\w{8}\.js$/)
    ])
    expect(await button.textContent()).toBe('all points shown')
    expect(blocked).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('says so when the data file cannot be loaded', async () => {
    const { page, blocked } = await openFile(browser, url)
    await page.waitForFunction(
      () => document.body.getAttribute('data-charts') === 'ready'
    )
    await page.locator('#full-0').click()
    await page.waitForSelector('section.metric .error')
    expect(await page.locator('section.metric .error').textContent()).toContain(
      'keep the data directory beside the page'
    )
    expect((await drawn(page)).resolution).toBeNull()
    expect(blocked).toHaveLength(1)
    await page.close()
  })
})
