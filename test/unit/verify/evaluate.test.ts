import { thrown } from '../../helpers/thrown.js'
import { JobError } from '../../../src/core/index.js'
import {
  countResults,
  evaluateJob,
  formatMarkdownTable,
  formatMeasurement,
  formatTextTable,
  loadDefinitionTexts,
  reportRows,
  resultToJson,
  type Job
} from './verify-api.js'

const defs = loadDefinitionTexts({
  metrics: [
    {
      file: 'metrics/demo.yaml',
      package: 'demo',
      text: 'AM1:\n  description: a\n  unit: marcsec\nPA1:\n  description: p\n  unit: mmag\nN:\n  description: n\n  unit: ""\n'
    }
  ],
  specs: [
    {
      file: 'specs/demo/s.yaml',
      package: 'demo',
      rel: 's.yaml',
      text: `
---
name: AM1.design
threshold: {value: 10, unit: marcsec, operator: "<="}
tags: [design]
---
name: AM1.arcsec
threshold: {value: 0.01, unit: arcsec, operator: "<="}
tags: [design, arcsec]
---
name: PA1.hsc
threshold: {value: 5, unit: mmag, operator: "<"}
metadata_query: {instrument: HSC}
tags: [design]
---
name: PA1.cfht
threshold: {value: 5, unit: mmag, operator: "<"}
metadata_query: {instrument: CFHT}
---
name: N.exact
threshold: {value: 3, unit: "", operator: "=="}
---
name: N.not
threshold: {value: 3, unit: "", operator: "!="}
---
name: N.gt
threshold: {value: 3, unit: "", operator: ">"}
---
name: N.ge
threshold: {value: 3, unit: "", operator: ">="}
`
    }
  ]
})

function job(
  values: Record<string, [number, string]>,
  meta: Job['meta'] = { instrument: 'HSC' }
): Job {
  return {
    measurements: Object.entries(values).map(([metric, [value, unit]], i) => ({
      metric,
      identifier: String(i),
      value,
      unit,
      blobRefs: []
    })),
    blobs: [],
    metrics: [],
    specs: [],
    meta
  }
}

function outcome(j: Job, options = {}): Record<string, boolean | null> {
  return Object.fromEntries(
    evaluateJob(j, defs, 'j.json', options).map((r) => [r.spec.name, r.passed])
  )
}

