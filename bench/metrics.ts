/**
 * `npm run bench -- metrics [--points N] [--days D] [--metrics M] [--only a|b|c]`
 *
 * (a) N points (default 1,000,000) into the real influxd, written by
 *     stackci's InfluxDB client (encode, batch, send) vs `influx -import`
 *     (Debian's influxdb-client) of the same line-protocol file. Throughput
 *     ratio, aim ≥ 1.0.
 * (b) Regression analysis over D days × M metrics (default 3,650 × 500) in
 *     the SQLite store: every series read and walked by the detector, vs a
 *     naive detector that re-sorts its window at every point. Aim ≤ 1 s.
 *     Plus the dispatch-time check of one M-metric job against that store.
 * (c) The same history in the git store, over `git daemon` on 127.0.0.1:
 *     read whole (aim ≤ 2 s) and analysed, side by side with SQLite, and one
 *     M-metric job dispatched (aim ≤ 2 s). See bench/lib/metrics-git.ts.
 *
 * influxd comes from scripts/services.sh (started when STACKCI_INFLUXDB_URL
 * is not set). The SQLite history is generated once and cached.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentReporter } from '../src/core/index.js'
import {
  DEFAULT_BASELINE,
  DEFAULT_REGRESSION,
  InfluxClient,
  analyzeStore,
  compareWithHistory,
  encodePoint,
  type Point
} from '../src/metrics/index.js'
import { T0, historyStore, job, random } from './lib/history-store.js'
import { printTable, timeIt } from './lib/table.js'
import { benchGit } from './lib/metrics-git.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const only = process.argv[process.argv.indexOf('--only') + 1]
const POINTS = arg('points', 1_000_000)
const DAYS = arg('days', 3650)
const METRICS = arg('metrics', 500)

interface InfluxService {
  url: string
  username: string
  password: string
}

/** The influxd of scripts/services.sh (auth on) and its admin user. */
function influxService(): InfluxService {
  const env = process.env
  if (env.STACKCI_INFLUXDB_URL && env.STACKCI_INFLUXDB_PASSWORD) {
    return {
      url: env.STACKCI_INFLUXDB_URL,
      username: env.STACKCI_INFLUXDB_USER ?? '',
      password: env.STACKCI_INFLUXDB_PASSWORD
    }
  }
  const out = execFileSync(
    'bash',
    [
      '-c',
      'source scripts/services.sh >/dev/null; ensure_influxdb >&2; ' +
        'printf "%s\\n" "$STACKCI_INFLUXDB_URL" "$STACKCI_INFLUXDB_USER" "$STACKCI_INFLUXDB_PASSWORD"'
    ],
    { encoding: 'utf8' }
  )
  const [url = '', username = '', password = ''] = out
    .trim()
    .split('\n')
    .slice(-3)
  return { url, username, password }
}

let service: InfluxService | undefined

async function query(url: string, q: string, db = ''): Promise<unknown> {
  const s = service ?? influxService()
  const auth = Buffer.from(`${s.username}:${s.password}`).toString('base64')
  const r = await fetch(`${url}/query`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${auth}`,
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: new URLSearchParams({ q, db }).toString()
  })
  return r.json()
}

async function count(url: string, db: string): Promise<number> {
  const r = (await query(url, 'SELECT count("value") FROM "bench"', db)) as {
    results: { series?: { values: number[][] }[] }[]
  }
  return r.results[0]?.series?.[0]?.values[0]?.[1] ?? 0
}

async function benchInflux(): Promise<void> {
  service = influxService()
  const { url, username, password } = service
  const { hostname, port } = new URL(url)
  // The same points for both: 50 series (dataset × filter), a float and a
  // string field each, one point per millisecond.
  const tags = Array.from({ length: 50 }, (_, i) => ({
    dataset: `HSC RC2 ${i % 10}`,
    filter: `HSC-${'GRIZY'[i % 5] ?? 'G'}`,
    series: 'main'
  }))
  const points: Point[] = new Array<Point>(POINTS)
  for (let i = 0; i < POINTS; i++) {
    points[i] = {
      measurement: 'bench',
      tags: tags[i % 50] as Point['tags'],
      fields: {
        value: { kind: 'float', value: 10 + random() },
        job_id: { kind: 'string', value: `job${i >> 6}` }
      },
      time: T0 + i
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-influx-'))
  const file = join(dir, 'points.lp')
  const ours = 'bench_stackci'
  const theirs = 'bench_import'
  writeFileSync(
    file,
    `# DDL\nCREATE DATABASE ${theirs}\n# DML\n# CONTEXT-DATABASE: ${theirs}\n${points.map(encodePoint).join('\n')}\n`
  )
  const reset = async (): Promise<void> => {
    await query(url, `DROP DATABASE ${ours}`)
    await query(url, `DROP DATABASE ${theirs}`)
    await query(url, `CREATE DATABASE ${ours}`)
  }
  const client = new InfluxClient({
    url,
    database: ours,
    precision: 'ms',
    username,
    password,
    reporter: silentReporter
  })
  const runs = { ours: [] as number[], theirs: [] as number[] }
  try {
    const oursRun = async (): Promise<void> => {
      const t = performance.now()
      await client.writePoints(points)
      runs.ours.push(performance.now() - t)
    }
    const theirRun = (): void => {
      const t = performance.now()
      const r = spawnSync(
        'influx',
        [
          '-host',
          hostname,
          '-port',
          port,
          '-import',
          '-path',
          file,
          '-precision',
          'ms'
        ],
        // influx reads its credentials from these variables: not in `ps`.
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            INFLUX_USERNAME: username,
            INFLUX_PASSWORD: password
          }
        }
      )
      runs.theirs.push(performance.now() - t)
      if (r.status !== 0) throw new Error(`influx -import failed: ${r.stderr}`)
    }
    for (let round = 0; round < 3; round++) {
      await reset()
      // Alternate who goes first: the second one meets a busier server.
      if (round % 2 === 0) {
        await oursRun()
        theirRun()
      } else {
        theirRun()
        await oursRun()
      }
      const [a, b] = [await count(url, ours), await count(url, theirs)]
      if (a !== POINTS || b !== POINTS)
        throw new Error(
          `points stored: stackci ${a}, influx -import ${b}, expected ${POINTS}`
        )
    }
  } finally {
    await query(url, `DROP DATABASE ${ours}`)
    await query(url, `DROP DATABASE ${theirs}`)
    rmSync(dir, { recursive: true, force: true })
  }
  const median = (xs: number[]): number =>
    [...xs].sort((x, y) => x - y)[1] ?? NaN
  const oursRate = POINTS / (median(runs.ours) / 1000)
  const theirRate = POINTS / (median(runs.theirs) / 1000)
  printTable(
    `(a) ${POINTS.toLocaleString('en')} points into influxd ${url} (median of 3)`,
    [
      {
        metric: 'write throughput',
        ours: oursRate,
        baseline: theirRate,
        unit: 'points/s',
        aim: 'ours/influx -import ≥ 1.0',
        met: oursRate / theirRate >= 1
      }
    ]
  )
  console.log(
    `\nwall times: stackci ${runs.ours.map((x) => x.toFixed(0)).join(', ')} ms; influx -import ${runs.theirs.map((x) => x.toFixed(0)).join(', ')} ms\n`
  )
}

