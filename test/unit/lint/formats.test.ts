import { cleanLine, FORMATS, formatNamed } from '../../../src/lint/index.js'
import { InputError } from '../../../src/core/index.js'

const parse = (format: string, line: string): unknown =>
  formatNamed(format).parse(line)

describe('flake8 format', () => {
  it('reads file, line, column, code and message', () => {
    expect(
      parse(
        'flake8',
        './pkg/core.py:37:101: E501 line too long (109 > 100 characters)'
      )
    ).toEqual({
      file: './pkg/core.py',
      line: 37,
      column: 101,
      code: 'E501',
      message: 'line too long (109 > 100 characters)'
    })
  })

  it('keeps plugin codes of any shape and colons inside the message', () => {
    expect(
      parse('flake8', 'a.py:1:1: SIM102 Use a single if: a and b')
    ).toMatchObject({
      code: 'SIM102',
      message: 'Use a single if: a and b'
    })
    expect(
      parse('flake8', 'a.py:3:9: WPS110 Found wrong variable name: data')
    ).toMatchObject({
      code: 'WPS110'
    })
    expect(
      parse('flake8', "dir/odd name.py:2:7: E201 whitespace after '('")
    ).toMatchObject({
      file: 'dir/odd name.py',
      line: 2
    })
  })

  it('ignores statistics, counts, source excerpts and blank lines', () => {
    for (const line of [
      '2     E231 missing whitespace',
      '18',
      '    x = 1',
      '        ^',
      ''
    ]) {
      expect(parse('flake8', line)).toBeUndefined()
    }
  })

  it('is also the pycodestyle format', () => {
    expect(
      parse(
        'pycodestyle',
        'a.py:4:1: E901 TokenError: EOF in multi-line statement'
      )
    ).toMatchObject({
      code: 'E901',
      line: 4
    })
  })
})

describe('unix format (eslint -f unix)', () => {
  it('reads severity and rule', () => {
    expect(
      parse('unix', '/src/a.js:3:7: Missing semicolon. [Error/semi]')
    ).toEqual({
      file: '/src/a.js',
      line: 3,
      column: 7,
      code: 'semi',
      message: 'Missing semicolon.',
      severity: 'error'
    })
    expect(
      parse(
        'unix',
        'src/b.js:10:1: Unexpected console statement. [Warning/no-console]'
      )
    ).toMatchObject({ severity: 'warning', code: 'no-console' })
  })

  it('reads fatal parse errors without a rule at line 0', () => {
    expect(
      parse('unix', 'src/c.js:0:0: Parsing error: Unexpected token [Error]')
    ).toEqual({
      file: 'src/c.js',
      line: 0,
      message: 'Parsing error: Unexpected token',
      severity: 'error'
    })
  })

  it('ignores the closing count', () => {
    expect(parse('unix', '3 problems')).toBeUndefined()
  })
})

describe('colon format', () => {
  it.each([
    [
      'mypy',
      'pkg/a.py:12: error: Incompatible return value type (got "int", expected "str")  [return-value]',
      {
        file: 'pkg/a.py',
        line: 12,
        severity: 'error',
        code: 'return-value',
        message: 'Incompatible return value type (got "int", expected "str")'
      }
    ],
    [
      'mypy with columns',
      'pkg/a.py:12:5: note: Revealed type is "builtins.int"',
      {
        line: 12,
        column: 5,
        severity: 'notice',
        message: 'Revealed type is "builtins.int"'
      }
    ],
    [
      'gcc',
      "main.c:3:9: warning: unused variable 'x' [-Wunused-variable]",
      {
        file: 'main.c',
        line: 3,
        column: 9,
        severity: 'warning',
        code: '-Wunused-variable'
      }
    ],
    [
      'shellcheck -f gcc',
      'build.sh:5:6: warning: Double quote to prevent globbing and word splitting. [SC2086]',
      { code: 'SC2086', severity: 'warning' }
    ],
    [
      'pyflakes',
      "pkg/b.py:1:1: 'sys' imported but unused",
      {
        file: 'pkg/b.py',
        line: 1,
        column: 1,
        message: "'sys' imported but unused"
      }
    ]
  ])('reads %s output', (_tool, line, expected) => {
    expect(parse('colon', line)).toMatchObject(expected)
  })

  it('leaves the severity to the rules when none is printed', () => {
    expect(
      parse('colon', "pkg/b.py:1:1: 'sys' imported but unused")
    ).not.toHaveProperty('severity')
  })

  it('ignores summaries', () => {
    expect(
      parse('colon', 'Found 3 errors in 2 files (checked 4 source files)')
    ).toBeUndefined()
  })
})

describe('pylint and tsc formats', () => {
  it('reads pylint parseable output with the symbol', () => {
    expect(
      parse(
        'pylint',
        'pkg/a.py:1: [C0114(missing-module-docstring), ] Missing module docstring'
      )
    ).toEqual({
      file: 'pkg/a.py',
      line: 1,
      code: 'C0114',
      message: 'Missing module docstring (missing-module-docstring)'
    })
  })

  it('reads tsc output', () => {
    expect(
      parse(
        'tsc',
        "src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'."
      )
    ).toEqual({
      file: 'src/a.ts',
      line: 3,
      column: 5,
      code: 'TS2322',
      severity: 'error',
      message: "Type 'string' is not assignable to type 'number'."
    })
  })
})

describe('formats', () => {
  it('strips colours and carriage returns before parsing', () => {
    const coloured =
      '\x1b[1ma.py\x1b[m\x1b[36m:\x1b[m1\x1b[36m:\x1b[m1\x1b[36m:\x1b[m \x1b[1m\x1b[31mF401\x1b[m os unused\r'
    expect(cleanLine(coloured)).toBe('a.py:1:1: F401 os unused')
  })

  it('rejects an unknown format, listing the known ones', () => {
    expect(() => formatNamed('checkstyle')).toThrow(InputError)
    expect(() => formatNamed('checkstyle')).toThrow(
      /unknown output format "checkstyle"/
    )
    const error = (() => {
      try {
        formatNamed('checkstyle')
      } catch (e) {
        return e as InputError
      }
      return undefined
    })()
    expect(error?.hint).toBe(`known formats: ${[...FORMATS.keys()].join(', ')}`)
  })
})
