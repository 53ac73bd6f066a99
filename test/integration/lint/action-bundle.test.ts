/**
 * Smoke test of the committed bundle actions/lint/dist/index.cjs, run the way
 * the runner runs it: a child process with INPUT_* variables and the runner's
 * files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH)
 * in a real git checkout of a pull request.
 */
import {
  cpSync,
  existsSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import type { LintReportJson } from '../../../src/lint/index.js'
import { parseJob } from '../../../src/verify/index.js'
import { runActionBundle, type ActionRun } from '../../helpers/actions.js'
import {
  copyFixture,
  flake8Path,
  git,
  lintFixtures,
  tempDir
} from '../../helpers/lint.js'

const bundle = join(process.cwd(), 'actions', 'lint', 'dist', 'index.cjs')

describe('the lint action bundle', () => {
  let ws: string
  let base: string
  beforeAll(() => {
    ws = tempDir('lint-action-ws')
    copyFixture('pyproject', ws)
    copyFixture('specs-warn', join(ws, 'metrics-pkg'))
    git(ws, 'init', '-q', '-b', 'main')
    git(ws, 'add', '-A')
    git(ws, 'commit', '-q', '-m', 'base')
    base = git(ws, 'rev-parse', 'HEAD').trim()
    git(ws, 'checkout', '-q', '-b', 'pr')
    // The pull request: 12 undefined names (errors), 12 long lines
    // (warnings) and a broken specification file.
    const lines = ['"""Added by the pull request."""', '']
    for (let i = 0; i < 12; i++) lines.push(`value_${i} = missing_${i}`)
    for (let i = 0; i < 12; i++) lines.push(`LONG_${i} = "${'x'.repeat(110)}"`)
    writeFileSync(join(ws, 'pkg', 'added.py'), `${lines.join('\n')}\n`)
    cpSync(
      join(lintFixtures, 'specs-broken', 'specs', 'demo_drp', 'broken.yaml'),
      join(ws, 'metrics-pkg', 'specs', 'demo_drp', 'broken.yaml')
    )
    git(ws, 'add', '-A')
    git(ws, 'commit', '-q', '-m', 'pull request')
  })
  afterAll(() => {
    for (const dir of [ws, ...runs])
      rmSync(dir, { recursive: true, force: true })
  })

  const runs: string[] = []
  async function run(
    inputs: Record<string, string>,
    event: { name: string; payload: unknown }
  ): Promise<ActionRun> {
    const r = await runActionBundle(bundle, inputs, {
      cwd: ws,
      env: { GITHUB_EVENT_NAME: event.name },
      event: event.payload
    })
    runs.push(r.dir)
    return r
  }

  const inputs = (
    extra: Record<string, string> = {}
  ): Record<string, string> => ({
    linters: `flake8: ${flake8Path()}\nverify-yaml: metrics-pkg`,
    'only-changed': 'true',
    'fail-on': 'error',
    timeout: '5m',
    ...extra
  })

  it('annotates within the limits, summarises everything and fails on errors in a pull request', async () => {
    const r = await run(inputs({ 'metrics-job': 'out/lint.verify.json' }), {
      name: 'pull_request',
      payload: { pull_request: { base: { sha: base, ref: 'main' } } }
    })
    expect(r.code).toBe(1)
    const lines = r.stdout.split('\n')
    const fileAnnotations = (kind: string): string[] =>
      lines.filter((l) => l.startsWith(`::${kind} `) && l.includes('file='))
    // 13 errors (12 F821 + the YAML syntax error): 9 annotated, one slot
    // kept for the failure message; 12 warnings: 10 annotated.
    expect(fileAnnotations('error')).toHaveLength(9)
    expect(lines.filter((l) => l.startsWith('::error'))).toHaveLength(10)
    expect(fileAnnotations('warning')).toHaveLength(10)
    expect(fileAnnotations('error')[0]).toBe(
      '::error title=verify-yaml yaml-syntax,file=metrics-pkg/specs/demo_drp/broken.yaml,line=4,col=1::YAML syntax error: unexpected end of the stream within a double quoted scalar; fix the YAML at this position (indentation, quotes, a missing colon)'
    )
    expect(fileAnnotations('error')).toContain(
      "::error title=flake8 F821,file=pkg/added.py,line=3,col=11::undefined name 'missing_0'"
    )
    expect(r.stdout).toContain('6 more not annotated (4 errors, 2 warnings)')
    expect(lines).toContain(
      '::error::lint: 13 errors on changed lines (fail-on: error)'
    )

    expect(r.outputs).toMatchObject({
      findings: '25',
      errors: '13',
      warnings: '12',
      notices: '0'
    })
    expect(Number(r.outputs.total)).toBe(18 + 24 + 1)
    expect(JSON.parse(r.outputs.counts ?? '')).toMatchObject({
      flake8: { F821: 13, E501: 13 },
      'verify-yaml': { 'yaml-syntax': 1 }
    })
    const report = JSON.parse(
      readFileSync(r.outputs.report ?? '', 'utf8')
    ) as LintReportJson
    expect(report.findings).toHaveLength(25)
    expect(report.base).toBe(base)
    expect(report.annotations?.notAnnotated).toEqual({
      error: 4,
      warning: 2,
      notice: 0
    })

    expect(r.summary).toContain(
      '### ❌ Lint: 13 errors, 12 warnings, 0 notices on changed lines'
    )
    expect(r.summary).toContain('**6 more not annotated**')
    for (const f of report.findings)
      expect(r.summary).toContain(`\`${f.file}:${f.line}`)

    const job = parseJob(
      readFileSync(join(ws, 'out', 'lint.verify.json'), 'utf8'),
      'job'
    )
    expect(job.measurements.map((m) => [m.metric, m.value])).toEqual([
      ['lint.flake8_violations', 42],
      ['lint.verify_yaml_violations', 1]
    ])
  })

  it('reports every finding on a push and passes with fail-on never', async () => {
    const r = await run(inputs({ 'fail-on': 'never' }), {
      name: 'push',
      payload: {}
    })
    expect(r.code).toBe(0)
    expect(r.outputs.findings).toBe(r.outputs.total)
    expect(r.stdout).toContain(
      'a push event has no base: every finding is reported'
    )
    expect(r.summary).toContain('### ✅ Lint: ')
  })

  it('fails naming the input when an input is wrong', async () => {
    const r = await run(inputs({ 'fail-on': 'sometimes' }), {
      name: 'push',
      payload: {}
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      '::error::lint: input \'fail-on\' must be one of error, warning, never, got "sometimes"'
    )
    expect(existsSync(join(r.dir, 'stackci-lint-report.json'))).toBe(false)
  })
})
