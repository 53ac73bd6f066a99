import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadStackciConfig } from '../../../src/core/config.js'
import {
  ConfigError,
  formatProblem,
  InputError
} from '../../../src/core/errors.js'
import {
  INJECTED_TAG,
  injectParameters,
  parseDriverResult,
  parseHistorySource,
  parseNotebook,
  parseParams,
  parseParamValue,
  pythonLiteral,
  RESULT_MARK,
  type NotebookJson
} from '../../../src/integration/index.js'
import { thrown } from '../../helpers/thrown.js'

const cell = (source: string, tags?: string[]): NotebookJson['cells'][0] => ({
  cell_type: 'code',
  source,
  metadata: tags === undefined ? {} : { tags }
})

describe('parameter values from the command line', () => {
  it('types numbers, booleans, None and JSON as papermill -p does; the rest stays text', () => {
    expect(
      parseParams(
        [
          'n=42',
          'x=-0.5',
          'big=1e3',
          'on=true',
          'off=False',
          'none=None',
          'list=[1, "a"]',
          'obj={"k": 2}',
          'quoted="42"',
          'title=Weekly w_2026_48',
          'eq=a=b'
        ],
        '--param'
      )
    ).toEqual({
      n: 42,
      x: -0.5,
      big: 1000,
      on: true,
      off: false,
      none: null,
      list: [1, 'a'],
      obj: { k: 2 },
      quoted: '42',
      title: 'Weekly w_2026_48',
      eq: 'a=b'
    })
  })

  it('refuses a name Python cannot assign, naming the flag', () => {
    for (const bad of ['1x=1', 'class=1', 'a-b=2', '=3', 'novalue']) {
      const error = thrown(() => parseParams([bad], '--param'))
      expect(error).toBeInstanceOf(InputError)
      expect((error as Error).message).toContain('--param')
    }
  })

  it('writes Python literals that keep the value', () => {
    expect(pythonLiteral(null)).toBe('None')
    expect(pythonLiteral(true)).toBe('True')
    expect(pythonLiteral(3)).toBe('3')
    expect(pythonLiteral(0.25)).toBe('0.25')
    expect(pythonLiteral(Number.NaN)).toBe("float('nan')")
    expect(pythonLiteral('it\'s "x"\n')).toBe('"it\'s \\"x\\"\\n"')
    expect(pythonLiteral({ a: [1, false], b: null })).toBe(
      '{"a": [1, False], "b": None}'
    )
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(parseParamValue(pythonLiteral(n))).toBe(n)
      })
    )
  })
})

describe('injecting parameters', () => {
  const nb: NotebookJson = {
    nbformat: 4,
    nbformat_minor: 5,
    cells: [cell('import x'), cell('n = 1', ['parameters']), cell('print(n)')]
  }

  it('puts a cell tagged injected-parameters right after the parameters cell', () => {
    const out = injectParameters(nb, { n: 2, name: 'w' })
    expect(out.cells).toHaveLength(4)
    const injected = out.cells[2]
    expect(injected?.metadata?.tags).toEqual([INJECTED_TAG])
    expect(injected?.id).toBe(INJECTED_TAG)
    expect((injected?.source as string[]).join('')).toContain(
      'n = 2\nname = "w"'
    )
    // The defaults stay as the author wrote them.
    expect(out.cells[1]?.source).toBe('n = 1')
    expect(nb.cells).toHaveLength(3)
  })

  it('puts it first without a parameters cell, and replaces an earlier one', () => {
    const plain = injectParameters(
      { nbformat: 4, cells: [cell('x')] },
      { a: 1 }
    )
    expect(plain.cells[0]?.metadata?.tags).toEqual([INJECTED_TAG])
    expect(plain.cells[0]?.id).toBeUndefined()
    const again = injectParameters(injectParameters(nb, { n: 2 }), { n: 3 })
    expect(again.cells).toHaveLength(4)
    expect((again.cells[2]?.source as string[]).join('')).toContain('n = 3')
  })

  it('refuses what is not an nbformat 4 notebook, naming the file', () => {
    expect(thrown(() => parseNotebook('{', 'a.ipynb'))).toBeInstanceOf(
      InputError
    )
    const error = thrown(() => parseNotebook('{"cells": []}', 'b.ipynb'))
    expect((error as Error).message).toContain('b.ipynb')
  })

  it('reads the sample notebook, which has a parameters cell', () => {
    const file = join(
      'examples',
      'stack',
      'notebooks',
      'characterisation.ipynb'
    )
    const sample = parseNotebook(readFileSync(file, 'utf8'), file)
    const out = injectParameters(sample, { run_id: 'r1' })
    const at = out.cells.findIndex((c) =>
      (c.metadata?.tags ?? []).includes('parameters')
    )
    expect(out.cells[at + 1]?.metadata?.tags).toEqual([INJECTED_TAG])
  })
})

describe('the driver verdict and the history source', () => {
  it('reads the last verdict line', () => {
    expect(
      parseDriverResult([
        'noise',
        `${RESULT_MARK}{"ok":false,"cell":3,"error":"ValueError: x"}`
      ])
    ).toEqual({ ok: false, cell: 3, error: 'ValueError: x' })
    expect(parseDriverResult(['no verdict'])).toBeUndefined()
  })

  it('tells a SQLite store from an export, and refuses other stores with a hint', () => {
    expect(parseHistorySource('sqlite:m.db', '/w')).toEqual({
      kind: 'sqlite',
      path: '/w/m.db'
    })
    expect(parseHistorySource('.stackci/metrics.sqlite', '/w').kind).toBe(
      'sqlite'
    )
    expect(parseHistorySource('h.jsonl', '/w').kind).toBe('jsonl')
    const error = thrown(() =>
      parseHistorySource('influxdb:http://x:8086', '/w')
    ) as InputError
    expect(error).toBeInstanceOf(InputError)
    expect(error.hint).toContain('stackci metrics export')
  })
})

describe('notebooks: in stackci.yml', () => {
  it('keeps parameter types and needs the section for the notebook step', () => {
    const config = loadStackciConfig(
      [
        'version: 1',
        'notebooks:',
        '  - path: a.ipynb',
        '    params: { n: 4, x: 0.5, on: true, tags: [a], label: w }',
        '    timeout: 2m',
        '    memory: 1g',
        ''
      ].join('\n'),
      'stackci.yml'
    )
    expect(config.notebooks?.[0]).toEqual({
      path: 'a.ipynb',
      params: { n: 4, x: 0.5, on: true, tags: ['a'], label: 'w' },
      timeout: 120_000,
      memory: '1g'
    })
    const error = thrown(() =>
      loadStackciConfig(
        'version: 1\nprofiles:\n  p: { steps: [notebook] }\n',
        'stackci.yml'
      )
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems.map(formatProblem)).toEqual([
      expect.stringContaining('step notebook needs the notebooks: section')
    ])
  })
})
