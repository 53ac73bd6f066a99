import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError, RecordingReporter } from '../../../src/core/index.js'
import {
  DATA_CALLBACK,
  buildReportModel,
  chartLibrary,
  downsample,
  naturalCompare,
  openSqliteSource,
  renderReportHtml,
  reportSummary,
  writeReport,
  type PackedChart,
  type ReportMetric,
  type ReportPoint
} from '../../../src/report/index.js'
import {
  SqliteStore,
  readStoreHistory,
  type StoreHistory
} from '../../../src/metrics/index.js'
import { loadDefinitions } from '../../../src/verify/index.js'
import {
  DAY,
  T0,
  dispatchJob,
  tempDir,
  toSchema1
} from '../../helpers/metrics.js'
import {
  EXAMPLES,
  badRun,
  dispatchInto,
  goodRun,
  writeRunJobs
} from '../../helpers/report.js'
import { rejection } from '../../helpers/thrown.js'

const gate = { fail: ['minimum'], warn: ['design'] }
const N = 3000
/** Values that must be drawn exactly as stored, by job. */
const FAIL = 1234
const WARN = 2222
const NONE = 1500
const SPECIAL: Record<number, number | null> = {
  [FAIL]: 34.1234567890123,
  [WARN]: 25.000000000000004,
  [NONE]: null
}

/** Smooth noise around 9 mmag (field_a passes phot_rms' specifications). */
function valueOf(i: number): number | null {
  return i in SPECIAL ? (SPECIAL[i] ?? null) : 9 + Math.sin(i / 7) + i / 1e4
}

/** One metric measured by `n` daily jobs of field_a. */
function longHistory(n = N, metric = 'skyprobe.phot_rms'): StoreHistory {
  return {
    path: 'long.sqlite',
    jobs: Array.from({ length: n }, (_, i) => ({
      jobId: `job${i}`,
      createdAt: T0 + i * DAY,
      series: 'main',
      dataset: 'field_a',
      instrument: 'SIM',
      filter: '',
      meta: { dataset_name: 'field_a', instrument: 'SIM' }
    })),
    measurements: Array.from({ length: n }, (_, i) => ({
      job: i,
      metric,
      identifier: `m${i}`,
      value: valueOf(i),
      unit: 'mmag'
    }))
  }
}

describe('downsampling a trend', () => {
  /** A noisy line: each bucket has a distinct lowest and highest point. */
  const flat = (n: number): { time: number; value: number; status: string }[] =>
    Array.from({ length: n }, (_, i) => ({
      time: i,
      value: (i % 7) / 10,
      status: 'pass'
    }))

  it('keeps every point of a line no longer than the target', () => {
    expect(downsample(flat(1000))).toHaveLength(1000)
    expect(downsample(flat(50), { target: 100 })).toEqual(
      Array.from({ length: 50 }, (_, i) => i)
    )
  })

  it('keeps about the target, a lone spike and dip, the newest and the failing points', () => {
    const points = flat(10_000)
    points[4321] = { time: 4321, value: 99, status: 'pass' }
    points[777] = { time: 777, value: -5, status: 'pass' }
    points[5000] = { time: 5000, value: 1, status: 'fail' }
    points[6000] = { time: 6000, value: 1, status: 'warn' }
    const kept = downsample(points, { target: 1000, newest: 20 })
    expect(kept.length).toBeLessThanOrEqual(1000 + 2 + 20)
    expect(kept.length).toBeGreaterThan(900)
    expect(kept).toEqual(expect.arrayContaining([0, 777, 4321, 5000, 6000]))
    for (let i = 9980; i < 10_000; i++) expect(kept).toContain(i)
    expect([...kept].sort((a, b) => a - b)).toEqual(kept)
  })

  it('keeps every point at the newest time, however many', () => {
    const points = flat(5000).map((p, i) => ({
      ...p,
      time: i < 4900 ? i : 4900
    }))
    const kept = downsample(points, { target: 200, newest: 5 })
    for (let i = 4900; i < 5000; i++) expect(kept).toContain(i)
  })
})

