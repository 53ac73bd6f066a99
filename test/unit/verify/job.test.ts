import { thrown } from '../../helpers/thrown.js'
import { JobError, formatProblem } from '../../../src/core/index.js'
import {
  loadDefinitionTexts,
  normalizeMeasurements,
  parseJob,
  pythonFloatRepr,
  serializeJob,
  type Job
} from './verify-api.js'

const defs = loadDefinitionTexts({
  metrics: [
    {
      file: 'metrics/demo.yaml',
      package: 'demo',
      text: 'AM1:\n  description: a\n  unit: marcsec\nPA1:\n  description: p\n  unit: mmag\nF:\n  description: f\n  unit: nJy\nPF1:\n  description: p\n  unit: "%"\n'
    }
  ],
  specs: []
})

function job(measurements: Partial<Job['measurements'][number]>[]): Job {
  return {
    measurements: measurements.map((m, i) => ({
      metric: 'demo.AM1',
      identifier: `id${i}`,
      value: 1,
      unit: 'marcsec',
      blobRefs: [],
      ...m
    })),
    blobs: [],
    metrics: [],
    specs: [],
    meta: {}
  }
}

describe('verify jobs', () => {
  it('normalises values into the metric unit with astropy factors', () => {
    const normalised = normalizeMeasurements(
      job([
        { metric: 'demo.AM1', value: 0.0123, unit: 'arcsec' },
        { metric: 'demo.PA1', value: 0.0061, unit: 'mag' },
        { metric: 'demo.F', value: 0.004, unit: 'uJy' },
        { metric: 'demo.PF1', value: 0.1, unit: '' },
        { metric: 'other.X', value: 3, unit: 's' }
      ]),
      defs.metrics
    ).measurements.map((m) => [m.value, m.unit])
    expect(normalised).toEqual([
      [12.299999999999999, 'marcsec'],
      [6.1000000000000005, 'mmag'],
      [3.9999999999999996, 'nJy'],
      [10, '%'],
      [3, 's']
    ])
  })

  it('writes exactly what lsst.verify Job.write writes (sorted keys, indent 2, Python floats, NaN as null)', () => {
    const j = job([
      { value: 12.299999999999999, identifier: 'a' },
      {
        metric: 'demo.PA1',
        value: NaN,
        unit: 'mmag',
        identifier: 'b',
        blobRefs: ['blob1']
      },
      { metric: 'demo.PF1', value: 10, unit: '%', identifier: 'c' },
      { metric: 'demo.F', value: Infinity, unit: 'nJy', identifier: 'd' }
    ])
    j.meta = {
      instrument: 'HSC',
      nVisits: 12,
      'demo.PA1.note': 'é',
      packages: {}
    }
    j.blobs = [
      {
        identifier: 'blob1',
        name: 'demo.PA1',
        data: {
          n: { value: [1.5, 2], unit: '', label: 'N', description: null }
        }
      }
    ]
    expect(serializeJob(j)).toBe(
      [
        '{',
        '  "blobs": [',
        '    {',
        '      "data": {',
        '        "n": {',
        '          "description": null,',
        '          "label": "N",',
        '          "unit": "",',
        '          "value": [',
        '            1.5,',
        '            2',
        '          ]',
        '        }',
        '      },',
        '      "identifier": "blob1",',
        '      "name": "demo.PA1"',
        '    }',
        '  ],',
        '  "measurements": [',
        '    {',
        '      "blob_refs": [],',
        '      "identifier": "a",',
        '      "metric": "demo.AM1",',
        '      "unit": "marcsec",',
        '      "value": 12.299999999999999',
        '    },',
        '    {',
        '      "blob_refs": [',
        '        "blob1"',
        '      ],',
        '      "identifier": "b",',
        '      "metric": "demo.PA1",',
        '      "unit": "mmag",',
        '      "value": null',
        '    },',
        '    {',
        '      "blob_refs": [],',
        '      "identifier": "c",',
        '      "metric": "demo.PF1",',
        '      "unit": "%",',
        '      "value": 10.0',
        '    },',
        '    {',
        '      "blob_refs": [],',
        '      "identifier": "d",',
        '      "metric": "demo.F",',
        '      "unit": "nJy",',
        '      "value": null',
        '    }',
        '  ],',
        '  "meta": {',
        '    "demo.PA1.note": "\\u00e9",',
        '    "instrument": "HSC",',
        '    "nVisits": 12,',
        '    "packages": {}',
        '  },',
        '  "metrics": [],',
        '  "specs": []',
        '}'
      ].join('\n')
    )
  })

  it('formats floats as Python repr does', () => {
    expect(
      [5, 0.0001, 0.00001, 1e16, 1e15, 123.456, -0.5, 1e-7, 2.5e22, 0].map(
        pythonFloatRepr
      )
    ).toEqual([
      '5.0',
      '0.0001',
      '1e-05',
      '1e+16',
      '1000000000000000.0',
      '123.456',
      '-0.5',
      '1e-07',
      '2.5e+22',
      '0.0'
    ])
  })

  it('reads what it writes: NaN comes back from null, everything else unchanged', () => {
    const j = job([
      { value: NaN },
      { value: 1.25, metric: 'demo.PA1', unit: 'mmag' }
    ])
    const back = parseJob(serializeJob(j), 'x.verify.json')
    expect(
      back.measurements.map((m) => [m.metric, m.value, m.unit, m.identifier])
    ).toEqual([
      ['demo.AM1', NaN, 'marcsec', 'id0'],
      ['demo.PA1', 1.25, 'mmag', 'id1']
    ])
    expect(serializeJob(back)).toBe(serializeJob(j))
  })

  it('reads the bare NaN and Infinity tokens older lsst.verify wrote', () => {
    const back = parseJob(
      '{"measurements": [{"metric": "a.b", "value": NaN, "unit": ""}, {"metric": "a.c", "value": -Infinity, "unit": "", "identifier": "x"}], "meta": {"s": "NaN stays a string"}}',
      'old.json'
    )
    expect(back.measurements.map((m) => m.value)).toEqual([NaN, -Infinity])
    expect(back.meta).toEqual({ s: 'NaN stays a string' })
    expect(back.measurements[0]?.identifier).toMatch(/^[0-9a-f]{32}$/)
  })

  it('names file, line and column of broken JSON, and says when a file is truncated', () => {
    const text = '{\n  "measurements": [\n    {"metric": "a.b",\n'
    expect(() => parseJob(text, 'cut.verify.json')).toThrow(JobError)
    const error = thrown(() => parseJob(text, 'cut.verify.json'))
    const cut = error as JobError
    expect(cut.describe()).toMatch(
      /^cut\.verify\.json:\d+:\d+: cut\.verify\.json is not valid JSON/
    )
    expect(cut.hint).toMatch(/truncated/)
    const error2 = thrown(() =>
      parseJob('{"measurements": [}\n', 'bad.verify.json')
    )
    const bad = error2 as JobError
    expect(bad.where).toEqual({ file: 'bad.verify.json', line: 1, column: 19 })
    expect(bad.hint).toMatch(/fix the JSON syntax/)
  })

  it('names the JSON path of every wrong field', () => {
    const error = thrown(() =>
      parseJob(
        JSON.stringify({
          measurements: [
            { metric: 'PA1', value: 1, unit: 'mmag' },
            { metric: 'a.b', value: '1', unit: 'mmag' },
            { metric: 'a.b', value: 1 },
            { metric: 'a.b', value: 1, unit: 'furlong' },
            { metric: 'a.b', value: 1, unit: '', blob_refs: 'x' }
          ],
          meta: []
        }),
        'j.json'
      )
    )
    expect((error as JobError).problems.map(formatProblem)).toEqual([
      'j.json ($.measurements[0].metric): metric must be a fully qualified metric name like "validate_drp.PA1", got "PA1"',
      'j.json ($.measurements[1].value): value must be a number or null, got "1"',
      'j.json ($.measurements[2].unit): unit must be a string (use "" for dimensionless), got undefined',
      expect.stringMatching(
        /^j\.json \(\$\.measurements\[3\]\.unit\): "furlong" is not a valid unit/
      ),
      'j.json ($.measurements[4].blob_refs): blob_refs must be a list of blob identifiers',
      'j.json ($.meta): meta must be an object'
    ])
  })

  it('refuses a document that is not a job', () => {
    expect(() => parseJob('[1, 2]', 'list.json')).toThrow(
      /must hold a JSON object/
    )
  })
})
