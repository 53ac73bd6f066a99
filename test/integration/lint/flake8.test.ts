/**
 * Acceptance 1: real flake8 on a fixture tree with known violations; every
 * finding parsed exactly, compared with flake8's own output.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { RecordingReporter } from '../../../src/core/index.js'
import {
  countCodes,
  parseLinter,
  runLint,
  type LintResult
} from '../../../src/lint/index.js'
import {
  flake8Path,
  lintFixtures,
  parseStatistics,
  pythonPath
} from '../../helpers/lint.js'

const root = join(lintFixtures, 'pyproject')

async function lint(...linters: string[]): Promise<LintResult> {
  return runLint(
    { root, linters: linters.map((l) => parseLinter(l)), failOn: 'never' },
    new RecordingReporter()
  )
}

/** Runs a tool in the fixture root; findings make it exit 1, which is fine. */
function output(exe: string, args: string[]): string {
  const r = spawnSync(exe, args, { cwd: root, encoding: 'utf8' })
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`${exe} ${args.join(' ')} failed: ${r.stderr}`)
  }
  return r.stdout
}

describe('flake8 on a fixture tree with known violations', () => {
  let result: LintResult
  beforeAll(async () => {
    result = await lint(`flake8: ${flake8Path()}`)
  })

  it("finds as many of each code as flake8's own --statistics", () => {
    const stats = parseStatistics(
      output(flake8Path(), ['--statistics', '--format=quiet-nothing'])
    )
    expect(Object.keys(stats).length).toBeGreaterThan(10)
    expect(result.linters[0]?.counts).toEqual(stats)
    expect(countCodes(result.findings)).toEqual(stats)
  })

  it('parses every finding exactly: file, line, column, code, message', () => {
    const tab = output(flake8Path(), [
      '--format=%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s'
    ])
    const expected = tab
      .trim()
      .split('\n')
      .map((l) => {
        const [file, line, col, code, text] = l.split('\t')
        return [
          file?.replace(/^\.\//, ''),
          Number(line),
          Number(col),
          code,
          text
        ]
      })
      .sort()
    const ours = result.findings
      .map((f) => [f.file, f.line, f.column, f.code, f.message])
      .sort()
    expect(ours).toEqual(expected)
    expect(result.findings.every((f) => f.linter === 'flake8')).toBe(true)
  })

  it("runs in the project root so the project's setup.cfg applies", () => {
    const rows = result.findings.map(
      (f) => `${f.file}:${f.line} ${f.code ?? ''}`
    )
    // max-line-length = 100: the 90-character line passes, the 109 one not.
    expect(rows).toContain('pkg/core.py:37 E501')
    expect(rows).not.toContain('pkg/core.py:36 E501')
    // max-complexity = 5 turns mccabe on.
    expect(rows).toContain('pkg/core.py:20 C901')
    // exclude = build; per-file-ignores for the package's __init__.
    expect(rows.filter((r) => r.startsWith('build/'))).toEqual([])
    expect(rows.filter((r) => r.startsWith('pkg/__init__.py'))).toEqual([])
    // `# noqa` is flake8's business, and it is respected.
    expect(rows.filter((r) => r.startsWith('pkg/core.py:42'))).toEqual([])
    // Without the config flake8 would say otherwise (the test can tell).
    const isolated = output(flake8Path(), ['--isolated', 'pkg/core.py'])
    expect(isolated).toContain('pkg/core.py:36:80: E501')
  })

  it('gives each finding the severity of its code class', () => {
    const bySeverity = (s: string): string[] =>
      result.findings
        .filter((f) => f.severity === s)
        .map((f) => `${f.file}:${f.line} ${f.code ?? ''}`)
    expect(bySeverity('error')).toEqual([
      'pkg/broken.py:4 E999',
      'pkg/compare.py:5 F632',
      'pkg/compare.py:8 F706',
      'pkg/core.py:17 F821'
    ])
    expect(bySeverity('notice')).toEqual(['pkg/core.py:20 C901'])
    expect(bySeverity('warning')).toHaveLength(result.findings.length - 5)
    expect(result.totals).toEqual({
      findings: result.findings.length,
      errors: 4,
      warnings: result.findings.length - 5,
      notices: 1
    })
  })

  it('reads a path with a space in it', () => {
    expect(
      result.findings.filter((f) => f.file === 'scripts/odd name.py')
    ).toHaveLength(2)
  })
})

describe('other linters through the generic parsers', () => {
  it('reads pycodestyle (python3 -m pycodestyle) exactly as its --statistics counts', async () => {
    const python = pythonPath()
    const result = await lint(`pycodestyle: ${python} -m pycodestyle .`)
    const stats = parseStatistics(
      output(python, ['-m', 'pycodestyle', '--statistics', '-qq', '.'])
    )
    expect(Object.keys(stats).length).toBeGreaterThan(5)
    expect(result.linters[0]?.counts).toEqual(stats)
  })

  it('reads "file:line:col: message" output without codes (pyflakes, colon format)', async () => {
    const python = pythonPath()
    const result = await lint(
      `pyflakes[colon]: ${python} -m pyflakes pkg scripts`
    )
    const lines = output(python, ['-m', 'pyflakes', 'pkg', 'scripts'])
      .trim()
      .split('\n')
    expect(result.findings).toHaveLength(lines.length)
    expect(
      result.findings
        .map((f) => `${f.file}:${f.line}:${f.column ?? ''}: ${f.message}`)
        .sort()
    ).toEqual([...lines].sort())
    expect(result.linters[0]?.counts).toEqual({ other: lines.length })
  })

  it('runs a real flake8 with pycodestyle and pyflakes', () => {
    expect(
      execFileSync(flake8Path(), ['--version'], { encoding: 'utf8' })
    ).toMatch(/pycodestyle: .*pyflakes: /)
  })
})
