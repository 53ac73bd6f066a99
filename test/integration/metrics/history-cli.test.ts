/**
 * `stackci metrics history METRIC` as a new user types it: every series of
 * the metric by default (any dataset, instrument, filter), and when nothing
 * matches, the series the store holds instead of "0 points".
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../helpers/cli.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'
import { DEFAULT_BASELINE } from '../../../src/metrics/index.js'

const examples = join(process.cwd(), 'examples', 'stack')

function night(dir: string, i: number, dataset: string): string {
  const file = join(dir, `${dataset}-${i}.verify.json`)
  writeFileSync(
    file,
    JSON.stringify({
      measurements: [
        {
          metric: 'skyprobe.astrom_rms',
          identifier: `${dataset}-a${i}`,
          value: 14 + i / 10,
          unit: 'marcsec',
          blob_refs: []
        }
      ],
      blobs: [],
      meta: {
        dataset_name: dataset,
        instrument: 'SIM',
        packages: {},
        date_created: new Date(T0 + i * DAY).toISOString()
      }
    })
  )
  return file
}

describe('stackci metrics history', () => {
  let dir: string
  let store: string[]
  beforeAll(async () => {
    dir = tempDir()
    store = ['--definitions', examples, '--sqlite', join(dir, 'm.sqlite')]
    const jobs = [1, 2, 3].flatMap((i) => [
      night(dir, i, 'field_a'),
      night(dir, i, 'field_b')
    ])
    const r = await runCli(
      [
        'metrics',
        'dispatch',
        ...store,
        '--series',
        'main',
        '--no-spool',
        ...jobs
      ],
      { cwd: dir }
    )
    if (r.code !== 0) throw new Error(`dispatch failed: ${r.stderr}`)
  })

  it('shows every series of the metric when no dataset is given', async () => {
    const r = await runCli(
      ['metrics', 'history', 'skyprobe.astrom_rms', ...store],
      { cwd: dir }
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      'skyprobe.astrom_rms [field_a · SIM] on main: 3 points, worse is up\n'
    )
    expect(r.stdout).toContain(
      'skyprobe.astrom_rms [field_b · SIM] on main: 3 points, worse is up\n'
    )
    const json = await runCli(
      ['metrics', 'history', 'skyprobe.astrom_rms', '--json', ...store],
      { cwd: dir }
    )
    const points = JSON.parse(json.stdout) as {
      dataset: string
      value: number
    }[]
    expect(points.map((p) => [p.dataset, p.value])).toEqual([
      ['field_a', 14.1],
      ['field_a', 14.2],
      ['field_a', 14.3],
      ['field_b', 14.1],
      ['field_b', 14.2],
      ['field_b', 14.3]
    ])
    // One series picked: its points exactly as before, without the key.
    const one = await runCli(
      [
        'metrics',
        'history',
        'skyprobe.astrom_rms',
        '--dataset',
        'field_b',
        '--json',
        ...store
      ],
      { cwd: dir }
    )
    const only = JSON.parse(one.stdout) as Record<string, unknown>[]
    expect(only).toHaveLength(3)
    expect(only[0]).toMatchObject({ value: 14.1, verdict: 'insufficient' })
    expect(only[0]).not.toHaveProperty('dataset')
    expect(only[0]).not.toHaveProperty('metric')
  })

  it('names the series the store holds when none matches, and exits 2', async () => {
    const typo = await runCli(
      [
        'metrics',
        'history',
        'skyprobe.astrom_rms',
        '--dataset',
        'field_c',
        ...store
      ],
      { cwd: dir }
    )
    expect(typo.code).toBe(2)
    expect(typo.stdout).toBe('')
    expect(typo.stderr).toContain(
      'no series of skyprobe.astrom_rms [field_c] on main'
    )
    expect(typo.stderr).toContain('skyprobe.astrom_rms [field_a · SIM] on main')
    expect(typo.stderr).toContain('skyprobe.astrom_rms [field_b · SIM] on main')
    const other = await runCli(
      ['metrics', 'history', 'skyprobe.nothing', ...store],
      { cwd: dir }
    )
    expect(other.code).toBe(2)
    expect(other.stderr).toContain('holds 2 series; those on main:')
    const weekly = await runCli(
      [
        'metrics',
        'history',
        'skyprobe.astrom_rms',
        '--series',
        'weekly',
        ...store
      ],
      { cwd: dir }
    )
    expect(weekly.code).toBe(2)
    expect(weekly.stderr).toContain(
      'skyprobe.astrom_rms [field_a · SIM] on main'
    )
  })

  it('the --min-samples help says what the code does', async () => {
    const help = await runCli(['metrics', 'dispatch', '--help'])
    expect(DEFAULT_BASELINE.minSamples).toBe(10)
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      `--min-samples <n> baseline points needed for a verdict (default ${DEFAULT_BASELINE.minSamples})`
    )
  })
})
