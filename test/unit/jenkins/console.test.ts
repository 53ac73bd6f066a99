import fc from 'fast-check'
import { RecordingReporter } from '../../../src/core/reporter.js'
import {
  ConsoleDecoder,
  reporterConsoleSink,
  streamConsoleSink
} from '../../../src/jenkins/console.js'

describe('ConsoleDecoder', () => {
  it('releases whole lines only, keeping split UTF-8 intact', () => {
    const d = new ConsoleDecoder()
    const bytes = Buffer.from('a 🚀\nb', 'utf8')
    expect(d.push(bytes.subarray(0, 4))).toBe('')
    expect(d.push(bytes.subarray(4))).toBe('a 🚀\n')
    expect(d.push(Buffer.alloc(0))).toBe('')
    expect(d.flush()).toBe('b')
    expect(d.flush()).toBe('')
  })

  it('reproduces any text cut at any byte boundaries', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (text, cuts) => {
          const bytes = Buffer.from(text, 'utf8')
          const points = [
            ...new Set(cuts.map((c) => c % (bytes.length + 1)))
          ].sort((a, b) => a - b)
          const d = new ConsoleDecoder()
          let out = ''
          let whole = true
          let from = 0
          for (const p of [...points, bytes.length]) {
            const lines = d.push(bytes.subarray(from, p))
            whole &&= lines === '' || lines.endsWith('\n')
            out += lines
            from = p
          }
          out += d.flush()
          expect(out).toBe(bytes.toString('utf8'))
          expect(whole).toBe(true)
        }
      )
    )
  })
})

describe('console sinks', () => {
  it('masks secrets in the stream sink', async () => {
    const r = new RecordingReporter()
    r.mask('s3cret')
    const out: string[] = []
    const sink = streamConsoleSink(
      (t) => void out.push(t),
      (t) => r.masker.apply(t)
    )
    await sink.write('token=s3cret\n')
    expect(out).toEqual(['token=***\n'])
  })

  it('switches workflow commands off around the console in the Actions log', async () => {
    const r = new RecordingReporter()
    const sink = reporterConsoleSink(r, { protectCommands: true })
    await sink.open?.()
    await sink.write('::set-output name=x::y\nplain\n')
    await sink.write('')
    await sink.close?.()
    const lines = r.entries.map((e) => e.message)
    expect(lines).toHaveLength(4)
    const token = lines[0]!.replace('::stop-commands::', '')
    expect(token).toMatch(/^[0-9a-f-]{36}$/)
    expect(lines.slice(1)).toEqual([
      '::set-output name=x::y',
      'plain',
      `::${token}::`
    ])
  })
})
