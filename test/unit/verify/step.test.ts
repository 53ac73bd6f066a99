/**
 * The verify step module: one reader over three sources, the result in the
 * threshold's unit, and measurements of metrics the definitions lack.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import {
  CliReporter,
  InputError,
  loadStackciConfig
} from '../../../src/core/index.js'
import {
  evaluateJob,
  formatComparison,
  loadDefinitionTexts,
  runVerify,
  unknownMetrics,
  verifyFailure,
  verifyInputsFromAction,
  verifyInputsFromConfig,
  verifyInputsFromFlags,
  verifySummary,
  type Job
} from './verify-api.js'

const defs = loadDefinitionTexts({
  metrics: [
    {
      file: 'metrics/demo.yaml',
      package: 'demo',
      text: 'AM1:\n  description: a\n  unit: marcsec\nPA1:\n  description: p\n  unit: mmag\n'
    }
  ],
  specs: [
    {
      file: 'specs/demo/s.yaml',
      package: 'demo',
      rel: 's.yaml',
      text: 'name: AM1.design\nthreshold: {value: 10, unit: marcsec, operator: "<="}\ntags: [design]\n'
    }
  ]
})

const job = (measurements: [string, number, string][]): Job => ({
  measurements: measurements.map(([metric, value, unit], i) => ({
    metric,
    value,
    unit,
    identifier: String(i),
    blobRefs: []
  })),
  blobs: [],
  metrics: [],
  specs: [],
  meta: {}
})

describe('formatComparison', () => {
  it('shows the measurement in the threshold unit with significant digits', () => {
    const [r] = evaluateJob(job([['demo.AM1', 0.015, 'arcsec']]), defs, 'j')
    expect(r === undefined ? '' : formatComparison(r)).toBe(
      '15 marcsec > 10 marcsec'
    )
    const [ok] = evaluateJob(job([['demo.AM1', 0.0042, 'arcsec']]), defs, 'j')
    expect(ok === undefined ? '' : formatComparison(ok)).toBe(
      '4.2 marcsec <= 10 marcsec'
    )
  })

  it('keeps the digits that tell the measurement from the threshold', () => {
    const [r] = evaluateJob(job([['demo.AM1', 10.0004, 'marcsec']]), defs, 'j')
    expect(r === undefined ? '' : formatComparison(r)).toBe(
      '10.0004 marcsec > 10 marcsec'
    )
  })
})

describe('unknownMetrics', () => {
  it('names measured metrics the definitions lack, with the likely one', () => {
    expect(
      unknownMetrics(
        job([
          ['demo.AM1', 1, 'marcsec'],
          ['demo.AM11', 1, 'marcsec'],
          ['dmeo.PA1', 1, 'mmag'],
          ['other.X', 1, '']
        ]),
        defs
      )
    ).toEqual([
      { metric: 'demo.AM11', near: 'demo.AM1' },
      { metric: 'dmeo.PA1', near: 'demo.PA1' },
      { metric: 'other.X' }
    ])
  })

  it('accepts metrics the job defines itself (the lint ratchet)', () => {
    const own = {
      ...job([['lint.flake8_violations', 3, '']]),
      metrics: [{ name: 'lint.flake8_violations' }]
    }
    expect(unknownMetrics(own, defs)).toEqual([])
  })
})

describe('the verify readers', () => {
  it('read the same inputs from the action, the flags and stackci.yml', () => {
    const action = verifyInputsFromAction({
      INPUT_DEFINITIONS: 'defs',
      INPUT_JOBS: 'out/*.verify.json',
      INPUT_TAGS: 'design, hsc',
      INPUT_STRICT: 'true',
      'INPUT_FAIL-ON-FAILURE': 'true'
    })
    expect(action).toEqual({
      definitions: 'defs',
      jobs: ['out/*.verify.json'],
      tags: ['design', 'hsc'],
      strict: true,
      'fail-on-failure': true
    })
    const config = loadStackciConfig(
      'version: 1\nverify:\n  definitions: defs\n  tags: [design]\n',
      '/p/stackci.yml'
    )
    expect(verifyInputsFromConfig(config)).toEqual({
      definitions: '/p/defs',
      jobs: ['/p/**/*.verify.json'],
      tags: ['design'],
      strict: false,
      'fail-on-failure': true
    })
    expect(
      verifyInputsFromFlags({ jobs: ['a.verify.json'], strict: true }, config)
    ).toEqual({
      definitions: '/p/defs',
      jobs: ['a.verify.json'],
      tags: ['design'],
      strict: true,
      'fail-on-failure': true
    })
  })

  it('word their errors by source', () => {
    expect(() => verifyInputsFromFlags({ jobs: ['x'] })).toThrow(
      new InputError('--definitions is required and was not supplied')
    )
    expect(() => verifyInputsFromAction({ INPUT_DEFINITIONS: 'd' })).toThrow(
      "verify: input 'jobs' is required and was not supplied"
    )
  })
})

describe('runVerify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-verify-step-'))
  const defsDir = join(dir, 'defs')
  const write = (name: string, body: object): string => {
    const file = join(dir, name)
    writeFileSync(file, JSON.stringify(body))
    return file
  }

  async function run(strict: boolean): Promise<{
    log: string
    failure: string | undefined
    summary: string
  }> {
    mkdirSync(join(defsDir, 'metrics'), { recursive: true })
    mkdirSync(join(defsDir, 'specs', 'demo'), { recursive: true })
    writeFileSync(
      join(defsDir, 'metrics', 'demo.yaml'),
      'AM1:\n  description: a\n  unit: marcsec\n'
    )
    writeFileSync(
      join(defsDir, 'specs', 'demo', 's.yaml'),
      'name: AM1.design\nthreshold: {value: 10, unit: marcsec, operator: "<="}\n'
    )
    const file = write('typo.verify.json', {
      measurements: [
        { metric: 'demo.AM1', value: 4, unit: 'marcsec', identifier: 'a' },
        { metric: 'demo.AM2', value: 40, unit: 'marcsec', identifier: 'b' }
      ]
    })
    const stream = new PassThrough()
    let log = ''
    stream.on('data', (c: Buffer) => (log += c.toString()))
    const inputs = {
      definitions: defsDir,
      jobs: [file],
      tags: [],
      strict,
      'fail-on-failure': true
    }
    const result = await runVerify(inputs, {
      reporter: new CliReporter({ stream, tty: false })
    })
    return {
      log,
      failure: verifyFailure(result, inputs),
      summary: verifySummary(result)
    }
  }

  it('warns of an unknown metric and still passes', async () => {
    const r = await run(false)
    expect(r.log).toContain(
      'warning: demo.AM2 is measured but not in the metric definitions, so no specification checks it (did you mean demo.AM1?)'
    )
    expect(r.failure).toBeUndefined()
    expect(r.summary).toContain(
      '⚠️ 1 measurement of metrics not in the definitions'
    )
  })

  it('fails on it with strict', async () => {
    const r = await run(true)
    expect(r.log).toContain('error: demo.AM2 is measured but not in')
    expect(r.failure).toBe(
      '0 specification(s) failed, 1 unknown metric (strict)'
    )
    expect(r.summary).toContain('### ❌ Verification: 1 passed')
  })
})