describe('natural order', () => {
  it('sorts digit runs as numbers: m2 before m10', () => {
    expect(
      ['pkg.m10', 'pkg.m2', 'pkg.m1', 'pkg.m1a', 'pkg.m01', 'a'].sort(
        naturalCompare
      )
    ).toEqual(['a', 'pkg.m1', 'pkg.m01', 'pkg.m1a', 'pkg.m2', 'pkg.m10'])
    expect(naturalCompare('visit 9 · HSC', 'visit 10 · HSC')).toBeLessThan(0)
    expect(naturalCompare('x', 'x')).toBe(0)
  })

  it('lists the report’s metrics in that order', () => {
    const history = longHistory(3)
    history.measurements = ['pkg.m10', 'pkg.m2', 'pkg.m1'].map((metric) => ({
      job: 0,
      metric,
      identifier: metric,
      value: 1,
      unit: 'mmag'
    }))
    const model = buildReportModel(history, undefined, { title: 't', gate })
    expect(model.metrics.map((m) => m.metric)).toEqual([
      'pkg.m1',
      'pkg.m2',
      'pkg.m10'
    ])
  })
})

describe('a long history in the report model', () => {
  it('draws about a thousand points per line, with the failing, warning, empty and newest ones exact', async () => {
    const full: ReportMetric[] = []
    const model = buildReportModel(
      longHistory(),
      await loadDefinitions(EXAMPLES),
      { title: 't', gate, onMetric: (f) => full.push(f) }
    )
    const phot = model.metrics[0] as ReportMetric
    const line = phot.lines[0]
    if (line === undefined) throw new Error('no line')
    expect(phot.sampled).toBe(true)
    expect(line.total).toBe(N)
    expect(line.points.length).toBeLessThanOrEqual(1000 + 3 + 20)
    expect(line.points.length).toBeGreaterThan(500)
    const at = (job: number): ReportPoint | undefined =>
      line.points.find((p) => p.run === job)
    expect(at(FAIL)).toMatchObject({ value: SPECIAL[FAIL], status: 'fail' })
    expect(at(WARN)).toMatchObject({ value: SPECIAL[WARN], status: 'warn' })
    expect(at(NONE)).toMatchObject({ value: null, status: 'no-value' })
    for (let job = N - 20; job < N; job++)
      expect(at(job)?.value).toBe(valueOf(job))
    // Every drawn point is a stored one, unchanged.
    for (const p of line.points) expect(p.value).toBe(valueOf(p.run))
    // Counts are over every point, drawn or not.
    expect(phot.counts.fail).toBe(1)
    expect(phot.counts.pass).toBe(N - 3)
    const summary = reportSummary(model)
    expect(summary.metrics[0]?.points).toBe(N)
    expect(summary.metrics[0]?.lines[0]?.drawn).toBe(line.points.length)
    // The full resolution goes to onMetric.
    expect(full[0]?.lines[0]?.points).toHaveLength(N)
  })

  it('draws every point when asked to (drawnPoints: Infinity)', () => {
    const model = buildReportModel(longHistory(), undefined, {
      title: 't',
      gate,
      drawnPoints: Infinity
    })
    expect(model.metrics[0]?.sampled).toBe(false)
    expect(model.metrics[0]?.lines[0]?.points).toHaveLength(N)
  })
})

describe('reading the SQLite store streaming', () => {
  it('builds the same model as reading it whole', async () => {
    const dir = tempDir('stackci-report-')
    const store = join(dir, 'metrics.sqlite')
    await dispatchInto(store, writeRunJobs(dir, 1, goodRun()), 'main')
    await dispatchInto(store, writeRunJobs(dir, 2, badRun()), 'weekly')
    await dispatchInto(store, writeRunJobs(dir, 3, goodRun()), 'main')
    const definitions = await loadDefinitions(EXAMPLES)
    const options = { title: 't', gate, now: () => T0 }
    for (const filter of [{}, { series: ['main'] }, { since: T0 + 2 * DAY }]) {
      const whole = buildReportModel(
        readStoreHistory(store, filter),
        definitions,
        options
      )
      const streamed = buildReportModel(
        openSqliteSource(store, filter),
        definitions,
        options
      )
      expect(streamed).toEqual(whole)
    }
  })

  it('keeps each point’s unit and the stored order of points sharing a time, in a file of any schema', async () => {
    const path = join(tempDir('stackci-report-'), 'mixed.sqlite')
    const store = new SqliteStore(path)
    for (let d = 0; d < 6; d++) {
      const job = dispatchJob(
        `d${d}`,
        { 'skyprobe.phot_rms': 10 + d },
        { time: T0 + d * DAY, unit: d < 3 ? 'mmag' : 'mag' }
      )
      // Three identifiers of one metric in one job, stored high to low.
      const [m] = job.job.measurements
      if (m !== undefined && d === 4)
        job.job.measurements = [5, 3, 1].map((v, i) => ({
          ...m,
          identifier: `ccd${i}`,
          value: v
        }))
      await store.write(job)
    }
    await store.close()
    const definitions = await loadDefinitions(EXAMPLES)
    const options = { title: 't', gate, now: () => T0 }
    const model = (): unknown =>
      buildReportModel(openSqliteSource(path), definitions, options)
    const whole = buildReportModel(readStoreHistory(path), definitions, options)
    expect(model()).toEqual(whole)
    const points = whole.metrics[0]?.lines[0]?.points.map((p) => p.value)
    // mag points shown in the chart's unit (the definition's mmag).
    expect(points?.slice(0, 4)).toEqual([10, 11, 12, 13000])
    expect(points?.slice(4, 7)).toEqual([5000, 3000, 1000])
    // The same file as schema 1 wrote it (no units table, no tails).
    toSchema1(path)
    expect(model()).toEqual(whole)
  })
})

