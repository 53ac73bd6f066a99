/**
 * `npm run bench -- report [--days D] [--metrics M] [--baseline-ref REF]`
 *
 * `stackci report` over D days × M metrics (default 3,650 × 500, 1.8 M
 * points; the `metrics` benchmark's store): generation wall and CPU time
 * and peak RSS (in a child process), the page's size with what it loads at
 * first, and the time headless Chromium takes to show it, then to load one
 * metric's every point on demand. Aims: ≤ 3 s, ≤ 300 MB, ≤ 15 MB, ≤ 3 s.
 *
 * The baseline is the report before decimation and streaming, as issue 17
 * measured it; `--baseline-ref REF` measures the code at commit REF in the
 * same run instead (its src/ is taken with `git archive`, bundled with
 * esbuild and run the same way — slow: its page takes minutes to open).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { silentReporter } from '../src/core/index.js'
import { writeReport } from '../src/report/index.js'
import { historyPath, historyStore } from './lib/history-store.js'
import { printTable, type Row } from './lib/table.js'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? undefined : process.argv[i + 1]
}
const DAYS = Number(arg('days') ?? 3650)
const METRICS = Number(arg('metrics') ?? 500)
const MB = 1024 * 1024

/** What one generation cost, as the child process measured it. */
interface Generation {
  wall: number
  cpu: number
  rss: number
}

/** Issue 17's figures for the report before this change. */
const ISSUE_BASELINE = {
  generation: { wall: 10_200, cpu: NaN, rss: 2.2 * 1024 * MB },
  page: 251 * MB,
  open: 48_000
}

// Child mode: write the report with the given module, print the costs.
if (process.argv[2] === '--child') {
  const [, , , module, store, out] = process.argv
  const started = performance.now()
  const { writeReport: write } =
    module === 'self'
      ? { writeReport }
      : ((await import(pathToFileURL(module as string).href)) as {
          writeReport: typeof writeReport
        })
  await write({ store: store as string, out: out as string }, silentReporter)
  const usage = process.resourceUsage()
  const result: Generation = {
    wall: performance.now() - started,
    cpu: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    rss: usage.maxRSS * 1024
  }
  console.log(JSON.stringify(result))
  process.exit(0)
}

