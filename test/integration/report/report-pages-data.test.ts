/**
 * A report with decimated trends published to a Pages branch of a real
 * bare repository (real `git push`): its full-resolution data files go
 * with it, at the place both published copies of the page load them from,
 * and leave with the report when it is no longer kept.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { RecordingReporter } from '../../../src/core/index.js'
import { publishPages, writeReport } from '../../../src/report/index.js'
import { type StoreHistory } from '../../../src/metrics/index.js'
import { gitFiles } from '../../helpers/git-server.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'

/** Two metrics measured by `n` daily jobs: long enough to be decimated. */
function longHistory(n: number): StoreHistory {
  return {
    path: 'long',
    jobs: Array.from({ length: n }, (_, i) => ({
      jobId: `job${i}`,
      createdAt: T0 + i * DAY,
      series: 'main',
      dataset: 'field_a',
      instrument: 'SIM',
      filter: '',
      meta: {}
    })),
    measurements: Array.from({ length: 2 * n }, (_, i) => ({
      job: i >> 1,
      metric: i % 2 === 0 ? 'pkg.a' : 'pkg.b',
      identifier: `m${i}`,
      value: Math.sin(i / 9),
      unit: 'mmag'
    }))
  }
}

function show(bare: string, path: string): string {
  const r = spawnSync('git', ['-C', bare, 'show', `gh-pages:${path}`], {
    encoding: 'utf8'
  })
  if (r.status !== 0) throw new Error(`git show ${path}: ${r.stderr}`)
  return r.stdout
}

/** The data files a published page loads, as paths on the branch. */
function referenced(bare: string, page: string): string[] {
  const html = show(bare, page)
  return [...html.matchAll(/"full":"([^"]+)"/g)].map((m) =>
    posix.normalize(
      posix.join(posix.dirname(page), decodeURIComponent(m[1] ?? ''))
    )
  )
}

describe('publishing a report with its data files', () => {
  it('puts every data file the page references on the branch, and drops them with the report', async () => {
    const dir = tempDir('stackci-pages-')
    const bare = join(dir, 'site.git')
    spawnSync('git', ['init', '--quiet', '--bare', bare])
    const reporter = new RecordingReporter()
    const publish = async (runId: string, time: number): Promise<void> => {
      const out = join(dir, runId, 'report.html')
      const result = await writeReport(
        { store: 'long', history: longHistory(3000), out },
        reporter
      )
      expect(result.dataDir).toBe(join(dir, runId, 'report-data'))
      await publishPages(
        {
          url: bare,
          branch: 'gh-pages',
          cacheDir: join(dir, 'cache'),
          keep: 1
        },
        {
          profile: 'daily',
          runId,
          time,
          html: readFileSync(out, 'utf8'),
          title: 'metrics',
          ...(result.dataDir === undefined ? {} : { dataDir: result.dataDir })
        },
        reporter
      )
    }
    await publish('run-1', T0)
    let files = gitFiles(bare, 'gh-pages')
    const runPage = 'daily/runs/20260101T000000Z-run-1.html'
    expect(files).toContain(runPage)
    for (const page of [runPage, 'daily/index.html']) {
      const wanted = referenced(bare, page)
      expect(wanted).toHaveLength(2)
      for (const f of wanted) expect(files).toContain(f)
    }
    expect(files.filter((f) => f.startsWith('daily/data/'))).toHaveLength(2)

    // Keeping one report per profile: the older one's data goes with it.
    await publish('run-2', T0 + DAY)
    files = gitFiles(bare, 'gh-pages')
    const data = files.filter((f) => f.startsWith('daily/data/'))
    expect(data).toHaveLength(2)
    expect(data.every((f) => f.includes('-run-2/'))).toBe(true)
    for (const f of referenced(bare, 'daily/index.html'))
      expect(files).toContain(f)
  })
})
