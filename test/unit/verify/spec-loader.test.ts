import { SpecError, formatProblem } from '../../../src/core/index.js'
import {
  loadDefinitionTexts,
  specToJson,
  type Definitions
} from './verify-api.js'

const METRICS = `
PA1:
  description: Photometric repeatability.
  unit: mmag
  tags: photometry
AM1:
  description: Astrometric repeatability.
  unit: milliarcsecond
  tags: [astrometry]
`

/** Loads a package from texts: files are `specs/<pkg>/<rel>`. */
function load(
  specs: Record<string, string>,
  metrics: Record<string, string> = { demo: METRICS }
): Definitions {
  return loadDefinitionTexts({
    metrics: Object.entries(metrics).map(([pkg, text]) => ({
      file: `metrics/${pkg}.yaml`,
      package: pkg,
      text
    })),
    specs: Object.entries(specs).map(([path, text]) => {
      const [pkg = '', ...rest] = path.split('/')
      return { file: `specs/${path}`, package: pkg, rel: rest.join('/'), text }
    })
  })
}

/** The problems of a failing load, one line each. */
function problems(specs: Record<string, string>): string[] {
  try {
    load(specs)
  } catch (error) {
    if (!(error instanceof SpecError)) throw error
    return error.problems.map(formatProblem)
  }
  throw new Error('expected the load to fail')
}

function spec(defs: Definitions, name: string): ReturnType<typeof specToJson> {
  const s = defs.specs.get(name)
  if (s === undefined)
    throw new Error(
      `no spec ${name}; have ${[...defs.specs.keys()].join(', ')}`
    )
  return specToJson(s)
}

const SRD = `
---
id: PA1-base
metric: PA1
tags: [PA1]
threshold: {unit: mmag, operator: "<="}
---
name: design
base: "#PA1-base"
threshold: {value: 5.0}
tags: [design]
---
name: minimum
base: "#PA1-base"
threshold: {value: 8}
tags: minimum
`

