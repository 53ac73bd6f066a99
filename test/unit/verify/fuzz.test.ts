import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { StackciError } from '../../../src/core/index.js'
import { verifyMetricsDir } from '../../helpers/shared.js'
import {
  evaluateJob,
  loadDefinitionTexts,
  parseJob,
  type DefinitionTexts,
  type Definitions
} from './verify-api.js'

/**
 * Seeded fuzzing: thousands of mutated metric/spec YAML packages and job
 * files. Whatever the input, only typed stackci errors may escape — never a
 * TypeError, a RangeError or a crash. A failure prints the seed and input.
 */

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FRAGMENTS = [
  ':',
  '-',
  '{',
  '}',
  '[',
  ']',
  '#',
  "'",
  '"',
  '\n',
  '  ',
  '\t',
  '---\n',
  '&a',
  '*a',
  '<<: *a',
  '!!set',
  'base: "#x"',
  'base: [a.b.c.d]',
  'id: ',
  'name: ',
  'metric: PA1',
  'threshold: {value: 1, unit: mmag}',
  'operator: "<="',
  'unit: furlong',
  'value: .nan',
  'value: 1e3',
  'tags: {a: 1}',
  'null',
  '~',
  '1:2',
  'yes',
  'metadata_query: [1]',
  '\u00e9',
  '\u2705',
  '\\u0000',
  '0x1F',
  '{{',
  '}}',
  '? ',
  '|',
  '>'
]

function mutate(text: string, random: () => number): string {
  let out = text
  const rounds = 1 + Math.floor(random() * 4)
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * (out.length + 1))
    switch (Math.floor(random() * 7)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(at + Math.floor(random() * 40))
        break
      case 1: // insert a fragment
        out =
          out.slice(0, at) +
          (FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] ?? '') +
          out.slice(at)
        break
      case 2: // truncate
        out = out.slice(0, at)
        break
      case 3: {
        // duplicate a line
        const lines = out.split('\n')
        const i = Math.floor(random() * lines.length)
        lines.splice(i, 0, lines[i] ?? '')
        out = lines.join('\n')
        break
      }
      case 4: {
        // swap two lines
        const lines = out.split('\n')
        const i = Math.floor(random() * lines.length)
        const j = Math.floor(random() * lines.length)
        ;[lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']
        out = lines.join('\n')
        break
      }
      case 5: // change indentation of a line
        out = out.replace(/\n( *)/g, (m, sp: string) =>
          random() < 0.05 ? `\n${sp.slice(1)}` : m
        )
        break
      default: // replace a random character with a random one
        out =
          out.slice(0, at) +
          String.fromCharCode(32 + Math.floor(random() * 95)) +
          out.slice(at + 1)
    }
  }
  return out
}

function expectOnlyTyped(
  run: () => unknown,
  describeInput: () => string
): void {
  try {
    run()
  } catch (error) {
    if (error instanceof StackciError) return
    throw new Error(
      `untyped ${String(error)} escaped for input:\n${describeInput()}`,
      { cause: error }
    )
  }
}

const dir = verifyMetricsDir()
const read = (rel: string): string => readFileSync(join(dir, rel), 'utf8')
const base: DefinitionTexts = {
  metrics: [
    {
      file: 'metrics/jointcal.yaml',
      package: 'jointcal',
      text: read('metrics/jointcal.yaml')
    }
  ],
  specs: ['astrometry_chisq.yaml', 'astrometry_ndof.yaml', 'hsc_r.yaml'].map(
    (rel) => ({
      file: `specs/jointcal/${rel}`,
      package: 'jointcal',
      rel,
      text: read(`specs/jointcal/${rel}`)
    })
  )
}

describe('fuzzing (seeded)', () => {
  it('1,200 mutated metric/spec packages: only typed errors escape', () => {
    const random = prng(20261127)
    let failed = 0
    for (let n = 0; n < 1200; n++) {
      const which = Math.floor(random() * 4)
      const input: DefinitionTexts = {
        metrics: base.metrics.map((m) =>
          which === 0 ? { ...m, text: mutate(m.text, random) } : m
        ),
        specs: base.specs.map((s, i) =>
          which === i + 1 ? { ...s, text: mutate(s.text, random) } : s
        )
      }
      expectOnlyTyped(
        () => {
          try {
            loadDefinitionTexts(input)
          } catch (error) {
            failed++
            throw error
          }
        },
        () => JSON.stringify(input, null, 1)
      )
    }
    // The mutations must actually break things often, or this test proves nothing.
    expect(failed).toBeGreaterThan(300)
  })

  it('1,200 mutated job files: only typed errors escape, in parsing and in evaluation', () => {
    const defs: Definitions = loadDefinitionTexts(base)
    const job = JSON.stringify(
      {
        measurements: [
          {
            metric: 'jointcal.astrometry_final_chi2',
            identifier: 'a',
            value: 1.2,
            unit: '',
            blob_refs: []
          },
          {
            metric: 'jointcal.astrometry_final_ndof',
            identifier: 'b',
            value: 1858,
            unit: '',
            blob_refs: ['x']
          },
          {
            metric: 'jointcal.photometry_final_chi2',
            identifier: 'c',
            value: null,
            unit: '',
            blob_refs: []
          }
        ],
        blobs: [
          {
            identifier: 'x',
            name: 'n',
            data: {
              k: { value: [1, 2], unit: 'mag', label: null, description: null }
            }
          }
        ],
        metrics: [],
        specs: [],
        meta: {
          dataset_repo_url: 'https://github.com/lsst/testdata_jointcal.git',
          visits: [903334, 903336]
        }
      },
      null,
      2
    )
    const random = prng(42)
    let failed = 0
    for (let n = 0; n < 1200; n++) {
      const text = mutate(job, random)
      expectOnlyTyped(
        () => {
          try {
            evaluateJob(
              parseJob(text, 'fuzz.verify.json'),
              defs,
              'fuzz.verify.json'
            )
          } catch (error) {
            failed++
            throw error
          }
        },
        () => text
      )
    }
    expect(failed).toBeGreaterThan(300)
  })
})
