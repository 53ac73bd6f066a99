/**
 * (c) of `npm run bench -- metrics`: the git store on loopback, side by
 * side with SQLite in the same run. The SQLite history of (b) (D days × M
 * metrics) is written once, as the git store lays it out (one file per
 * job), into a bare repository by `git fast-import`, served by a real
 * `git daemon` on 127.0.0.1. Measured:
 *  - the whole history read (every job and measurement), a warm cache;
 *  - every series analysed (`metrics history --all`);
 *  - the first read on a fresh runner (an empty cache: the whole branch
 *    fetched);
 *  - one M-metric job dispatched (fetch, commit, push), vs SQLite's write.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentReporter } from '../../src/core/index.js'
import {
  DEFAULT_REGRESSION,
  GitStore,
  HistoryIndex,
  SqliteStore,
  analyzeStore,
  encodeJobFile,
  jobPath,
  type DispatchJob
} from '../../src/metrics/index.js'
import { readStoreHistory } from '../../src/report/index.js'
import { printTable, timeIt } from './table.js'

const BRANCH = 'stackci-metrics'

/** The bare repository holding the same jobs as the SQLite file (once). */
function gitHistory(sqlitePath: string, days: number, metrics: number): string {
  const cache = join(process.cwd(), 'node_modules', '.cache', 'stackci-bench')
  const bare = join(cache, `metrics-git-${days}x${metrics}.git`)
  // (gc packs the ref: ask git, not the file system.)
  if (
    existsSync(bare) &&
    spawnSync('git', ['--git-dir', bare, 'rev-parse', '--verify', BRANCH])
      .status === 0
  )
    return bare
  console.log(`writing the same history into ${bare} (once)…`)
  rmSync(bare, { recursive: true, force: true })
  spawnSync('git', ['init', '--quiet', '--bare', bare])
  const history = readStoreHistory(sqlitePath)
  const perJob = history.jobs.map(
    () => [] as (typeof history.measurements)[number][]
  )
  for (const m of history.measurements) perJob[m.job]?.push(m)
  const chunks: Buffer[] = []
  const paths: string[] = []
  history.jobs.forEach((j, i) => {
    const d: DispatchJob = {
      id: j.jobId,
      source: `${j.jobId}.verify.json`,
      createdAt: j.createdAt,
      series: j.series,
      provenance: {
        dataset: j.dataset,
        instrument: j.instrument,
        filter: j.filter
      },
      job: {
        measurements: (perJob[i] ?? []).map((m) => ({
          metric: m.metric,
          identifier: m.identifier,
          value: m.value ?? NaN,
          unit: m.unit,
          blobRefs: []
        })),
        blobs: [],
        metrics: [],
        specs: [],
        meta: j.meta
      }
    }
    const text = Buffer.from(encodeJobFile(d))
    chunks.push(
      Buffer.from(`blob\nmark :${i + 1}\ndata ${text.length}\n`),
      text,
      Buffer.from('\n')
    )
    paths.push(jobPath(d))
  })
  const message = 'bench history'
  chunks.push(
    Buffer.from(
      `commit refs/heads/${BRANCH}\ncommitter bench <bench@localhost> 0 +0000\ndata ${message.length}\n${message}\n` +
        paths.map((p, i) => `M 100644 :${i + 1} ${p}\n`).join('') +
        '\n'
    )
  )
  const r = spawnSync('git', ['--git-dir', bare, 'fast-import', '--quiet'], {
    input: Buffer.concat(chunks),
    maxBuffer: 1 << 30
  })
  if (r.status !== 0) throw new Error(`git fast-import: ${String(r.stderr)}`)
  spawnSync('git', ['--git-dir', bare, 'gc', '--quiet'])
  return bare
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port =
    typeof address === 'object' && address !== null ? address.port : 0
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function gitDaemon(
  root: string
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort()
  const child = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      '--enable=receive-pack',
      `--base-path=${root}`,
      '--listen=127.0.0.1',
      `--port=${port}`,
      root
    ],
    { stdio: 'ignore' }
  )
  // Ready when it answers ls-remote.
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('git', ['ls-remote', `git://127.0.0.1:${port}/`])
    if (r.status !== null && !String(r.stderr).includes('Connection refused'))
      break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { child, port }
}