describe('specifications: inheritance as lsst.verify resolves it', () => {
  it('resolves a partial in the same file (#id) and merges tags', () => {
    const defs = load({ 'demo/srd.yaml': SRD })
    expect(spec(defs, 'demo.PA1.design')).toEqual({
      name: 'demo.PA1.design',
      type: 'threshold',
      threshold: { value: 5, unit: 'mmag', operator: '<=' },
      metadata_query: {},
      tags: ['PA1', 'design']
    })
    // A plain string replaces the inherited list (upstream's merge rule).
    expect(spec(defs, 'demo.PA1.minimum').tags).toEqual(['minimum'])
    expect([...defs.partials.keys()]).toEqual(['demo:srd#PA1-base'])
  })

  it('resolves every base reference form: #id, path#id, pkg:path#id, an id without #, METRIC.spec and fully qualified', () => {
    const defs = load({
      'demo/srd.yaml': SRD,
      'demo/hsc/base.yaml': `
---
id: hsc
metadata_query: {instrument: HSC}
---
id: '#hsc-r'
base: '#hsc'
metadata_query: {filter_name: HSC-R}
---
id: noHash
tags: [nohash]
`,
      'demo/hsc/PA1.yaml': `
---
name: a
base: [PA1.design, 'hsc/base#hsc-r']
---
name: b
base: [demo.PA1.minimum, 'demo:hsc/base#hsc']
---
name: c
base: [PA1.design, 'hsc/base#noHash']
`
    })
    expect(spec(defs, 'demo.PA1.a')).toEqual({
      name: 'demo.PA1.a',
      type: 'threshold',
      threshold: { value: 5, unit: 'mmag', operator: '<=' },
      metadata_query: { instrument: 'HSC', filter_name: 'HSC-R' },
      tags: ['PA1', 'design']
    })
    expect(spec(defs, 'demo.PA1.b').threshold.value).toBe(8)
    expect(spec(defs, 'demo.PA1.b').metadata_query).toEqual({
      instrument: 'HSC'
    })
    expect(spec(defs, 'demo.PA1.c').tags).toEqual(['PA1', 'design', 'nohash'])
    expect([...defs.partials.keys()].sort()).toEqual(
      [
        'demo:hsc/base#hsc',
        'demo:hsc/base#hsc-r',
        'demo:hsc/base#noHash',
        'demo:srd#PA1-base'
      ].sort()
    )
  })

  it('applies bases left to right, then the document itself', () => {
    const defs = load({
      'demo/x.yaml': `
---
id: one
metric: PA1
threshold: {value: 1, unit: mmag, operator: "<"}
tags: [one]
---
id: two
threshold: {value: 2, operator: "<="}
tags: [two]
---
name: both
base: ['#one', '#two']
---
name: reversed
base: ['#two', '#one']
---
name: own
base: ['#one', '#two']
threshold: {value: 3}
`
    })
    expect(spec(defs, 'demo.PA1.both').threshold).toEqual({
      value: 2,
      unit: 'mmag',
      operator: '<='
    })
    expect(spec(defs, 'demo.PA1.reversed').threshold).toEqual({
      value: 1,
      unit: 'mmag',
      operator: '<'
    })
    expect(spec(defs, 'demo.PA1.own').threshold.value).toBe(3)
    expect(spec(defs, 'demo.PA1.both').tags).toEqual(['one', 'two'])
  })

  it('takes the metric from the name, the document, a partial, or a base specification', () => {
    const defs = load({
      'demo/srd.yaml': SRD,
      'demo/m.yaml': `
---
name: AM1.in_name
threshold: {value: 1, unit: marcsec, operator: "<="}
---
name: in_doc
metric: AM1
threshold: {value: 2, unit: arcsec, operator: "<="}
---
name: from_base_spec
base: PA1.design
---
id: fq-metric
metric: demo.AM1
threshold: {value: 3, unit: marcsec, operator: "<="}
---
name: from_partial
base: '#fq-metric'
`
    })
    expect(defs.specs.has('demo.AM1.in_name')).toBe(true)
    expect(spec(defs, 'demo.AM1.in_doc').threshold.unit).toBe('arcsec')
    expect(spec(defs, 'demo.PA1.from_base_spec').threshold.value).toBe(5)
    expect(defs.specs.get('demo.AM1.from_partial')?.metricName).toBe('demo.AM1')
  })

  it('takes the package from the directory, whatever the document says', () => {
    const defs = load({
      'demo/p.yaml':
        'name: PA1.x\npackage: other\nthreshold: {value: 1, unit: mmag, operator: "<"}\n'
    })
    expect([...defs.specs.keys()]).toEqual(['demo.PA1.x'])
  })

  it('resolves partials defined after their users and in other files (and other packages)', () => {
    const defs = load({
      'demo/a.yaml': '---\nname: PA1.late\nbase: "z/later#p"\n',
      'demo/z/later.yaml': '---\nid: p\nbase: "other:q#o"\n',
      'other/q.yaml':
        '---\nid: o\nthreshold: {value: 7, unit: mmag, operator: ">="}\n'
    })
    expect(spec(defs, 'demo.PA1.late').threshold).toEqual({
      value: 7,
      unit: 'mmag',
      operator: '>='
    })
  })

  it('keeps every operator and reads numeric strings as astropy does', () => {
    const docs = ['<', '<=', '>', '>=', '==', '!=']
      .map(
        (op, i) =>
          `---\nname: PA1.s${i}\nthreshold: {value: '${i}.5', unit: mmag, operator: "${op}"}\n`
      )
      .join('')
    const defs = load({ 'demo/ops.yaml': docs })
    expect(
      [...defs.specs.values()].map((s) => [
        s.threshold.operator,
        s.threshold.value
      ])
    ).toEqual([
      ['<', 0.5],
      ['<=', 1.5],
      ['>', 2.5],
      ['>=', 3.5],
      ['==', 4.5],
      ['!=', 5.5]
    ])
  })

  it('reads specification tags given as a string, a list or a YAML set', () => {
    const defs = load({
      'demo/t.yaml': `
---
name: PA1.s
tags: !!set {a, b}
threshold: {value: 1, unit: mmag, operator: "<"}
`
    })
    expect(spec(defs, 'demo.PA1.s').tags).toEqual(['a', 'b'])
  })

  it('warns about (and deterministically resolves) duplicate names', () => {
    const defs = load({
      'demo/a.yaml':
        'name: PA1.dup\nthreshold: {value: 1, unit: mmag, operator: "<"}\n',
      'demo/b.yaml':
        'name: PA1.dup\nthreshold: {value: 2, unit: mmag, operator: "<"}\n'
    })
    expect(spec(defs, 'demo.PA1.dup').threshold.value).toBe(2)
    expect(defs.warnings.map(formatProblem)).toEqual([
      'specs/demo/b.yaml:1:7 (name): specification demo.PA1.dup is also defined in specs/demo/a.yaml; this later definition wins'
    ])
  })
})

