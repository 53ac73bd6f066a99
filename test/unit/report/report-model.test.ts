import { join } from 'node:path'
import { InputError, StoreError } from '../../../src/core/index.js'
import { SqliteStore } from '../../../src/metrics/index.js'
import {
  buildReportModel,
  reportSummary,
  type ReportMetric,
  type ReportModel
} from '../../../src/report/index.js'
import { readStoreHistory } from '../../../src/metrics/index.js'
import { loadDefinitions } from '../../../src/verify/index.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'
import {
  EXAMPLES,
  badRun,
  dispatchInto,
  goodRun,
  provenance,
  writeRunJobs
} from '../../helpers/report.js'
import { thrown } from '../../helpers/thrown.js'

const gate = { fail: ['minimum'], warn: ['design'] }

async function twoRuns(): Promise<{ dir: string; store: string }> {
  const dir = tempDir('stackci-report-')
  const store = join(dir, 'metrics.sqlite')
  await dispatchInto(store, writeRunJobs(dir, 1, goodRun()))
  await dispatchInto(store, writeRunJobs(dir, 2, badRun()))
  return { dir, store }
}

async function model(store: string, series?: string[]): Promise<ReportModel> {
  const history = readStoreHistory(
    store,
    series === undefined ? {} : { series }
  )
  return buildReportModel(history, await loadDefinitions(EXAMPLES), {
    title: 'test',
    gate,
    now: () => T0
  })
}

function metric(m: ReportModel, name: string): ReportMetric {
  const found = m.metrics.find((x) => x.metric === `skyprobe.${name}`)
  if (found === undefined) throw new Error(`no ${name} in the model`)
  return found
}

