import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../helpers/cli.js'
import {
  influxQuery,
  influxEnv,
  influxUrl,
  uniqueDatabase,
  dropTestDatabases
} from '../../helpers/influxdb.js'
import { DAY, T0, gaussian, prng, tempDir } from '../../helpers/metrics.js'

const examples = join(process.cwd(), 'examples', 'stack')

/** A sample-stack job for one night, dated, with the given astrometric RMS. */
function night(dir: string, i: number, astrom: number): string {
  const file = join(dir, `night-${String(i).padStart(3, '0')}.verify.json`)
  writeFileSync(
    file,
    JSON.stringify({
      measurements: [
        {
          metric: 'skyprobe.astrom_rms',
          identifier: `a${i}`,
          value: astrom,
          unit: 'marcsec',
          blob_refs: []
        },
        {
          metric: 'skyprobe.matched_fraction',
          identifier: `m${i}`,
          value: 93,
          unit: '%',
          blob_refs: []
        }
      ],
      blobs: [],
      meta: {
        dataset_name: 'field_a',
        instrument: 'SIM',
        packages: {},
        date_created: new Date(T0 + i * DAY).toISOString()
      }
    })
  )
  return file
}

interface Report {
  passed: boolean
  comparisons: { metric: string; verdict: string; streak: number }[]
}

