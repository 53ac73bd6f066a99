import { InputError } from '../../../src/core/index.js'
import {
  matchSeverity,
  parseSeverityRules,
  PYTHON_SEVERITIES,
  resolveSeverity
} from '../../../src/lint/index.js'

describe('flake8 severities by code class', () => {
  it.each([
    ['E999', 'error'],
    ['E902', 'error'],
    ['F632', 'error'],
    ['F633', 'error'],
    ['F701', 'error'],
    ['F706', 'error'],
    ['F821', 'error'],
    ['F822', 'error'],
    ['F823', 'error'],
    ['F401', 'warning'],
    ['F841', 'warning'],
    ['F811', 'warning'],
    ['E501', 'warning'],
    ['E231', 'warning'],
    ['W291', 'warning'],
    ['W605', 'warning'],
    ['C901', 'notice']
  ])('%s is %s', (code, severity) => {
    expect(resolveSeverity(code, undefined, new Map(), PYTHON_SEVERITIES)).toBe(
      severity
    )
  })

  it('falls back to warning for codes no rule covers (plugins)', () => {
    expect(
      resolveSeverity('B950', undefined, new Map(), PYTHON_SEVERITIES)
    ).toBe('warning')
    expect(
      resolveSeverity(undefined, undefined, new Map(), PYTHON_SEVERITIES)
    ).toBe('warning')
  })
})

describe('severity rules', () => {
  it('parses CODE=LEVEL lists, any case, commas or newlines', () => {
    const rules = parseSeverityRules(['E501=notice, W=Error', 'B9=warning'])
    expect([...rules]).toEqual([
      ['E501', 'notice'],
      ['W', 'error'],
      ['B9', 'warning']
    ])
  })

  it('lets the longest prefix win', () => {
    const rules = parseSeverityRules('E=notice,E9=error,E501=warning')
    expect(matchSeverity(rules, 'E999')).toBe('error')
    expect(matchSeverity(rules, 'E501')).toBe('warning')
    expect(matchSeverity(rules, 'E231')).toBe('notice')
    expect(matchSeverity(rules, 'W291')).toBeUndefined()
  })

  it("puts the user's rules above what the linter printed and the table", () => {
    const user = parseSeverityRules('no-console=notice,F821=warning')
    expect(resolveSeverity('no-console', 'error', user, new Map())).toBe(
      'notice'
    )
    expect(resolveSeverity('F821', undefined, user, PYTHON_SEVERITIES)).toBe(
      'warning'
    )
    expect(resolveSeverity('semi', 'error', user, new Map())).toBe('error')
  })

  it.each(['E501', 'E501=fatal', '=error', 'E501 = '])(
    'rejects %j with the syntax',
    (text) => {
      expect(() => parseSeverityRules(text, '--severity')).toThrow(InputError)
      expect(() => parseSeverityRules(text, '--severity')).toThrow(
        /^--severity: .* is not CODE=LEVEL/
      )
    }
  )
})
