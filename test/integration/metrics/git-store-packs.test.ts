/**
 * The git store's month packs, on a real bare repository with the real git
 * CLI: packing past months keeps every job as it was (values, no-values,
 * identifiers, provenance), the history index reads packs and job files
 * alike, a job already packed is not written twice, and a late job for a
 * packed month is read beside its pack.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { silentReporter } from '../../../src/core/index.js'
import {
  GitStore,
  decodePack,
  encodeJobFile,
  decodeJobFile,
  encodePack,
  jobPath
} from '../../../src/metrics/index.js'
import { gitFiles } from '../../helpers/git-server.js'
import { DAY, T0, dispatchJob, tempDir } from '../../helpers/metrics.js'

describe('month packs of the git store', () => {
  it('round-trip a month of jobs: values, no values and identifiers', () => {
    const jobs = [
      dispatchJob('a', { 'pkg.x': 1.5, 'pkg.y': NaN }, { time: T0 }),
      dispatchJob('b', { 'pkg.x': 0.1 + 0.2, 'pkg.y': -3 }, { time: T0 + DAY })
    ]
    const b = jobs[1]?.job.measurements[0]
    if (b !== undefined) b.identifier = 'two\nlines'
    const files = jobs.map((d) => decodeJobFile(encodeJobFile(d), jobPath(d)))
    const pack = decodePack(encodePack('main', '2026-01', files), 'p.pack')
    expect(Array.from(pack.values)).toEqual([1.5, NaN, 0.1 + 0.2, -3])
    expect(pack.ids()).toEqual([
      ['a-0', 'a-1'],
      ['two\nlines', 'b-1']
    ])
    expect(pack.file.lists).toEqual([
      ['pkg.x', 'pkg.y'],
      ['mmag', 'mmag']
    ])
  })

  it('packing keeps the history; a packed job is not written twice; a late job is read beside its pack', async () => {
    const dir = tempDir()
    const bare = join(dir, 'history.git')
    spawnSync('git', ['init', '--quiet', '--bare', bare])
    const store = (): GitStore =>
      new GitStore({
        url: bare,
        branch: 'stackci-metrics',
        cacheDir: join(dir, 'cache'),
        reporter: silentReporter
      })
    const month = (m: number, d: number): number => Date.UTC(2026, m, d)
    const jobs = [
      dispatchJob('j1', { 'pkg.a': 1, 'pkg.b': 10 }, { time: month(0, 3) }),
      dispatchJob('j2', { 'pkg.a': 2, 'pkg.b': NaN }, { time: month(0, 20) }),
      dispatchJob('j3', { 'pkg.a': 3, 'pkg.b': 30 }, { time: month(1, 2) }),
      dispatchJob('j4', { 'pkg.a': 4 }, { time: month(2, 9), series: 'pr/7' })
    ]
    for (const d of jobs) await store().write(d)
    const before = await store().readHistory()
    expect(gitFiles(bare, 'stackci-metrics')).toHaveLength(4)

    const packed = await store().compact(month(11, 1))
    expect(packed).toEqual({ months: 3, jobs: 4 })
    expect(gitFiles(bare, 'stackci-metrics').sort()).toEqual([
      'series/main/2026/01.pack',
      'series/main/2026/02.pack',
      'series/pr%2F7/2026/03.pack'
    ])
    const after = await store().readHistory()
    expect({ ...after, path: '' }).toEqual({ ...before, path: '' })
    expect(after.measurements.map((m) => m.value)).toEqual([
      1,
      10,
      2,
      null,
      3,
      30,
      4
    ])

    const again = await store().write(jobs[1] as (typeof jobs)[number])
    expect(again).toMatchObject({ written: 0, skipped: 2 })
    await store().write(
      dispatchJob('late', { 'pkg.a': 1.5 }, { time: month(0, 10) })
    )
    expect(
      gitFiles(bare, 'stackci-metrics').filter((f) => f.endsWith('.json'))
    ).toHaveLength(1)
    const index = await store().index('main')
    expect(
      index
        .history({
          metric: 'pkg.a',
          dataset: '',
          instrument: '',
          filter: '',
          series: 'main'
        })
        .map((p) => [p.jobId, p.value])
    ).toEqual([
      ['j1', 1],
      ['late', 1.5],
      ['j2', 2],
      ['j3', 3]
    ])
    expect(index.keys().map((k) => `${k.series} ${k.metric}`)).toEqual([
      'main pkg.a',
      'main pkg.b'
    ])
  })
})