function generate(module: string, store: string, out: string): Generation {
  const r = spawnSync(
    process.execPath,
    [process.argv[1] as string, '--child', module, store, out],
    { encoding: 'utf8', maxBuffer: 16 * MB }
  )
  if (r.status !== 0) throw new Error(`report failed: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Generation
}

/** The code at `ref` bundled into one module exporting writeReport. */
async function baselineModule(ref: string): Promise<string> {
  const dir = join(process.cwd(), 'node_modules', '.cache', 'stackci-bench')
  const src = join(dir, `baseline-${ref}`)
  rmSync(src, { recursive: true, force: true })
  mkdirSync(src, { recursive: true })
  const archive = spawnSync('git', ['archive', ref, 'src'], {
    maxBuffer: 256 * MB
  })
  if (archive.status !== 0)
    throw new Error(`git archive ${ref} failed: ${archive.stderr.toString()}`)
  spawnSync('tar', ['-x', '-C', src], { input: archive.stdout })
  const outfile = join(dir, `baseline-${ref}.mjs`)
  // Loaded here, not at the top: the child measuring RSS must not hold them.
  const { build } = await import('esbuild')
  await build({
    entryPoints: [join(src, 'src', 'report', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning'
  })
  return outfile
}

/** STACKCI_CHROMIUM, or scripts/services.sh's (installed when missing). */
function chromiumPath(): string {
  const given = process.env.STACKCI_CHROMIUM
  if (given !== undefined && given !== '') return given
  const out = spawnSync(
    'bash',
    [
      '-c',
      'source scripts/services.sh >/dev/null; ensure_chromium >&2; echo "$STACKCI_CHROMIUM"'
    ],
    { encoding: 'utf8' }
  )
  return out.stdout.trim().split('\n').pop() ?? ''
}

/** Bytes of the page and of every file it loads before anyone clicks. */
interface Opened {
  firstPaint: number
  contentfulPaint: number
  loaded: number
  full?: number
}

async function open(page: string, clickFull: boolean): Promise<Opened> {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--headless']
  })
  try {
    const tab = await browser.newPage({
      viewport: { width: 1280, height: 900 }
    })
    const url = pathToFileURL(page).href
    const loaded: string[] = []
    tab.on('request', (r) => {
      if (r.url() !== url) loaded.push(r.url())
    })
    const started = performance.now()
    await tab.goto(url, { timeout: 900_000 })
    await tab.waitForFunction(
      () => document.body.getAttribute('data-charts') === 'ready',
      undefined,
      { timeout: 900_000 }
    )
    const firstPaint = performance.now() - started
    const contentfulPaint = await tab.evaluate(
      () =>
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime ??
        NaN
    )
    const bytes = loaded.reduce(
      (n, u) => n + statSync(new URL(u)).size,
      statSync(page).size
    )
    let full: number | undefined
    if (clickFull) {
      const t = performance.now()
      await tab.locator('#full-0').click()
      await tab.waitForSelector('section[data-resolution="full"]')
      full = performance.now() - t
    }
    return {
      firstPaint,
      contentfulPaint,
      loaded: bytes,
      ...(full === undefined ? {} : { full })
    }
  } finally {
    await browser.close()
  }
}

await historyStore(DAYS, METRICS).close()
const store = historyPath(DAYS, METRICS)
const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-report-'))
try {
  const ours = generate('self', store, join(dir, 'report.html'))
  const oursPage = await open(join(dir, 'report.html'), true)
  const files = readdirSync(join(dir, 'report-data')).filter((f) =>
    f.endsWith('.js')
  ).length
  const ref = arg('baseline-ref')
  let base = { ...ISSUE_BASELINE, contentfulPaint: NaN }
  if (ref !== undefined) {
    const module = await baselineModule(ref)
    const generation = generate(module, store, join(dir, 'baseline.html'))
    const opened = await open(join(dir, 'baseline.html'), false)
    base = {
      generation,
      page: opened.loaded,
      open: opened.firstPaint,
      contentfulPaint: opened.contentfulPaint
    }
  }
  const rows: Row[] = [
    {
      metric: 'generation, wall',
      ours: ours.wall,
      baseline: base.generation.wall,
      unit: 'ms',
      aim: 'ours ≤ 3000 ms',
      met: ours.wall <= 3000
    },
    {
      metric: 'generation, CPU (user + system)',
      ours: ours.cpu,
      baseline: base.generation.cpu,
      unit: 'ms'
    },
    {
      metric: 'generation, peak RSS',
      ours: ours.rss / MB,
      baseline: base.generation.rss / MB,
      unit: 'MB',
      aim: 'ours ≤ 300 MB',
      met: ours.rss <= 300 * MB
    },
    {
      metric: 'page + what it loads at first',
      ours: oursPage.loaded / MB,
      baseline: base.page / MB,
      unit: 'MB',
      aim: 'ours ≤ 15 MB',
      met: oursPage.loaded <= 15 * MB
    },
    {
      metric: 'Chromium: open to charts drawn',
      ours: oursPage.firstPaint,
      baseline: base.open,
      unit: 'ms',
      aim: 'ours ≤ 3000 ms',
      met: oursPage.firstPaint <= 3000
    },
    {
      metric: 'Chromium: first contentful paint',
      ours: oursPage.contentfulPaint,
      baseline: base.contentfulPaint,
      unit: 'ms'
    }
  ]
  printTable(
    `stackci report over ${DAYS.toLocaleString('en')} days × ${METRICS} metrics (${(DAYS * METRICS).toLocaleString('en')} points); baseline: ${ref === undefined ? 'issue 17 (before decimation)' : `commit ${ref}, same run`}`,
    rows
  )
  console.log(
    `\n${files} full-resolution data files beside the page; one metric's every point loaded on click in ${oursPage.full?.toFixed(0) ?? '?'} ms`
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