/** The naive detector: sort the window again at every point. */
function naiveRegressions(
  values: number[],
  window: number,
  minSamples: number,
  k: number
): number {
  const kept: number[] = []
  let streak = 0
  let flagged = 0
  for (const v of values) {
    if (kept.length >= minSamples) {
      const s = kept.slice(-window).sort((a, b) => a - b)
      const med = s[s.length >> 1] ?? 0
      const dev = s.map((x) => Math.abs(x - med)).sort((a, b) => a - b)
      const half = 4 * 1.4826 * (dev[dev.length >> 1] ?? 0)
      if (v > med + half) {
        if (++streak >= k) flagged++
        continue
      }
    }
    streak = 0
    kept.push(v)
  }
  return flagged
}

async function benchRegression(): Promise<void> {
  const store = historyStore(DAYS, METRICS)
  const options = DEFAULT_REGRESSION
  let found = 0
  const ours = await timeIt(() => {
    found = analyzeStore(store, 'main', options, () => 'up').filter(
      (s) => s.last?.verdict === 'regression'
    ).length
  }, 3)
  let naiveFound = 0
  const naive = await timeIt(
    () => {
      naiveFound = 0
      for (const key of store.keys('main')) {
        const values = store
          .historySync({ ...key, series: 'main' })
          .map((p) => p.value)
        if (
          naiveRegressions(
            values,
            options.window,
            options.minSamples,
            options.consecutive
          ) > 0
        )
          naiveFound++
      }
    },
    1,
    0
  )
  const current = job(
    DAYS,
    Object.fromEntries(
      Array.from({ length: METRICS }, (_, m) => [
        `pkg.m${m}`,
        100 + m + random() * 2
      ])
    )
  )
  const check = await timeIt(
    async () =>
      compareWithHistory([current], store, undefined, DEFAULT_BASELINE),
    5
  )
  const full = await timeIt(
    async () =>
      compareWithHistory([current], store, undefined, {
        ...DEFAULT_BASELINE,
        lookback: DAYS
      }),
    3
  )
  await store.close()
  printTable(
    `(b) regression analysis over ${DAYS.toLocaleString('en')} days × ${METRICS} metrics in SQLite (${(DAYS * METRICS).toLocaleString('en')} points)`,
    [
      {
        metric: `full history, every series (${found} regressed)`,
        ours: ours.median,
        baseline: naive.median,
        unit: 'ms',
        aim: 'ours ≤ 1000 ms',
        met: ours.median <= 1000
      },
      {
        metric: `dispatch check of a ${METRICS}-metric job`,
        ours: check.median,
        baseline: full.median,
        unit: 'ms',
        aim: 'vs reading whole series',
        met: check.median <= full.median
      }
    ]
  )
  console.log(`\nnaive detector flagged ${naiveFound} series\n`)
}

const part = (x: string): boolean =>
  !['a', 'b', 'c'].includes(only ?? '') || only === x
if (part('a')) await benchInflux()
if (part('b')) await benchRegression()
if (part('c')) {
  const store = historyStore(DAYS, METRICS)
  await benchGit(store, DAYS, METRICS, () =>
    job(
      DAYS + 1,
      Object.fromEntries(
        Array.from({ length: METRICS }, (_, m) => [`pkg.m${m}`, 100 + m])
      )
    )
  )
  await store.close()
}