describe('evaluation', () => {
  it('evaluates every applicable specification, sorted by name', () => {
    expect(
      outcome(
        job({
          'demo.AM1': [9, 'marcsec'],
          'demo.PA1': [5, 'mmag'],
          'demo.N': [3, '']
        })
      )
    ).toEqual({
      'demo.AM1.arcsec': true,
      'demo.AM1.design': true,
      'demo.N.exact': true,
      'demo.N.ge': true,
      'demo.N.gt': false,
      'demo.N.not': false,
      'demo.PA1.hsc': false
    })
    expect(
      Object.keys(
        outcome(job({ 'demo.N': [3, ''], 'demo.AM1': [1, 'marcsec'] }))
      )
    ).toEqual([
      'demo.AM1.arcsec',
      'demo.AM1.design',
      'demo.N.exact',
      'demo.N.ge',
      'demo.N.gt',
      'demo.N.not'
    ])
  })

  it('passes at the threshold and fails just above it, in any compatible unit', () => {
    expect(
      outcome(job({ 'demo.AM1': [10, 'marcsec'] }))['demo.AM1.design']
    ).toBe(true)
    expect(
      outcome(job({ 'demo.AM1': [10.000000000000002, 'marcsec'] }))[
        'demo.AM1.design'
      ]
    ).toBe(false)
    // The threshold is converted into the measurement's unit, as astropy does:
    expect(
      outcome(job({ 'demo.AM1': [0.01, 'arcsec'] }))['demo.AM1.design']
    ).toBe(true)
    expect(
      outcome(job({ 'demo.AM1': [10, 'marcsec'] }))['demo.AM1.arcsec']
    ).toBe(false)
  })

  it('selects by metadata query and by tags', () => {
    expect(
      outcome(job({ 'demo.PA1': [4, 'mmag'] }, { instrument: 'CFHT' }))
    ).toEqual({ 'demo.PA1.cfht': true })
    expect(outcome(job({ 'demo.PA1': [4, 'mmag'] }, {}))).toEqual({})
    expect(
      outcome(job({ 'demo.AM1': [4, 'marcsec'] }), {
        tags: ['design', 'arcsec']
      })
    ).toEqual({
      'demo.AM1.arcsec': true
    })
  })

  it('turns NaN into "no value" for every operator, and can list unmeasured specifications', () => {
    const results = evaluateJob(job({ 'demo.N': [NaN, ''] }), defs, 'j.json')
    expect(results.map((r) => r.passed)).toEqual([null, null, null, null])
    expect(countResults(results)).toEqual({ passed: 0, failed: 0, noValue: 4 })
    const all = evaluateJob(job({ 'demo.N': [3, ''] }), defs, 'j.json', {
      includeUnmeasured: true
    })
    expect(
      all.filter((r) => r.measurement === null).map((r) => r.spec.name)
    ).toEqual(['demo.AM1.arcsec', 'demo.AM1.design', 'demo.PA1.hsc'])
  })

  it('rejects a measurement whose unit does not fit its metric, naming it', () => {
    expect(() =>
      evaluateJob(job({ 'demo.AM1': [1, 'mmag'] }), defs, 'j.json')
    ).toThrow(JobError)
    const error = thrown(() =>
      evaluateJob(
        job({ 'demo.PA1': [1, 'mmag'], 'demo.AM1': [1, 'mmag'] }),
        defs,
        'j.json'
      )
    )
    expect((error as JobError).problems).toEqual([
      {
        where: { file: 'j.json', path: '$.measurements[1].unit' },
        message:
          'demo.AM1 is measured in "mmag" (magnitude) but defined in "marcsec" (angle)',
        hint: 'write the value in marcsec or a unit of the same kind'
      }
    ])
  })

  it('gives the JSON shape of the CLI contract', () => {
    const [r] = evaluateJob(
      job({ 'demo.AM1': [12.5, 'marcsec'] }),
      defs,
      'j.json',
      { tags: ['arcsec'] }
    )
    expect(r === undefined ? undefined : resultToJson(r)).toEqual({
      spec: 'demo.AM1.arcsec',
      metric: 'demo.AM1',
      measurement: { value: 12.5, unit: 'marcsec' },
      threshold: { value: 0.01, unit: 'arcsec', operator: '<=' },
      passed: false
    })
  })
})

describe('the report', () => {
  it('formats measurements as lsst.verify does: two decimals, e-notation below 1e-2', () => {
    expect(formatMeasurement(6.1, 'mmag')).toBe('6.10 mmag')
    expect(formatMeasurement(0.0061, 'mag')).toBe('6.10e-03 mag')
    expect(formatMeasurement(1500, '')).toBe('1500.00')
    expect(formatMeasurement(-24, 'nJy')).toBe('-24.00 nJy')
    expect(formatMeasurement(0, 'nJy')).toBe('0.00 nJy')
    expect(formatMeasurement(NaN, 'nJy')).toBe('nan')
  })

  it('renders rows with ✅ ❌ ➖ in text and Markdown', () => {
    const results = evaluateJob(
      job({ 'demo.AM1': [12, 'marcsec'], 'demo.N': [NaN, ''] }),
      defs,
      'j.json'
    )
    const rows = reportRows(results)
    expect(
      rows.map(
        (r) => `${r.status} ${r.spec} ${r.measurement} ${r.test} ${r.tags}`
      )
    ).toEqual([
      '❌ demo.AM1.arcsec 12.00 marcsec <= 0.01 arcsec arcsec, design',
      '❌ demo.AM1.design 12.00 marcsec <= 10.0 marcsec design',
      '➖ demo.N.exact no value == 3.0 ',
      '➖ demo.N.ge no value >= 3.0 ',
      '➖ demo.N.gt no value > 3.0 ',
      '➖ demo.N.not no value != 3.0 '
    ])
    const text = formatTextTable(rows).split('\n')
    expect(text[0]).toBe(
      'Status  Specification    Measurement    Test             Spec. Tags'
    )
    expect(text).toHaveLength(8)
    expect(formatMarkdownTable(rows).split('\n')[2]).toBe(
      '| ❌ | demo.AM1.arcsec | 12.00 marcsec | <= 0.01 arcsec | arcsec, design |'
    )
  })
})
