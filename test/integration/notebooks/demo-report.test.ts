/// <reference lib="dom" />
/**
 * The demo's characterisation report: the `local` profile of
 * examples/stackci.yml (what `npm run demo` runs) on the real engine, then
 * the rendered notebook beside the metrics report opened in Debian's
 * chromium with the network cut off: the plots are real images and the
 * pass/fail table names both datasets. A screenshot is kept under
 * test-output/notebooks/.
 */

import { copyFileSync, cpSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { launchChromium, openFile } from '../../helpers/browser.js'
import { runCli } from '../../helpers/cli.js'
import {
  dockerServices,
  removeTempDirs,
  tempDir
} from '../../helpers/docker.js'
import { pythonBaseImage } from '../../helpers/integration.js'

const root = process.cwd()
const services = dockerServices()
const base = pythonBaseImage()
const OUTPUT = join(root, 'test-output', 'notebooks')
afterAll(removeTempDirs)

it('the local profile renders the characterisation report beside the metrics report, with its plots and pass/fail table', async () => {
  const dir = tempDir('stackci-demo-notebook-')
  copyFileSync(join(root, 'examples', 'stackci.yml'), join(dir, 'stackci.yml'))
  // A copy, not a link: datasets whose real path leaves the project are refused (#18).
  cpSync(join(root, 'examples', 'stack'), join(dir, 'stack'), {
    recursive: true
  })
  const run = await runCli(
    ['run', '--profile', 'local', '--run-id', 'demo-nb', 'stackci.yml'],
    {
      cwd: dir,
      env: { DOCKER_HOST: services.host, STACKCI_PYTHON_IMAGE: base }
    }
  )
  expect(run.stderr).not.toContain('error:')
  expect(run.code).toBe(0)
  expect(run.stdout).toMatch(
    /✅ notebook\s+passed\s+\S+\s+characterisation\.html written/
  )
  const report = join(dir, '.stackci', 'characterisation.html')
  expect(existsSync(join(dir, '.stackci', 'report.html'))).toBe(true)
  expect(existsSync(report)).toBe(true)
  expect(existsSync(join(dir, '.stackci', 'characterisation.ipynb'))).toBe(true)

  const browser = await launchChromium()
  try {
    const { page } = await openFile(browser, pathToFileURL(report).href)
    // One chart per metric the sample stack measures, each a decoded image.
    const plots = await page.$$eval('img', (imgs) =>
      imgs
        .filter((i) => i.src.startsWith('data:image/png'))
        .map((i) => i.naturalWidth)
    )
    expect(plots.length).toBeGreaterThanOrEqual(4)
    for (const width of plots) expect(width).toBeGreaterThan(100)
    const table = await page.$$eval('table.stackci-passfail tbody tr', (rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll('td')).map((td) => td.textContent)
      )
    )
    expect(new Set(table.map((r) => r[0]))).toEqual(
      new Set(['field_a', 'field_b'])
    )
    for (const row of table) expect(row[4]).toMatch(/^(PASS|WARN|FAIL)$/)
    const text = await page.textContent('body')
    expect(text).toContain('demo-nb')
    expect(text).toContain('Pass/fail per dataset')
    mkdirSync(OUTPUT, { recursive: true })
    await page.screenshot({
      path: join(OUTPUT, 'characterisation.png'),
      fullPage: true
    })
  } finally {
    await browser.close()
  }
})
