import { RecordingReporter } from '../../../src/core/index.js'
import {
  annotateFindings,
  lintSummary,
  escapeCell,
  type Finding,
  type LintResult,
  type Severity
} from '../../../src/lint/index.js'

function findings(counts: Record<Severity, number>): Finding[] {
  const out: Finding[] = []
  for (const severity of ['error', 'warning', 'notice'] as const) {
    for (let i = 1; i <= counts[severity]; i++) {
      out.push({
        linter: 'flake8',
        file: `pkg/${severity}.py`,
        line: i,
        column: 2,
        code:
          severity === 'error'
            ? 'F821'
            : severity === 'warning'
              ? 'E501'
              : 'C901',
        message: `${severity} number ${i}`,
        severity
      })
    }
  }
  return out
}

const annotationsOf = (r: RecordingReporter, level: Severity): number =>
  r.entries.filter((e) => e.level === level && e.annotation?.file !== undefined)
    .length

describe('annotateFindings', () => {
  it('annotates at most 10 of each kind and counts the rest', () => {
    const reporter = new RecordingReporter()
    const tally = annotateFindings(
      findings({ error: 25, warning: 3, notice: 12 }),
      reporter
    )
    expect(tally).toEqual({
      annotated: { error: 10, warning: 3, notice: 10 },
      notAnnotated: { error: 15, warning: 0, notice: 2 }
    })
    expect(annotationsOf(reporter, 'error')).toBe(10)
    expect(annotationsOf(reporter, 'warning')).toBe(3)
    expect(annotationsOf(reporter, 'notice')).toBe(10)
    expect(reporter.text('info')).toContain(
      '17 more not annotated (15 errors, 2 notices)'
    )
  })

  it('points each annotation at the file, line and column, titled by linter and code', () => {
    const reporter = new RecordingReporter()
    annotateFindings(findings({ error: 1, warning: 0, notice: 0 }), reporter)
    expect(reporter.entries[0]).toEqual({
      level: 'error',
      message: 'error number 1',
      annotation: {
        title: 'flake8 F821',
        file: 'pkg/error.py',
        startLine: 1,
        startColumn: 2
      }
    })
  })

  it('keeps one error slot for the failure message when the step fails', () => {
    const reporter = new RecordingReporter()
    const tally = annotateFindings(
      findings({ error: 12, warning: 0, notice: 0 }),
      reporter,
      10,
      true
    )
    expect(tally.annotated.error).toBe(9)
    expect(tally.notAnnotated.error).toBe(3)
  })

  it('says nothing about capping when everything fits', () => {
    const reporter = new RecordingReporter()
    annotateFindings(findings({ error: 10, warning: 10, notice: 10 }), reporter)
    expect(reporter.text('info')).toBe('')
  })
})

describe('lintSummary', () => {
  const all = findings({ error: 12, warning: 4, notice: 0 })
  const result = (
    rows: Finding[],
    tally = annotateFindings(rows, new RecordingReporter())
  ): LintResult => ({
    linters: [
      {
        name: 'flake8',
        command: ['flake8'],
        exitCode: 1,
        durationMs: 1200,
        all: 40,
        counts: { F821: 30, E501: 10 },
        kept: { findings: rows.length, errors: 12, warnings: 4, notices: 0 },
        unparsed: 0
      }
    ],
    findings: rows,
    totals: { findings: rows.length, errors: 12, warnings: 4, notices: 0 },
    all: 40,
    base: 'abc',
    baseReason: 'compared with abc',
    changed: new Map(),
    failOn: 'error',
    passed: false,
    annotations: tally
  })

  it('lists every finding and says how many were not annotated', () => {
    const md = lintSummary(result(all))
    expect(md).toContain(
      '### ❌ Lint: 12 errors, 4 warnings, 0 notices on changed lines'
    )
    expect(md).toContain('**2 more not annotated**')
    for (let i = 1; i <= 12; i++)
      expect(md).toContain(`\`pkg/error.py:${i}:2\``)
    expect(md).toContain('| flake8 | 16 | 12 | 4 | 0 | 40 |')
    expect(md).toContain('| flake8 | F821 | 30 |')
  })

  it('caps the table and points at the JSON report', () => {
    const md = lintSummary(result(all), { cap: 5 })
    expect(md).toContain('… and 11 more findings: see the JSON report.')
    expect(md.match(/\| ❌ \|/g)).toHaveLength(5)
  })

  it('escapes Markdown and HTML in cells', () => {
    expect(escapeCell('a | b <script> __init__ *x* `y`\nz')).toBe(
      'a \\| b &lt;script&gt; \\_\\_init\\_\\_ \\*x\\* \\`y\\` z'
    )
  })
})
