import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.js'
import { verifyMetricsDir } from '../helpers/shared.js'

const defs = verifyMetricsDir()

interface CheckJson {
  jobs: {
    file: string
    error?: string
    results: {
      spec: string
      metric: string
      measurement: { value: number; unit: string } | null
      threshold: { value: number; unit: string; operator: string }
      passed: boolean | null
    }[]
  }[]
}

function writeJob(
  dir: string,
  name: string,
  measurements: [string, number | null, string][],
  meta = {}
): string {
  const file = join(dir, name)
  writeFileSync(
    file,
    JSON.stringify({
      measurements: measurements.map(([metric, value, unit], i) => ({
        metric,
        value,
        unit,
        identifier: String(i),
        blob_refs: []
      })),
      blobs: [],
      metrics: [],
      specs: [],
      meta
    })
  )
  return file
}

const HSC = {
  instrument: 'HSC',
  filter_name: 'HSC-R',
  dataset_repo_url: 'https://github.com/lsst/validation_data_hsc.git',
  dataset_name: 'validation_data_hsc'
}

describe('stackci verify list', () => {
  it('--json lists the real package: 1032 metrics, 1705 specifications, 126 partials, sorted', async () => {
    const r = await runCli(['verify', 'list', '--definitions', defs, '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      metrics: {
        name: string
        unit: string
        description: string
        tags: string[]
      }[]
      specifications: {
        name: string
        metric: string
        threshold: object
        tags: string[]
        metadata_query: object
      }[]
      partials: string[]
    }
    expect(out.metrics).toHaveLength(1032)
    expect(out.specifications).toHaveLength(1705)
    expect(out.partials).toHaveLength(126)
    const names = out.specifications.map((s) => s.name)
    expect(names).toEqual([...names].sort())
    expect(out.metrics.find((m) => m.name === 'validate_drp.PA1')).toEqual({
      name: 'validate_drp.PA1',
      unit: 'mmag',
      description:
        'The maximum rms of the unresolved source magnitude distribution around the mean value.',
      tags: ['photometry']
    })
    expect(
      out.specifications.find((s) => s.name === 'validate_drp.PA1.hsc_design_r')
    ).toEqual({
      name: 'validate_drp.PA1.hsc_design_r',
      metric: 'validate_drp.PA1',
      threshold: { value: 5, unit: 'mmag', operator: '<=' },
      tags: ['PA1', 'chromatic', 'design'],
      metadata_query: {
        instrument: 'HSC',
        dataset_repo_url: 'https://github.com/lsst/validation_data_hsc.git',
        dataset_name: 'validation_data_hsc',
        filter_name: 'HSC-R'
      }
    })
  })

  it('prints the counts for people', async () => {
    const r = await runCli([
      'verify',
      'list',
      '--definitions',
      defs,
      '--package',
      'jointcal'
    ])
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(
      `14 metrics, 6 specifications, 126 partials in ${defs}`
    )
    expect(r.stdout).toContain(
      'jointcal.astrometry_final_ndof.hsc_2_visits  == 1858 '
    )
  })
})