describe('stackci metrics', () => {
  afterAll(async () => {
    await dropTestDatabases()
  })
  let dir: string
  let common: string[]
  beforeEach(() => {
    dir = tempDir()
    common = [
      '--definitions',
      examples,
      '--sqlite',
      join(dir, 'm.sqlite'),
      '--spool',
      join(dir, 'spool'),
      '--series',
      'main'
    ]
  })

  it('dispatch: exit 0 when the gate passes, 1 when a fail-tagged spec fails, as configured', async () => {
    const ok = await runCli([
      'metrics',
      'dispatch',
      ...common,
      night(dir, 1, 14.2)
    ])
    expect(ok.stderr).toContain('1 job, 2 measurements')
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^### ✅ Metrics gate passed/)
    const bad = night(dir, 2, 64.2)
    const failed = await runCli(['metrics', 'dispatch', ...common, bad])
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain(
      '| ❌ | `skyprobe.astrom_rms.minimum` | 64.20 marcsec | <= 60.0 marcsec |'
    )
    // Gate on other tags: design fails too; an unknown tag gates nothing.
    expect(
      (
        await runCli([
          'metrics',
          'report',
          ...common,
          '--fail-tags',
          'design',
          night(dir, 3, 40)
        ])
      ).code
    ).toBe(1)
    expect(
      (
        await runCli([
          'metrics',
          'report',
          ...common,
          '--fail-tags',
          'nothing',
          bad
        ])
      ).code
    ).toBe(0)
    expect(
      (await runCli(['metrics', 'report', ...common, '--no-gate', bad])).code
    ).toBe(0)
    const json = JSON.parse(
      (await runCli(['metrics', 'report', ...common, '--json', bad])).stdout
    ) as Report
    expect(json.passed).toBe(false)
  })

  it('flags a step after exactly K runs on main, and an accepted step stops counting', async () => {
    const g = gaussian(prng(4))
    const history = Array.from({ length: 20 }, (_, i) =>
      night(dir, i, 14 + 0.2 * g())
    )
    expect(
      (await runCli(['metrics', 'dispatch', ...common, ...history])).code
    ).toBe(0)
    const verdicts: string[] = []
    for (let i = 20; i < 23; i++) {
      const r = await runCli([
        'metrics',
        'dispatch',
        ...common,
        '--regressions',
        'fail',
        '--json',
        night(dir, i, 20)
      ])
      const report = JSON.parse(r.stdout) as Report
      const c = report.comparisons.find(
        (x) => x.metric === 'skyprobe.astrom_rms'
      )
      verdicts.push(`${c?.verdict ?? ''}:${r.code ?? ''}`)
    }
    expect(verdicts).toEqual(['breach:0', 'breach:0', 'regression:1'])
    const all = await runCli([
      'metrics',
      'history',
      '--all',
      ...common.slice(0, 4)
    ])
    expect(all.code).toBe(1)
    expect(all.stdout).toMatch(
      /REGRESSION {2}skyprobe\.astrom_rms \[field_a · SIM\] {2}20 .*3 in a row since 2026-01-21T00:00:00\.000Z/
    )
    const accepted = await runCli([
      'metrics',
      'accept',
      'skyprobe.astrom_rms',
      '--dataset',
      'field_a',
      '--instrument',
      'SIM',
      '--reason',
      'new reference catalogue',
      ...common.slice(0, 4)
    ])
    expect(accepted.stdout).toBe(
      'accepted skyprobe.astrom_rms [field_a · SIM] on main from 2026-01-21T00:00:00.000Z: new reference catalogue\n'
    )
    const after = await runCli([
      'metrics',
      'dispatch',
      ...common,
      '--regressions',
      'fail',
      '--json',
      night(dir, 23, 20)
    ])
    expect(after.code).toBe(0)
    const astrom = (JSON.parse(after.stdout) as Report).comparisons.find(
      (c) => c.metric === 'skyprobe.astrom_rms'
    )
    expect(astrom?.verdict).toBe('insufficient')
    const series = await runCli([
      'metrics',
      'history',
      'skyprobe.astrom_rms',
      '--dataset',
      'field_a',
      '--instrument',
      'SIM',
      '--json',
      ...common.slice(0, 4)
    ])
    const points = JSON.parse(series.stdout) as {
      value: number
      verdict: string
    }[]
    expect(points).toHaveLength(24)
    expect(points.slice(20).map((p) => p.verdict)).toEqual([
      'insufficient',
      'insufficient',
      'insufficient',
      'insufficient'
    ])
  })

  it('--dry-run prints what each store would get and stores nothing', async () => {
    const database = uniqueDatabase('dryrun')
    const r = await runCli([
      'metrics',
      'dispatch',
      ...common,
      '--dry-run',
      '--influxdb',
      influxUrl(),
      '--influxdb-db',
      database,
      night(dir, 1, 14.2)
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      jobs: { stores: { influxdb: { lines: string[] } } }[]
    }
    expect(out.jobs[0]?.stores.influxdb.lines[0]).toMatch(
      /^skyprobe,dataset=field_a,instrument=SIM,series=main astrom_rms=14\.2,matched_fraction=93,job_id="[0-9a-f]{32}" 1767312000000$/
    )
    expect(existsSync(join(dir, 'm.sqlite'))).toBe(false)
    const q = await influxQuery(database, 'SHOW DATABASES')
    expect((q.results[0]?.series?.[0]?.values ?? []).flat()).not.toContain(
      database
    )
  })

  it('replay: sends what a dispatch spooled while InfluxDB was unreachable', async () => {
    const database = uniqueDatabase('cli_replay')
    const down = await runCli([
      'metrics',
      'dispatch',
      ...common,
      '--influxdb',
      'http://127.0.0.1:9',
      '--influxdb-db',
      database,
      night(dir, 1, 14.2),
      night(dir, 2, 14.3)
    ])
    expect(down.code).toBe(0)
    expect(down.stderr).toMatch(/was not stored: .*InfluxDB is unreachable/)
    expect(down.stderr).toContain(
      `stackci metrics replay --spool ${join(dir, 'spool')}`
    )
    const list = await runCli([
      'metrics',
      'replay',
      '--list',
      '--spool',
      join(dir, 'spool')
    ])
    expect(list.stdout).toMatch(/2 spooled send\(s\)/)
    const failing = await runCli([
      'metrics',
      'replay',
      '--spool',
      join(dir, 'spool'),
      '--no-sqlite',
      '--influxdb',
      'http://127.0.0.1:9',
      '--influxdb-db',
      database
    ])
    expect(failing.code).toBe(2)
    const r = await runCli(
      [
        'metrics',
        'replay',
        '--spool',
        join(dir, 'spool'),
        '--no-sqlite',
        '--influxdb',
        influxUrl(),
        '--influxdb-db',
        database
      ],
      { env: influxEnv() }
    )
    expect(r.stdout).toMatch(/^2 sent, 0 left/)
    expect(r.code).toBe(0)
    const q = await influxQuery(
      database,
      'SELECT count("astrom_rms") FROM "skyprobe"'
    )
    expect(q.results[0]?.series?.[0]?.values[0]?.[1]).toBe(2)
  })

  it('exit 2 with the fix for bad input: missing credentials, a broken job, a bad flag', async () => {
    const squash = await runCli(
      [
        'metrics',
        'dispatch',
        ...common,
        '--squash',
        'https://squash.example.org/',
        night(dir, 1, 1)
      ],
      { env: { SQUASH_USER: '', SQUASH_PASSWORD: '', SQUASH_password: '' } }
    )
    expect(squash.code).toBe(2)
    expect(squash.stderr).toMatch(/environment variable SQUASH_USER is not set/)
    const broken = join(dir, 'broken.verify.json')
    writeFileSync(broken, '{"measurements": [{"metric": "x"}]}')
    const job = await runCli(['metrics', 'dispatch', ...common, broken])
    expect(job.code).toBe(2)
    expect(job.stderr).toContain('broken.verify.json')
    const flag = await runCli([
      'metrics',
      'dispatch',
      ...common,
      '--regressions',
      'maybe',
      night(dir, 1, 1)
    ])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(
      /--regressions must be one of fail, warn, ignore/
    )
    const help = await runCli(['metrics', 'dispatch', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--dry-run')
  })
})