describe('specifications: bad input names file:line and the fix', () => {
  it('a missing base, with a suggestion', () => {
    expect(
      problems({
        'demo/srd.yaml': SRD,
        'demo/x.yaml': '---\nname: PA1.x\nbase: "#PA1-bse"\n'
      })
    ).toEqual([
      'specs/demo/x.yaml:3:7 (base): base demo:x#PA1-bse is not defined (did you mean demo:srd#PA1-base?)'
    ])
    expect(
      problems({ 'demo/x.yaml': '---\nname: PA1.x\nbase: "#zzz"\n' })
    ).toEqual([
      'specs/demo/x.yaml:3:7 (base): base demo:x#zzz is not defined (check the spelling; a partial is referred to as #id, path#id or package:path#id)'
    ])
    expect(
      problems({
        'demo/srd.yaml': SRD,
        'demo/x.yaml': '---\nname: PA1.x\nbase: "srd#PA1-bse"\n'
      })[0]
    ).toMatch(
      /x\.yaml:3:7 \(base\): base demo:srd#PA1-bse is not defined \(did you mean demo:srd#PA1-base\?\)/
    )
  })

  it('a bare specification name as a base', () => {
    expect(
      problems({
        'demo/srd.yaml': SRD,
        'demo/x.yaml': 'name: PA1.x\nbase: [design]\n'
      })
    ).toEqual([
      expect.stringMatching(
        /^specs\/demo\/x\.yaml:2:8 \(base\[0\]\): base "design" is neither a partial nor a specification name: .*has no metric.*\(refer to a partial as "#design"/
      )
    ])
  })

  it('a cycle between partials, and between specifications, each reported once', () => {
    const cycle = problems({
      'demo/c.yaml':
        '---\nid: a\nbase: "#b"\n---\nid: b\nbase: "#a"\n---\nname: PA1.x\nbase: "#a"\n'
    })
    expect(cycle).toEqual([
      expect.stringMatching(
        /^specs\/demo\/c\.yaml:3:7 \(base\): inheritance cycle: demo:c#a → demo:c#b → demo:c#a/
      )
    ])
    const specCycle = problems({
      'demo/s.yaml':
        '---\nname: PA1.a\nbase: PA1.b\n---\nname: PA1.b\nbase: PA1.a\n'
    })
    expect(specCycle).toEqual([
      expect.stringMatching(
        /inheritance cycle: demo\.PA1\.a → demo\.PA1\.b → demo\.PA1\.a/
      )
    ])
    expect(problems({ 'demo/self.yaml': 'id: me\nbase: "#me"\n' })[0]).toMatch(
      /inheritance cycle: demo:self#me → demo:self#me/
    )
  })

  it('a specification without a threshold, without a metric, or with a bad operator, unit or value', () => {
    expect(problems({ 'demo/a.yaml': 'name: PA1.x\ntags: [t]\n' })).toEqual([
      'specs/demo/a.yaml:1:1: specification demo.PA1.x has no threshold (not in the document nor in its bases) (only threshold specifications exist: add threshold: {value, unit, operator})'
    ])
    expect(
      problems({
        'demo/a.yaml':
          'name: x\nthreshold: {value: 1, unit: mmag, operator: "<"}\n'
      })[0]
    ).toMatch(
      /^specs\/demo\/a\.yaml:1:7 \(name\): specification "x" has no metric/
    )
    expect(
      problems({
        'demo/a.yaml':
          'name: PA1.x\nthreshold:\n  value: 1\n  unit: mmag\n  operator: "=>"\n'
      })
    ).toEqual([
      expect.stringMatching(
        /^specs\/demo\/a\.yaml:5:13 \(threshold\.operator\): "=>" is not a threshold operator \(use one of < <= > >= == !=/
      )
    ])
    expect(
      problems({
        'demo/a.yaml':
          'name: PA1.x\nthreshold: {value: 1, unit: mmags, operator: "<"}\n'
      })[0]
    ).toMatch(
      /^specs\/demo\/a\.yaml:2:29 \(threshold\.unit\): "mmags" is not a valid unit: "mmags" is unknown \(did you mean "mmag"\?\)/
    )
    expect(
      problems({
        'demo/a.yaml':
          'name: PA1.x\nthreshold: {value: 5 mmag, unit: mmag, operator: "<"}\n'
      })[0]
    ).toMatch(
      /^specs\/demo\/a\.yaml:2:20 \(threshold\.value\): threshold\.value must be a number, got "5 mmag" \(write the number without quotes or units/
    )
  })

  it('an inherited problem points at the base that brought it', () => {
    expect(
      problems({
        'demo/a.yaml':
          '---\nid: p\nthreshold: {value: 1, unit: furlong, operator: "<"}\n---\nname: PA1.x\nbase: "#p"\n'
      })[0]
    ).toMatch(
      /^specs\/demo\/a\.yaml:6:7 \(base\): "furlong" is not a valid unit.*\(inherited from demo:a#p\)/
    )
  })

  it('malformed YAML, an empty document, a non-mapping document, a document without a name', () => {
    expect(
      problems({ 'demo/a.yaml': 'name: PA1.x\nthreshold: {value: 1\n' })[0]
    ).toMatch(/^specs\/demo\/a\.yaml:3:1: YAML syntax error: /)
    expect(problems({ 'demo/a.yaml': SRD + '---\n' })).toEqual([
      expect.stringMatching(
        /^specs\/demo\/a\.yaml:\d+:\d+: empty YAML document \(lsst\.verify fails on it\) \(remove the stray '---' separator\)/
      )
    ])
    expect(problems({ 'demo/a.yaml': '- a\n- b\n' })[0]).toMatch(
      /a specification document must be a mapping/
    )
    expect(
      problems({
        'demo/a.yaml': 'threshold: {value: 1, unit: mmag, operator: "<"}\n'
      })[0]
    ).toMatch(/a specification needs a name \(or an id, for a partial\)/)
  })

  it('reports every problem of every file at once', () => {
    const all = problems({
      'demo/a.yaml': 'name: PA1.x\n',
      'demo/b.yaml':
        'name: PA1.y\nthreshold: {value: 1, unit: mmag, operator: "~"}\n',
      'demo/c.yaml': 'name: PA1.z\nbase: "#nope"\n'
    })
    expect(all).toHaveLength(3)
    expect(all.map((p) => p.split(':')[0]).sort()).toEqual([
      'specs/demo/a.yaml',
      'specs/demo/b.yaml',
      'specs/demo/c.yaml'
    ])
  })
})

describe('metric definitions: strict keys', () => {
  function metricProblems(text: string): string[] {
    try {
      load({}, { demo: text })
    } catch (error) {
      if (!(error instanceof SpecError)) throw error
      return error.problems.map(formatProblem)
    }
    throw new Error('expected the load to fail')
  }

  it('loads descriptions (trailing newline stripped), units, tags and references', () => {
    const defs = load(
      {},
      {
        demo: 'PA1:\n  description: >\n    Folded text.\n  unit: percent\n  tags: t\n  reference: {doc: LPM-17, url: http://ls.st/lpm-17, page: 21}\n  name: ignored\n'
      }
    )
    const m = defs.metrics.get('demo.PA1')
    expect(m?.description).toBe('Folded text.')
    expect(m?.unit.name).toBe('%')
    expect(m?.tags).toEqual(['t'])
    expect(m?.reference).toEqual({
      doc: 'LPM-17',
      url: 'http://ls.st/lpm-17',
      page: 21
    })
  })

  it('an empty folded unit is dimensionless', () => {
    const defs = load(
      {},
      { demo: 'n:\n  description: count\n  unit: >\n  tags: x\n' }
    )
    expect(defs.metrics.get('demo.n')?.unit.name).toBe('')
  })

  it('rejects unknown keys, missing units and descriptions, bad units, bad tags — all at once', () => {
    expect(
      metricProblems(
        'PA1:\n  description: d\n  unit: mmag\n  reduce_unit_to: mag\nAM1:\n  unit: marcsec\nX:\n  description: d\nY:\n  description: d\n  unit: furlongs\nZ:\n  description: d\n  unit: s\n  tags: {a: 1}\n'
      )
    ).toEqual([
      'metrics/demo.yaml:4:3 (PA1.reduce_unit_to): unknown key "reduce_unit_to" in metric PA1 (a metric has only description, unit, tags and reference (lsst.verify rejects other keys))',
      'metrics/demo.yaml:6:3 (AM1): metric AM1 has no description',
      "metrics/demo.yaml:8:3 (X): metric X has no unit (write unit: '' for a dimensionless metric)",
      expect.stringMatching(
        /^metrics\/demo\.yaml:11:9 \(Y\.unit\): "furlongs" is not a valid unit/
      ),
      'metrics/demo.yaml:15:9 (Z.tags): tags must be a string or a list of strings (write tags: [photometry, design])'
    ])
  })
})
