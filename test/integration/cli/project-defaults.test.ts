/**
 * `stackci lint` and `stackci verify check` inside a project with a
 * stackci.yml: the file gives the defaults (paths relative to it), flags
 * override it, and the terminal shows the step's summary, capped.
 */
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../helpers/cli.js'
import { flake8Path, lintFixtures, tempDir } from '../../helpers/lint.js'
import { verifyMetricsDir } from '../../helpers/shared.js'

const HSC = {
  instrument: 'HSC',
  filter_name: 'HSC-R',
  dataset_repo_url: 'https://github.com/lsst/validation_data_hsc.git',
  dataset_name: 'validation_data_hsc'
}

function writeJob(
  file: string,
  measurements: [string, number, string][]
): string {
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
      meta: HSC
    })
  )
  return file
}

describe('stackci lint in a project with a stackci.yml', () => {
  const project = tempDir('lint-project')
  cpSync(join(lintFixtures, 'specs-broken'), join(project, 'specs-broken'), {
    recursive: true
  })
  mkdirSync(join(project, 'pkg'))
  // 25 findings of one kind: more than the terminal's summary lists.
  writeFileSync(
    join(project, 'pkg', 'wide.py'),
    Array.from({ length: 25 }, (_, i) => `x${i}=1\n`).join('')
  )
  writeFileSync(
    join(project, 'stackci.yml'),
    "version: 1\nlint:\n  linters: ['verify-yaml: specs-broken']\n  fail-on: warning\n"
  )

  it("runs the lint: section's linters with no flags", async () => {
    const r = await runCli(['lint'], { cwd: project })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('▸ lint: verify-yaml')
    expect(r.stderr).not.toContain('lint: flake8')
    expect(r.stdout).toContain(
      'specs-broken/specs/demo_drp/broken.yaml:4:1: error yaml-syntax'
    )
    expect(r.stderr).toContain('fail-on warning: failed')
    // The step's summary, as the action writes it.
    expect(r.stderr).toContain('### ❌ Lint: ')
    expect(r.stderr).toContain('| verify-yaml |')
  })

  it('takes the file given with --config from elsewhere', async () => {
    const r = await runCli(['lint', '--config', join(project, 'stackci.yml')])
    expect(r.stderr).toContain('▸ lint: verify-yaml')
    expect(r.stdout).toContain('specs-broken/specs/demo_drp/broken.yaml:4:1')
  })

  it('lets flags override the file, and caps the summary at 20 findings', async () => {
    const r = await runCli(
      [
        'lint',
        '--linter',
        `flake8: ${flake8Path()}`,
        '--fail-on',
        'never',
        'pkg'
      ],
      { cwd: project }
    )
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('▸ lint: flake8')
    expect(r.stderr).not.toContain('▸ lint: verify-yaml')
    expect(r.stdout.trim().split('\n')).toHaveLength(25)
    expect(r.stderr.match(/\| `pkg\/wide\.py:/g)).toHaveLength(20)
    expect(r.stderr).toContain(
      '… and 5 more findings: see the findings above (or --report FILE).'
    )
    const report = join(project, 'lint.json')
    const withReport = await runCli(
      [
        'lint',
        '--linter',
        `flake8: ${flake8Path()}`,
        '--fail-on',
        'never',
        '--report',
        report,
        'pkg'
      ],
      { cwd: project }
    )
    expect(withReport.stderr).toContain(`… and 5 more findings: see ${report}.`)
  })

  it('names the key of the file in its errors', async () => {
    const bad = tempDir('lint-bad-project')
    writeFileSync(
      join(bad, 'stackci.yml'),
      "version: 1\nlint:\n  linters: ['ruff']\n"
    )
    const r = await runCli(['lint'], { cwd: bad })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'stackci.yml: lint.linters: "ruff" needs a command'
    )
  })
})

describe('stackci verify check in a project with a stackci.yml', () => {
  const project = tempDir('verify-project')
  symlinkSync(verifyMetricsDir(), join(project, 'defs'))
  mkdirSync(join(project, 'out'))
  mkdirSync(join(project, 'other'))
  writeJob(join(project, 'out', 'good.verify.json'), [
    ['validate_drp.PA1', 4, 'mmag']
  ])
  // 15 mas against the ≤ 10 marcsec AM1 design threshold.
  const bad = writeJob(join(project, 'other', 'bad.verify.json'), [
    ['validate_drp.AM1', 0.015, 'arcsec']
  ])
  writeFileSync(
    join(project, 'stackci.yml'),
    'version: 1\nverify:\n  definitions: defs\n  jobs: out/*.verify.json\n  tags: design\n'
  )

  it('uses verify.definitions and verify.jobs with no flags', async () => {
    const r = await runCli(['verify', 'check'], { cwd: project })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('good.verify.json: 3 passed')
    expect(r.stdout).not.toContain('bad.verify.json')
    expect(r.stdout).toContain(
      '### ✅ Verification: 3 passed, 0 failed, 0 without a value (1 job)'
    )
  })

  it('lets job arguments override verify.jobs, printing the failing specifications in their unit', async () => {
    const r = await runCli(['verify', 'check', '--no-table', bad], {
      cwd: project
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      '  ❌ validate_drp.AM1.design: 15 marcsec > 10 marcsec'
    )
    expect(r.stdout).toContain('| ❌ | validate_drp.AM1.design |')
    expect(r.stdout).not.toContain('0.01 arcsec')
  })

  it('lets --definitions override verify.definitions', async () => {
    const r = await runCli(
      ['verify', 'check', '--definitions', join(project, 'nowhere')],
      { cwd: project }
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(join(project, 'nowhere'))
  })

  it('asks for --definitions outside a project, naming the stackci.yml key', async () => {
    const r = await runCli(['verify', 'check', bad], { cwd: tempDir('empty') })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--definitions is required and was not supplied')
    expect(r.stderr).toContain('verify.definitions')
  })

  it('caps the failing specifications at 20 and says where the rest is', async () => {
    const many = tempDir('verify-many')
    for (let i = 0; i < 25; i++)
      writeJob(join(many, `${String(i).padStart(2, '0')}.verify.json`), [
        ['validate_drp.PA1', 6.1, 'mmag']
      ])
    const report = join(many, 'report.json')
    const r = await runCli(
      ['verify', 'check', '--tags', 'design', many, '--report', report],
      { cwd: project }
    )
    expect(r.code).toBe(1)
    // 6.1 mmag fails design_gri and hsc_design_r: 50 failures, 20 rows shown.
    expect(r.stdout.match(/\| ❌ \| validate_drp\.PA1\./g)).toHaveLength(20)
    expect(r.stdout).toContain(`… and 30 more failures (see ${report}).`)
  })

  it('warns of a measured metric that is not in the definitions, and fails on it with --strict', async () => {
    const typo = writeJob(join(project, 'other', 'typo.verify.json'), [
      ['validate_drp.PA1', 4, 'mmag'],
      ['validate_drp.PA11', 40, 'mmag']
    ])
    const r = await runCli(['verify', 'check', typo], { cwd: project })
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(
      `${typo}: warning: validate_drp.PA11 is measured but not in the metric definitions, so no specification checks it (did you mean validate_drp.PA1?)`
    )
    const strict = await runCli(['verify', 'check', '--strict', typo], {
      cwd: project
    })
    expect(strict.code).toBe(1)
    expect(strict.stderr).toContain(
      `${typo}: error: validate_drp.PA11 is measured but not in the metric definitions`
    )
    expect(strict.stdout).toContain('### ❌ Verification: ')
  })

  it('warns of it in metrics dispatch too', async () => {
    const typo = writeJob(join(project, 'other', 'typo2.verify.json'), [
      ['validate_drp.PA11', 40, 'mmag']
    ])
    const r = await runCli(
      [
        'metrics',
        'dispatch',
        '--definitions',
        'defs',
        '--sqlite',
        join(project, 'metrics.sqlite'),
        typo
      ],
      { cwd: project }
    )
    expect(r.stderr).toContain(
      `${typo}: warning: validate_drp.PA11 is measured but not in the metric definitions, so no specification checks it (did you mean validate_drp.PA1?)`
    )
    expect(r.code).toBe(0)
  })
})
