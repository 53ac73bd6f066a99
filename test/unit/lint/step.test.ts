import { CliReporter, InputError } from '../../../src/core/index.js'
import { lintInputsFromAction, lintOptions } from '../../../src/lint/index.js'

const readLintInputs = lintInputsFromAction

describe('lintInputsFromAction', () => {
  it('reads the defaults action.yml gives', () => {
    const inputs = readLintInputs({
      INPUT_LINTERS: 'flake8',
      'INPUT_ONLY-CHANGED': 'true',
      'INPUT_FAIL-ON': 'error',
      INPUT_TIMEOUT: '30m'
    })
    expect(inputs.linters.map((l) => l.name)).toEqual(['flake8'])
    expect(inputs.paths).toEqual([])
    expect(inputs['only-changed']).toBe(true)
    expect(inputs['fail-on']).toBe('error')
    expect(inputs['base-ref']).toBeUndefined()
    expect(inputs['metrics-job']).toBeUndefined()
    expect(inputs.timeout).toBe(1_800_000)
  })

  it('reads every input', () => {
    const inputs = readLintInputs({
      INPUT_LINTERS:
        'flake8: python3 -m flake8\n# a comment\nverify-yaml: metrics\neslint[unix]: npx eslint -f unix src',
      INPUT_PATHS: 'pkg\nscripts',
      'INPUT_ONLY-CHANGED': 'false',
      'INPUT_BASE-REF': 'origin/main',
      'INPUT_FAIL-ON': 'warning',
      'INPUT_METRICS-JOB': 'out/lint.verify.json',
      INPUT_SEVERITY: 'E501=notice\nW=error'
    })
    expect(inputs.linters.map((l) => l.name)).toEqual([
      'flake8',
      'verify-yaml',
      'eslint'
    ])
    expect(inputs.paths).toEqual(['pkg', 'scripts'])
    expect(inputs['base-ref']).toBe('origin/main')
    expect([...inputs.severity]).toEqual([
      ['E501', 'notice'],
      ['W', 'error']
    ])
    const options = lintOptions(inputs, {
      reporter: new CliReporter(),
      root: '/ws',
      reportFile: '/tmp/r.json',
      env: {}
    })
    expect(options).toMatchObject({
      root: '/ws',
      paths: ['pkg', 'scripts'],
      onlyChanged: false,
      baseRef: 'origin/main',
      failOn: 'warning',
      metricsJob: '/ws/out/lint.verify.json',
      reportFile: '/tmp/r.json',
      annotationLimit: 10
    })
  })

  it.each([
    [
      { 'INPUT_FAIL-ON': 'errors' },
      'lint: input \'fail-on\' must be one of error, warning, never, got "errors"'
    ],
    [
      { 'INPUT_ONLY-CHANGED': 'yes' },
      "lint: input 'only-changed' must be true or false"
    ],
    [
      { INPUT_LINTERS: 'ruff' },
      'lint: input \'linters\': "ruff" needs a command'
    ],
    [
      { INPUT_SEVERITY: 'E501:notice' },
      'lint: input \'severity\': "E501:notice" is not CODE=LEVEL'
    ],
    [{ INPUT_TIMEOUT: 'soon' }, "lint: input 'timeout' must be a duration"]
  ])('names the input in errors: %j', (env, message) => {
    expect(() => readLintInputs(env)).toThrow(InputError)
    expect(() => readLintInputs(env)).toThrow(message)
  })
})