describe('the report model', () => {
  it('has a trend per metric with one line per dataset/instrument/filter, oldest point first', async () => {
    const { store } = await twoRuns()
    const m = await model(store)
    expect(m.metrics.map((x) => x.metric)).toEqual([
      'skyprobe.astrom_rms',
      'skyprobe.matched_fraction',
      'skyprobe.phot_rms',
      'skyprobe.run_time'
    ])
    const astrom = metric(m, 'astrom_rms')
    expect(astrom.unit).toBe('marcsec')
    expect(astrom.lines.map((l) => l.label)).toEqual([
      'field_a · SIM',
      'field_b · SIM · HSC-R'
    ])
    expect(astrom.lines[0]?.points.map((p) => p.value)).toEqual([14.2, 27.5])
    expect(astrom.lines[0]?.points.map((p) => p.time)).toEqual([
      T0 + DAY,
      T0 + 2 * DAY
    ])
    expect(m.runs).toHaveLength(4)
    expect(m.range).toEqual({ from: T0 + DAY, to: T0 + 2 * DAY + 60_000 })
  })

  it('colours each point by the specifications whose metadata query matches its job', async () => {
    const { store } = await twoRuns()
    const m = await model(store)
    const astrom = metric(m, 'astrom_rms')
    const [a, b] = astrom.lines
    // 27.5 marcsec passes minimum (≤ 60) and design (≤ 30) but misses
    // field_a_design (≤ 25, tagged design): warn.
    expect(a?.points.map((p) => p.status)).toEqual(['pass', 'warn'])
    const late = a?.points[1]
    expect(late?.checks.map((c) => [c.spec, c.passed, c.level])).toEqual(
      expect.arrayContaining([
        ['skyprobe.astrom_rms.field_a_design', false, 'warn'],
        ['skyprobe.astrom_rms.minimum', true, 'fail'],
        ['skyprobe.astrom_rms.design', true, 'warn'],
        ['skyprobe.astrom_rms.stretch', false, 'info']
      ])
    )
    // field_a's own spec does not apply to field_b.
    expect(
      b?.points[0]?.checks.some((c) => c.spec.endsWith('field_a_design'))
    ).toBe(false)
    expect(b?.points.map((p) => p.status)).toEqual(['pass', 'pass'])

    const phot = metric(m, 'phot_rms')
    expect(phot.lines[1]?.points.map((p) => p.status)).toEqual(['pass', 'fail'])
    const matched = metric(m, 'matched_fraction')
    expect(matched.lines[1]?.points.map((p) => [p.value, p.status])).toEqual([
      [91, 'pass'],
      [null, 'no-value']
    ])
    expect(matched.counts).toEqual({
      pass: 3,
      warn: 0,
      fail: 0,
      'no-value': 1,
      'no-spec': 0
    })
  })

  it('lists every applicable threshold in the chart unit, labelled with the spec and its query', async () => {
    const { store } = await twoRuns()
    const m = await model(store)
    const astrom = metric(m, 'astrom_rms')
    expect(
      astrom.thresholds.map((t) => [t.spec, t.value, t.level, t.label])
    ).toEqual(
      expect.arrayContaining([
        ['skyprobe.astrom_rms.minimum', 60, 'fail', 'minimum ≤ 60 marcsec'],
        [
          'skyprobe.astrom_rms.field_a_design',
          25,
          'warn',
          'field_a_design ≤ 25 marcsec (dataset_name=field_a)'
        ]
      ])
    )
    // run_time's minimum is in minutes: drawn in the chart's seconds.
    const runTime = metric(m, 'run_time')
    expect(runTime.thresholds.map((t) => [t.value, t.label])).toEqual([
      [600, 'minimum < 600 s']
    ])
    const phot = metric(m, 'phot_rms')
    expect(phot.thresholds.map((t) => t.spec)).toContain(
      'skyprobe.phot_rms.field_b_design'
    )
  })

  it('builds the pass/fail table of each dataset from its latest run, failures first', async () => {
    const { store } = await twoRuns()
    const m = await model(store)
    expect(m.datasets.map((d) => d.label)).toEqual([
      'field_a · SIM',
      'field_b · SIM · HSC-R'
    ])
    const b = m.datasets[1]
    expect(m.runs[b?.run ?? -1]?.releaseTag).toBe(provenance(2).releaseTag)
    expect(b?.rows[0]).toMatchObject({
      metric: 'skyprobe.phot_rms',
      spec: 'skyprobe.phot_rms.minimum',
      value: 34,
      passed: false,
      level: 'fail',
      threshold: '≤ 30 mmag'
    })
    expect(b?.counts.failed).toBe(1)
    const noValue = b?.rows.find(
      (r) => r.metric === 'skyprobe.matched_fraction'
    )
    expect(noValue?.passed).toBeNull()
  })

  it('keeps the runs’ provenance, with credentials removed from build links', async () => {
    const { store } = await twoRuns()
    const m = await model(store)
    const run = m.runs[0]
    const p = provenance(1)
    expect(run).toMatchObject({
      gitSha: p.gitSha,
      releaseTag: p.releaseTag,
      imageDigest: p.imageDigest,
      series: 'main',
      dataset: 'field_a'
    })
    expect(run?.links.map((l) => l.label)).toEqual([
      'Jenkins build',
      'workflow run'
    ])
    expect(JSON.stringify(m)).not.toContain('s3cret')
    expect(run?.links[0]?.url).toBe(
      'https://jenkins.example.org/job/stack-os-matrix/101/'
    )
  })

  it('groups lines by history series too when the report spans several', async () => {
    const dir = tempDir('stackci-report-')
    const store = join(dir, 'metrics.sqlite')
    await dispatchInto(store, writeRunJobs(dir, 1, goodRun()), 'main')
    await dispatchInto(store, writeRunJobs(dir, 2, goodRun()), 'weekly')
    const all = await model(store)
    expect(metric(all, 'phot_rms').lines.map((l) => l.label)).toEqual([
      'field_a · SIM · main',
      'field_a · SIM · weekly',
      'field_b · SIM · HSC-R · main',
      'field_b · SIM · HSC-R · weekly'
    ])
    const weekly = await model(store, ['weekly'])
    expect(metric(weekly, 'phot_rms').lines.map((l) => l.label)).toEqual([
      'field_a · SIM',
      'field_b · SIM · HSC-R'
    ])
  })

  it('summarises points per metric and line: a second run adds a second point', async () => {
    const dir = tempDir('stackci-report-')
    const store = join(dir, 'metrics.sqlite')
    await dispatchInto(store, writeRunJobs(dir, 1, goodRun()))
    const once = reportSummary(await model(store))
    expect(once.metrics.map((x) => x.points)).toEqual([2, 2, 2, 2])
    await dispatchInto(store, writeRunJobs(dir, 2, goodRun()))
    const twice = reportSummary(await model(store))
    expect(twice.runs).toBe(4)
    for (const x of twice.metrics)
      expect(x.lines.map((l) => l.points)).toEqual([2, 2])
  })

  it('draws no thresholds and colours nothing without definitions', async () => {
    const { store } = await twoRuns()
    const m = buildReportModel(readStoreHistory(store), undefined, {
      title: 't',
      gate
    })
    expect(m.metrics.every((x) => x.thresholds.length === 0)).toBe(true)
    expect(metric(m, 'astrom_rms').counts['no-spec']).toBe(4)
  })
})

describe('reading the store', () => {
  it('says there is no store, and how to make one, for a missing file', () => {
    const error = thrown(() => readStoreHistory('/nonexistent/m.sqlite'))
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toContain('no metrics store')
    expect((error as InputError).hint).toContain('stackci metrics dispatch')
  })

  it('says an empty store has no measurements yet', async () => {
    const path = join(tempDir(), 'm.sqlite')
    await new SqliteStore(path).close()
    const error = thrown(() => readStoreHistory(path))
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toContain('has no measurements yet')
  })

  it('refuses a SQLite file that is not a stackci store', async () => {
    const { default: Database } = await import('better-sqlite3')
    const path = join(tempDir(), 'other.sqlite')
    const db = new Database(path)
    db.exec('CREATE TABLE t (x)')
    db.close()
    const error = thrown(() => readStoreHistory(path))
    expect(error).toBeInstanceOf(StoreError)
    expect((error as StoreError).message).toContain(
      'is not a stackci metrics store'
    )
  })

  it('names the series the store holds when the filter matches nothing', async () => {
    const { store } = await twoRuns()
    const error = thrown(() => readStoreHistory(store, { series: ['weekly'] }))
    expect((error as InputError).message).toContain('no measurements in')
    expect((error as InputError).hint).toContain('holds the series main')
    const late = readStoreHistory(store, { since: T0 + 2 * DAY })
    expect(late.jobs.map((j) => j.dataset)).toEqual(['field_a', 'field_b'])
    expect(new Set(late.measurements.map((x) => x.job))).toEqual(
      new Set([0, 1])
    )
  })
})