export async function benchGit(
  sqlite: SqliteStore,
  days: number,
  metrics: number,
  newJob: () => DispatchJob
): Promise<void> {
  const bare = gitHistory(sqlite.path, days, metrics)
  const root = join(bare, '..')
  const { child, port } = await gitDaemon(root)
  const url = `git://127.0.0.1:${port}/${bare.slice(root.length + 1)}`
  const tip = spawnSync('git', ['--git-dir', bare, 'rev-parse', BRANCH], {
    encoding: 'utf8'
  }).stdout.trim()
  const scratch = mkdtempSync(join(tmpdir(), 'stackci-bench-git-'))
  const store = (cacheDir: string): GitStore =>
    new GitStore({ url, branch: BRANCH, cacheDir, reporter: silentReporter })
  try {
    const warmCache = join(scratch, 'warm')
    mkdirSync(warmCache)
    let points = 0
    const cold = await timeIt(
      async () => {
        const dir = mkdtempSync(join(scratch, 'cold-'))
        points = (await store(dir).readHistory()).measurements.length
      },
      1,
      0
    )
    if (points !== days * metrics)
      throw new Error(
        `git store read ${points} points, expected ${days * metrics}`
      )
    // Seconds-long rows: one timed run each after the cold read warmed up.
    const git = await timeIt(async () => store(warmCache).readHistory(), 1, 0)
    const base = await timeIt(() => readStoreHistory(sqlite.path), 1, 0)
    const options = DEFAULT_REGRESSION
    const gitAll = await timeIt(async () => {
      const index = new HistoryIndex(await store(warmCache).readHistory())
      analyzeStore(index, 'main', options, () => 'up')
    }, 1, 0)
    const sqliteAll = await timeIt(
      () => analyzeStore(sqlite, 'main', options, () => 'up'),
      1,
      0
    )
    const job = newJob()
    const writer = store(warmCache)
    writer.prepare([job])
    const dispatch = await timeIt(async () => writer.write(job), 1, 0)
    const memory = new SqliteStore(':memory:')
    const sqliteWrite = await timeIt(async () => memory.write(job), 1, 0)
    await memory.close()
    printTable(
      `(c) the git store over git daemon on 127.0.0.1 vs SQLite: ${days.toLocaleString('en')} days × ${metrics} metrics (${(days * metrics).toLocaleString('en')} points, ${days.toLocaleString('en')} files)`,
      [
        {
          metric: 'whole history read (cache warm) vs SQLite',
          ours: git.median,
          baseline: base.median,
          unit: 'ms',
          aim: 'ours ≤ 2000 ms',
          met: git.median <= 2000
        },
        {
          metric: 'every series analysed (history --all)',
          ours: gitAll.median,
          baseline: sqliteAll.median,
          unit: 'ms',
          aim: 'ours ≤ 3000 ms',
          met: gitAll.median <= 3000
        },
        {
          metric: 'first read on a fresh runner (whole branch fetched)',
          ours: cold.median,
          baseline: base.median,
          unit: 'ms',
          aim: 'informative'
        },
        {
          metric: `one ${metrics}-metric job dispatched (fetch, commit, push) vs SQLite write`,
          ours: dispatch.median,
          baseline: sqliteWrite.median,
          unit: 'ms',
          aim: 'ours ≤ 2000 ms',
          met: dispatch.median <= 2000
        }
      ]
    )
  } finally {
    // The pushed job goes: the cached repository stays the same history.
    spawnSync('git', [
      '--git-dir',
      bare,
      'update-ref',
      `refs/heads/${BRANCH}`,
      tip
    ])
    child.kill()
    rmSync(scratch, { recursive: true, force: true })
  }
}
