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
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentReporter } from '../../src/core/index.js'
import {
  DEFAULT_REGRESSION,
  GitStore,
  SqliteStore,
  analyzeStore,
  encodeJobFile,
  jobPath,
  readStoreHistory,
  type DispatchJob
} from '../../src/metrics/index.js'
import { printTable, timeIt, type Row } from './table.js'

const BRANCH = 'stackci-metrics'

/** The bare repository holding the same jobs as the SQLite file (once). */
async function gitHistory(
  sqlitePath: string,
  days: number,
  metrics: number
): Promise<string> {
  const cache = join(process.cwd(), 'node_modules', '.cache', 'stackci-bench')
  const bare = join(cache, `metrics-git-${days}x${metrics}-packed.git`)
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
  const packing = await timeIt(
    async () =>
      new GitStore({
        url: bare,
        branch: BRANCH,
        cacheDir: join(cache, 'metrics-git-packing'),
        reporter: silentReporter
      }).compact(),
    1,
    0
  )
  console.log(
    `packed ${history.jobs.length} job files into month packs in ${packing.median.toFixed(0)} ms`
  )
  rmSync(join(cache, 'metrics-git-packing'), { recursive: true, force: true })
  spawnSync('git', ['--git-dir', bare, 'gc', '--quiet'])
  return bare
}

/** CPU ms of this process and of the child processes it waited for. */
function cpuMs(): number {
  const own = process.cpuUsage()
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // cutime and cstime (fields 16 and 17), in clock ticks of 10 ms.
  const children = (Number(fields[13]) + Number(fields[14])) * 10
  return (own.user + own.system) / 1000 + children
}

/** Wall and CPU ms of one run of `fn`. */
async function measure(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  ;(globalThis as { gc?: () => void }).gc?.()
  const cpu = cpuMs()
  const t = performance.now()
  await fn()
  return { wall: performance.now() - t, cpu: cpuMs() - cpu }
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
  const bare = await gitHistory(sqlite.path, days, metrics)
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
    const cold = await measure(async () => {
      const dir = mkdtempSync(join(scratch, 'cold-'))
      points = (await store(dir).readHistory()).measurements.length
    })
    if (points !== days * metrics)
      throw new Error(
        `git store read ${points} points, expected ${days * metrics}`
      )
    // Seconds-long rows: one measured run each, after a read that fills
    // the warm cache (a runner that has read the branch before).
    await store(warmCache).readHistory()
    const git = await measure(async () => store(warmCache).readHistory())
    const base = await measure(() => readStoreHistory(sqlite.path))
    let series = 0
    const values = await measure(async () => {
      series = (await store(warmCache).index('main')).keys('main').length
    })
    if (series !== metrics)
      throw new Error(`git store indexed ${series} series, expected ${metrics}`)
    const sqliteValues = await measure(() => {
      for (const key of sqlite.keys('main'))
        sqlite.seriesValues(key, 'main', true)
    })
    const options = DEFAULT_REGRESSION
    const gitAll = await measure(async () => {
      const index = await store(warmCache).index('main')
      analyzeStore(index, 'main', options, () => 'up')
    })
    const sqliteAll = await measure(() =>
      analyzeStore(sqlite, 'main', options, () => 'up')
    )
    const job = newJob()
    const writer = store(warmCache)
    writer.prepare([job])
    const dispatch = await measure(async () => writer.write(job))
    const memory = new SqliteStore(':memory:')
    const sqliteWrite = await measure(async () => memory.write(job))
    await memory.close()
    const rows = (
      name: string,
      ours: { wall: number; cpu: number },
      baseline: { wall: number; cpu: number },
      aim?: number
    ): Row[] => [
      {
        metric: `${name}, wall`,
        ours: ours.wall,
        baseline: baseline.wall,
        unit: 'ms',
        ...(aim === undefined
          ? { aim: 'informative' }
          : { aim: `ours ≤ ${aim} ms`, met: ours.wall <= aim })
      },
      {
        metric: `${name}, CPU`,
        ours: ours.cpu,
        baseline: baseline.cpu,
        unit: 'ms',
        ...(aim === undefined
          ? {}
          : { aim: `ours ≤ ${aim} ms`, met: ours.cpu <= aim })
      }
    ]
    printTable(
      `(c) the git store over git daemon on 127.0.0.1 vs SQLite: ${days.toLocaleString('en')} days × ${metrics} metrics (${(days * metrics).toLocaleString('en')} points, month packs); CPU: this process and its git processes`,
      [
        ...rows('whole history read (cache warm) vs SQLite', git, base, 2000),
        ...rows(
          'values of every series read (history index) vs SQLite',
          values,
          sqliteValues,
          2000
        ),
        ...rows('every series analysed (history --all)', gitAll, sqliteAll, 3000),
        ...rows('first read on a fresh runner (whole branch fetched)', cold, base),
        ...rows(
          `one ${metrics}-metric job dispatched (fetch, commit, push) vs SQLite write`,
          dispatch,
          sqliteWrite,
          2000
        )
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