describe('the page of a long history', () => {
  it('offers every point from a data file beside the page, allowed by the CSP', async () => {
    const out = join(tempDir('stackci-report-'), 'long.html')
    const reporter = new RecordingReporter()
    const result = await writeReport(
      {
        store: 'long.sqlite',
        history: longHistory(),
        definitions: EXAMPLES,
        out
      },
      reporter
    )
    const dataDir = join(out, '..', 'long-data')
    expect(result.dataDir).toBe(dataDir)
    const files = readdirSync(dataDir).filter((f) => f.endsWith('.js'))
    expect(files).toEqual([
      expect.stringMatching(/^skyprobe\.phot_rms\.\w{8}\.js$/)
    ])
    const text = readFileSync(join(dataDir, files[0] as string), 'utf8')
    const call = new RegExp(
      `^${DATA_CALLBACK}\\(("[^"]+"),(.*)\\)\\n$`,
      's'
    ).exec(text)
    expect(JSON.parse(call?.[1] ?? '')).toBe('skyprobe.phot_rms')
    const packed = JSON.parse(call?.[2] ?? '') as PackedChart
    // One set for the line's valued points, one for the point with no
    // value, then the thresholds.
    expect(packed.sets[0]?.y).toHaveLength(N - 1)
    expect(packed.sets[0]?.y).toContain(SPECIAL[FAIL])
    expect(packed.sets[1]?.y).toEqual([null])
    const html = readFileSync(out, 'utf8')
    expect(html).toContain(`script-src 'sha256-`)
    expect(html).toContain(`'strict-dynamic'`)
    expect(html).toContain(
      '<button type="button" id="full-0">show all 3000 points</button>'
    )
    expect(html).toContain(`long-data/${files[0] ?? ''}`)
    expect(reporter.text('info')).toContain(
      'every point of the 1 decimated metric(s)'
    )

    // Written again with a short history, the data directory goes.
    await writeReport(
      { store: 'short', history: longHistory(10), out },
      new RecordingReporter()
    )
    expect(() => readdirSync(dataDir)).toThrow()
  })

  it('neither loads files nor relaxes the CSP when nothing is decimated', () => {
    const model = buildReportModel(longHistory(10), undefined, {
      title: 't',
      gate
    })
    const html = renderReportHtml(model, chartLibrary(), {
      dataDir: 'report-data'
    })
    expect(html).not.toContain('strict-dynamic')
    expect(html).not.toContain('<button')
  })

  it('refuses to replace a directory it did not write', async () => {
    const dir = tempDir('stackci-report-')
    mkdirSync(join(dir, 'report-data'))
    writeFileSync(join(dir, 'report-data', 'mine.txt'), 'keep me')
    const error = await rejection(
      writeReport(
        {
          store: 'long',
          history: longHistory(),
          out: join(dir, 'report.html')
        },
        new RecordingReporter()
      )
    )
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain(
      'is not the data directory of a report'
    )
    expect(readFileSync(join(dir, 'report-data', 'mine.txt'), 'utf8')).toBe(
      'keep me'
    )
  })
})
