import { join } from 'node:path'
import { SpecError } from '../../../src/core/index.js'
import {
  parseLinter,
  parseSeverityRules,
  runVerifyYamlLinter,
  type VerifyYamlLinter
} from '../../../src/lint/index.js'

const fixtures = join(process.cwd(), 'test', 'fixtures', 'lint')
const linter = (dir: string): VerifyYamlLinter =>
  parseLinter(`verify-yaml: ${dir}`) as VerifyYamlLinter

describe('the verify-yaml linter', () => {
  it('turns every problem of a broken metrics package into a finding at file:line', async () => {
    const run = await runVerifyYamlLinter(linter('specs-broken'), {
      root: fixtures
    })
    const rows = run.findings.map((f) => [
      f.file,
      f.line,
      f.column,
      f.code,
      f.severity
    ])
    expect(rows).toEqual([
      ['specs-broken/metrics/demo_drp.yaml', 8, 3, 'spec-invalid', 'error'],
      ['specs-broken/metrics/demo_drp.yaml', 7, 3, 'spec-invalid', 'error'],
      ['specs-broken/metrics/demo_drp.yaml', 11, 9, 'spec-invalid', 'error'],
      ['specs-broken/specs/demo_drp/broken.yaml', 4, 1, 'yaml-syntax', 'error'],
      ['specs-broken/specs/demo_drp/PA1.yaml', 15, 13, 'spec-invalid', 'error']
    ])
    expect(run.findings[0]?.message).toBe(
      'unknown key "units" in metric AM1 (at AM1.units); a metric has only description, unit, tags and reference (lsst.verify rejects other keys)'
    )
    expect(run.findings[4]?.message).toMatch(
      /^"=<" is not a threshold operator \(at threshold.operator\)/
    )
    expect(run.exitCode).toBe(1)
  })

  it('turns warnings into warning findings, naming other files relative to the root', async () => {
    const run = await runVerifyYamlLinter(linter('specs-warn'), {
      root: fixtures
    })
    expect(run.findings).toEqual([
      {
        linter: 'verify-yaml',
        file: 'specs-warn/specs/demo_drp/b.yaml',
        line: 2,
        column: 7,
        code: 'spec-warning',
        message:
          'specification demo_drp.PA1.design is also defined in specs-warn/specs/demo_drp/a.yaml; this later definition wins (at name)',
        severity: 'warning'
      }
    ])
    expect(run.exitCode).toBe(0)
  })

  it('takes severity rules by code', async () => {
    const run = await runVerifyYamlLinter(linter('specs-warn'), {
      root: fixtures,
      severity: parseSeverityRules('spec-warning=error')
    })
    expect(run.findings[0]?.severity).toBe('error')
  })

  it('fails (no findings) on a directory that is not a metrics package', async () => {
    await expect(
      runVerifyYamlLinter(linter('pyproject'), { root: fixtures })
    ).rejects.toThrow(SpecError)
    await expect(
      runVerifyYamlLinter(linter('pyproject'), { root: fixtures })
    ).rejects.toThrow(/holds neither metrics\/ nor specs\//)
  })
})
