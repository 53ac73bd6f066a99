/**
 * `stackci lint` end to end with real flake8: exit codes per --fail-on, the
 * JSON report, the ratchet's verify job, and linters that cannot run.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { main } from '../../../src/cli/main.js'
import type { LintReportJson } from '../../../src/lint/index.js'
import { parseJob } from '../../../src/verify/index.js'
import { flake8Path, lintFixtures, tempDir } from '../../helpers/lint.js'

const root = join(lintFixtures, 'pyproject')

async function cli(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (c: Buffer) => out.push(c.toString()))
  stderr.on('data', (c: Buffer) => err.push(c.toString()))
  const code = await main(args, { stdout, stderr })
  return { code, stdout: out.join(''), stderr: err.join('') }
}

const flake8 = (): string => `flake8: ${flake8Path()}`
// Every flake8 error class demoted: only warnings (and a notice) remain.
const NO_ERRORS = 'E9=warning,F63=warning,F7=warning,F82=warning'

describe('stackci lint', () => {
  let dir: string
  beforeAll(() => {
    dir = tempDir('lint-cli')
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints every finding and exits 1 on errors (fail-on error, the default)', async () => {
    const r = await cli('lint', '--root', root, '--linter', flake8())
    expect(r.code).toBe(1)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toContain(
      "pkg/core.py:17:12: error F821 undefined name 'names' (flake8)"
    )
    expect(lines).toContain(
      "pkg/core.py:20:1: notice C901 'classify' is too complex (8) (flake8)"
    )
    expect(r.stderr).toContain('4 errors, 13 warnings, 1 notice')
    expect(r.stderr).toContain('fail-on error: failed')
  })

  it.each([
    ['error', [], 1],
    ['warning', [], 1],
    ['never', [], 0],
    ['error', ['--severity', NO_ERRORS], 0],
    ['warning', ['--severity', NO_ERRORS], 1],
    ['warning', ['--severity', 'E=notice,F=notice,W=notice,C=notice'], 0]
  ])('--fail-on %s %j exits %d', async (failOn, extra, code) => {
    const r = await cli(
      'lint',
      '--root',
      root,
      '--linter',
      flake8(),
      '--fail-on',
      failOn,
      ...extra
    )
    expect(r.code).toBe(code)
  })

  it('writes the JSON report on stdout with --json, and to a file with --report', async () => {
    const file = join(dir, 'report.json')
    const r = await cli(
      'lint',
      '--root',
      root,
      '--linter',
      flake8(),
      '--json',
      '--report',
      file
    )
    const report = JSON.parse(r.stdout) as LintReportJson
    expect(report).toMatchObject({
      version: 1,
      passed: false,
      failOn: 'error',
      onlyChanged: false,
      base: null,
      totals: { findings: 18, errors: 4, warnings: 13, notices: 1, all: 18 }
    })
    expect(report.findings).toHaveLength(18)
    expect(report.linters[0]).toMatchObject({
      name: 'flake8',
      exitCode: 1,
      all: 18
    })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(report)
  })

  it('writes the counts as a verify job with --metrics-job', async () => {
    const file = join(dir, 'lint.verify.json')
    const r = await cli(
      'lint',
      '--root',
      root,
      '--fail-on',
      'never',
      '--linter',
      flake8(),
      '--linter',
      'verify-yaml: ../specs-warn',
      '--metrics-job',
      file
    )
    expect(r.code).toBe(0)
    const job = parseJob(readFileSync(file, 'utf8'), file)
    expect(job.measurements.map((m) => [m.metric, m.value])).toEqual([
      ['lint.flake8_violations', 18],
      ['lint.verify_yaml_violations', 1]
    ])
    const blob = job.blobs.find(
      (b) => b.identifier === job.measurements[0]?.blobRefs[0]
    )
    expect(blob?.data.F401?.value).toBe(2)
  })

  it('lints metric/spec YAML with file:line findings', async () => {
    const r = await cli(
      'lint',
      '--root',
      lintFixtures,
      '--linter',
      'verify-yaml: specs-broken'
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      'specs-broken/specs/demo_drp/broken.yaml:4:1: error yaml-syntax YAML syntax error: unexpected end of the stream within a double quoted scalar'
    )
    expect(r.stdout.trim().split('\n')).toHaveLength(5)
  })

  it('exits 2 naming the command when a linter cannot run', async () => {
    const r = await cli(
      'lint',
      '--root',
      root,
      '--linter',
      'flake8: /nonexistent/bin/flake8'
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      'flake8: command not found: /nonexistent/bin/flake8'
    )
    expect(r.stderr).toContain('hint: install flake8')
  })

  it('exits 2 when a linter crashes (a broken config), showing its error', async () => {
    const r = await cli(
      'lint',
      '--root',
      root,
      '--linter',
      `${flake8()} --max-line-length=lots`
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /flake8 exited with code \d+ and reported no finding/
    )
    expect(r.stderr).toContain('--max-line-length')
  })

  it('exits 2 on bad flags', async () => {
    expect(
      (await cli('lint', '--root', root, '--fail-on', 'sometimes')).code
    ).toBe(2)
    const r = await cli('lint', '--root', root, '--severity', 'E501')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--severity: "E501" is not CODE=LEVEL')
  })

  it('explains linters, formats, severities and exit codes in --help', async () => {
    const r = await cli('lint', '--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('eslint[unix]: npx eslint -f unix src')
    expect(r.stdout).toContain(
      'Formats: flake8, pycodestyle, unix, colon, pylint, tsc.'
    )
    expect(r.stdout).toContain('--only-changed')
  })
})