describe('stackci verify check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-check-'))
  const passing = writeJob(
    dir,
    'pass.verify.json',
    [['validate_drp.PA1', 4.0, 'mmag']],
    HSC
  )
  const failing = writeJob(
    dir,
    'fail.verify.json',
    [
      ['validate_drp.PA1', 6.1, 'mmag'],
      ['validate_drp.AM1', null, 'marcsec']
    ],
    HSC
  )

  it('exits 0 when everything passes, and prints the table', async () => {
    const r = await runCli([
      'verify',
      'check',
      '--definitions',
      defs,
      passing,
      '--tags',
      'design'
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('✅      validate_drp.PA1.design_gri')
    expect(r.stdout).toMatch(/1 job: 3 passed, 0 failed, 0 without a value/)
  })

  it('exits 1 when a specification fails; --json follows the contract', async () => {
    const r = await runCli([
      'verify',
      'check',
      '--definitions',
      defs,
      failing,
      passing,
      '--json',
      '--tags',
      'design'
    ])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout) as CheckJson
    expect(out.jobs.map((j) => j.file)).toEqual([failing, passing])
    const hscDesign = out.jobs[0]?.results.find(
      (x) => x.spec === 'validate_drp.PA1.hsc_design_r'
    )
    expect(hscDesign).toEqual({
      spec: 'validate_drp.PA1.hsc_design_r',
      metric: 'validate_drp.PA1',
      measurement: { value: 6.1, unit: 'mmag' },
      threshold: { value: 5, unit: 'mmag', operator: '<=' },
      passed: false
    })
    const noValue = out.jobs[0]?.results.find(
      (x) => x.spec === 'validate_drp.AM1.design'
    )
    expect(noValue?.measurement).toBeNull()
    expect(noValue?.passed).toBeNull()
    expect(out.jobs[0]?.results.map((x) => x.spec)).toEqual(
      [...(out.jobs[0]?.results.map((x) => x.spec) ?? [])].sort()
    )
  })

  it('exits 2 on a truncated job, naming file:line, and still checks the others', async () => {
    const full = readFileSync(failing, 'utf8')
    const cut = join(dir, 'cut.verify.json')
    writeFileSync(cut, full.slice(0, 60))
    const r = await runCli([
      'verify',
      'check',
      '--definitions',
      defs,
      passing,
      cut,
      '--json'
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${cut}:1:61: ${cut} is not valid JSON`)
    expect(r.stderr).toContain('truncated')
    const out = JSON.parse(r.stdout) as CheckJson
    expect(out.jobs).toHaveLength(2)
    expect(out.jobs[0]?.results.length).toBeGreaterThan(0)
    expect(out.jobs[1]?.error).toMatch(/not valid JSON/)
  })

  it('exits 2 on bad definitions, listing every problem with file:line', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'stackci-baddefs-'))
    mkdirSync(join(bad, 'metrics'))
    mkdirSync(join(bad, 'specs', 'pkg'), { recursive: true })
    writeFileSync(
      join(bad, 'metrics', 'pkg.yaml'),
      'M:\n  description: d\n  unit: mmag\n  colour: red\n'
    )
    writeFileSync(
      join(bad, 'specs', 'pkg', 's.yaml'),
      'name: M.x\nbase: "#missing"\n'
    )
    const r = await runCli(['verify', 'check', '--definitions', bad, passing])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`error: 2 problems in ${bad}`)
    expect(r.stderr).toContain(
      `${join(bad, 'metrics', 'pkg.yaml')}:4:3 (M.colour): unknown key "colour" in metric M`
    )
    expect(r.stderr).toContain(
      `${join(bad, 'specs', 'pkg', 's.yaml')}:2:7 (base): base pkg:s#missing is not defined`
    )
  })

  it('exits 2 on usage errors and missing files, 0 on --help', async () => {
    expect(
      (await runCli(['verify', 'check', '--definitions', defs])).code
    ).toBe(2)
    const missing = await runCli([
      'verify',
      'check',
      '--definitions',
      defs,
      join(dir, 'nope.json')
    ])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/job file not found: .*nope\.json/)
    expect((await runCli(['verify', 'check', '--bogus'])).code).toBe(2)
    expect((await runCli(['no-such-command'])).code).toBe(2)
    const help = await runCli(['verify', 'check', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--definitions <dir>')
  })

  it('checks 5,000 job files in one call (a directory, and a list on stdin)', async () => {
    const many = mkdtempSync(join(tmpdir(), 'stackci-many-'))
    const files: string[] = []
    for (let i = 0; i < 5000; i++) {
      const sub = join(many, String(i % 50))
      if (i < 50) mkdirSync(sub)
      files.push(
        writeJob(
          sub,
          `${i}.verify.json`,
          [['validate_drp.PA1', i % 7, 'mmag']],
          HSC
        )
      )
    }
    const fromDir = await runCli([
      'verify',
      'check',
      '--definitions',
      defs,
      many,
      '--json',
      '--tags',
      'design'
    ])
    expect(fromDir.code).toBe(1)
    const out = JSON.parse(fromDir.stdout) as CheckJson
    expect(out.jobs).toHaveLength(5000)
    const failed = out.jobs.filter((j) =>
      j.results.some((x) => x.passed === false)
    ).length
    // Values 0..6 mmag against the ≤ 5 mmag design thresholds: only 6 fails.
    expect(failed).toBe(files.filter((_f, i) => i % 7 === 6).length)
    const fromStdin = await runCli(
      [
        'verify',
        'check',
        '--definitions',
        defs,
        '--jobs-from',
        '-',
        '--no-table'
      ],
      {
        stdin: files.join('\n')
      }
    )
    expect(fromStdin.stdout).toMatch(/5000 jobs: /)
  })
})

describe('stackci run', () => {
  it('runs the quick profile of the sample pipeline green and prints the closing table', async () => {
    const r = await runCli([
      'run',
      '--profile',
      'quick',
      '--run-id',
      'cli-quick',
      join('examples', 'stackci.yml')
    ])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(
      'stackci quick: run cli-quick, 2 steps: lint → verify'
    )
    expect(r.stderr).toMatch(/\[1\/2\] lint: passed/)
    expect(r.stdout).toMatch(
      /✅ verify\s+passed\s+\S+\s+1 job: 9 passed, 0 failed, 0 without a value/
    )
    expect(r.stdout).toContain('✅ passed: stackci quick, run cli-quick')
  })

  it('runs a file without profiles by its sections, and refuses an unknown profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-run-'))
    const file = join(dir, 'stackci.yml')
    writeFileSync(
      file,
      `version: 1\nverify:\n  definitions: ${join(process.cwd(), 'examples', 'stack')}\n  jobs: ${join(process.cwd(), 'examples', 'stack', 'jobs')}/*.verify.json\n`
    )
    const r = await runCli(['run', file])
    expect(r.stderr).toContain('stackci default: run ')
    expect(r.stdout).toMatch(/✅ verify\s+passed/)
    expect(r.code).toBe(0)
    const unknown = await runCli(['run', '--profile', 'weekly', file])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no profile "weekly"')
  })

  it('reports a broken config with every problem and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-run-'))
    const file = join(dir, 'stackci.yml')
    writeFileSync(file, 'version: 1\nverify:\n  definition: x\n')
    const r = await runCli(['run', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      `${file}:3:3 (verify.definition): unknown key "definition" (did you mean "definitions"?)`
    )
  })
})
