import fc from 'fast-check'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError, errorMessage } from '../../../src/core/index.js'
import {
  Demuxer,
  LineCollector,
  checkDatasetPaths,
  parseDatasets,
  type StreamName
} from '../../../src/integration/index.js'
import { rejection, thrown } from '../../helpers/thrown.js'

describe('parseDatasets', () => {
  it('reads NAME=PATH, resolving relative paths against the base', () => {
    expect(
      parseDatasets(['field_a=data/a', ' field_b = /abs/b '], '/ws', 'datasets')
    ).toEqual([
      { name: 'field_a', path: '/ws/data/a' },
      { name: 'field_b', path: '/abs/b' }
    ])
  })

  it('reports every bad entry at once', () => {
    const error = thrown(() =>
      parseDatasets(['a=x', 'nopath', 'b c=y', 'a=z', 'd='], '/ws', '--dataset')
    )
    expect(error).toBeInstanceOf(InputError)
    expect(errorMessage(error)).toBe(
      [
        '--dataset: 4 bad dataset(s)',
        '  "nopath" is not NAME=PATH (e.g. field_a=data/field_a)',
        '  dataset name "b c" may hold only letters, digits, _ . - (at most 64, not starting with _ . -)',
        '  dataset a is given twice',
        '  "d=" is not NAME=PATH (e.g. field_a=data/field_a)'
      ].join('\n')
    )
    expect(
      errorMessage(thrown(() => parseDatasets([], '/', 'datasets')))
    ).toMatch(/^datasets: no dataset given/)
  })

  it('names each dataset whose directory is missing or a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-ds-'))
    try {
      writeFileSync(join(dir, 'file'), '')
      const error = await rejection(
        checkDatasetPaths([
          { name: 'ok', path: dir },
          { name: 'gone', path: join(dir, 'gone') },
          { name: 'file', path: join(dir, 'file') }
        ])
      )
      expect(errorMessage(error)).toBe(
        [
          '2 datasets cannot be mounted',
          `  ${join(dir, 'gone')}: dataset gone: no such directory (check the path (relative paths start at the workspace), and that the dataset was checked out (git lfs pull?))`,
          `  ${join(dir, 'file')}: dataset file: not a directory`
        ].join('\n')
      )
      await checkDatasetPaths([{ name: 'ok', path: dir }])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

/** The engine's multiplexed framing of one write. */
function frame(stream: StreamName, text: string): Buffer {
  const body = Buffer.from(text)
  const head = Buffer.alloc(8)
  head[0] = stream === 'stdout' ? 1 : 2
  head.writeUInt32BE(body.length, 4)
  return Buffer.concat([head, body])
}

describe('container logs', () => {
  it('splits frames into lines per stream, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom<StreamName>('stdout', 'stderr'),
            fc.array(fc.constantFrom('a', 'é', '🔭', ' ', '\n'), {
              maxLength: 12
            })
          ),
          { maxLength: 10 }
        ),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }),
        (writes, cuts) => {
          const seen: Record<StreamName, string[]> = { stdout: [], stderr: [] }
          const lines = new LineCollector((line, s) => seen[s].push(line), 1000)
          const demux = new Demuxer(lines)
          const bytes = Buffer.concat(
            writes.map(([s, chars]) => frame(s, chars.join('')))
          )
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length] ?? 1
            demux.write(bytes.subarray(at, at + size))
            at += size
          }
          lines.end()
          for (const s of ['stdout', 'stderr'] as const) {
            const text = writes
              .filter(([w]) => w === s)
              .map(([, chars]) => chars.join(''))
              .join('')
            const expected = text.split('\n')
            if (expected.at(-1) === '') expected.pop()
            expect(seen[s]).toEqual(expected)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it('keeps the last lines, drops carriage returns and cuts endless lines', () => {
    const all: string[] = []
    const lines = new LineCollector((l) => all.push(l), 3)
    lines.write('stdout', Buffer.from('one\r\ntwo\nthree\nfour\nfi'))
    lines.write('stdout', Buffer.from('ve'))
    lines.end()
    expect(lines.tail()).toEqual(['three', 'four', 'five'])
    expect(all[0]).toBe('one')
    const long = new LineCollector(() => undefined)
    long.write('stderr', Buffer.alloc(40_000, 'x'))
    long.end()
    expect(long.lines).toBe(3)
  })
})
