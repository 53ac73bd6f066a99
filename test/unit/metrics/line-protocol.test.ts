import {
  encodePoint,
  escapeKey,
  escapeMeasurement,
  jobPoints,
  quoteIdentifier,
  quoteString,
  timestampFromMs,
  type Point
} from '../../../src/metrics/index.js'
import { InputError } from '../../../src/core/index.js'
import { thrown } from '../../helpers/thrown.js'
import { dispatchJob, T0 } from '../../helpers/metrics.js'

const point = (over: Partial<Point> = {}): Point => ({
  measurement: 'm',
  tags: {},
  fields: { v: { kind: 'float', value: 1.5 } },
  ...over
})

describe('InfluxDB line protocol', () => {
  it('escapes what influxd 1.6 needs escaped, and nothing else', () => {
    expect(escapeMeasurement('my meas,x')).toBe('my\\ meas\\,x')
    expect(escapeMeasurement('a=b')).toBe('a=b')
    expect(escapeKey('a=b,c d')).toBe('a\\=b\\,c\\ d')
    expect(escapeKey('he said "hi"')).toBe('he\\ said\\ "hi"')
    expect(escapeKey('ünï 🚀')).toBe('ünï\\ 🚀')
    expect(escapeKey('back\\slash')).toBe('back\\slash')
  })

  it('encodes tags sorted, leaves out empty tags and non-finite floats', () => {
    const line = encodePoint(
      point({
        tags: { z: 'last', a: 'first', empty: '', none: undefined },
        fields: {
          v: { kind: 'float', value: 2 },
          nan: { kind: 'float', value: NaN },
          n: { kind: 'integer', value: 42 },
          ok: { kind: 'boolean', value: true },
          s: { kind: 'string', value: 'say "x" \\ y' }
        },
        time: 1700000000000n
      })
    )
    expect(line).toBe(
      'm,a=first,z=last v=2,n=42i,ok=true,s="say \\"x\\" \\\\ y" 1700000000000'
    )
  })

  it('refuses line breaks in tags, keys and strings, naming the value', () => {
    for (const bad of [
      point({ tags: { dataset: 'a\nb' } }),
      point({ tags: { 'da\rtaset': 'x' } }),
      point({ measurement: 'm\n' }),
      point({ fields: { s: { kind: 'string', value: 'two\nlines' } } })
    ]) {
      const error = thrown(() => encodePoint(bad))
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).message).toMatch(/line break/)
      expect((error as InputError).hint).toBeDefined()
    }
    expect(
      (thrown(() => encodePoint(point({ tags: { dataset: 'x\ny' } }))) as Error)
        .message
    ).toContain('the value of tag dataset "x\\ny"')
  })

  it('refuses a trailing backslash (it would escape the separator) and the reserved key time', () => {
    expect(
      (thrown(() => encodePoint(point({ tags: { t: 'ends\\' } }))) as Error)
        .message
    ).toMatch(/ends with a backslash/)
    expect(
      (thrown(() => encodePoint(point({ tags: { time: 'x' } }))) as Error)
        .message
    ).toMatch(/reserved/)
    expect(
      (
        thrown(() =>
          encodePoint(point({ fields: { time: { kind: 'float', value: 1 } } }))
        ) as Error
      ).message
    ).toMatch(/reserved/)
  })

  it('needs at least one field with a value', () => {
    expect(
      (
        thrown(() =>
          encodePoint(point({ fields: { v: { kind: 'float', value: NaN } } }))
        ) as Error
      ).message
    ).toMatch(/no field with a value/)
  })

  it('converts epoch milliseconds into every precision', () => {
    const ms = 1_700_000_000_123
    expect(timestampFromMs(ms, 'ms')).toBe(1_700_000_000_123n)
    expect(timestampFromMs(ms, 'n')).toBe(1_700_000_000_123_000_000n)
    expect(timestampFromMs(ms, 'u')).toBe(1_700_000_000_123_000n)
    expect(timestampFromMs(ms, 's')).toBe(1_700_000_000n)
    expect(timestampFromMs(ms, 'h')).toBe(472_222n)
  })

  it('quotes InfluxQL identifiers and strings', () => {
    expect(quoteIdentifier('a "b" \\c')).toBe('"a \\"b\\" \\\\c"')
    expect(quoteString("it's \\ here")).toBe("'it\\'s \\\\ here'")
  })
})

describe("SQuaSH's InfluxDB mapping", () => {
  it('makes one point per package with metric fields, key tags and provenance fields', () => {
    const d = dispatchJob(
      'job1',
      {
        'validate_drp.PA1': 6.1,
        'validate_drp.AM1': 12.3,
        'other.x': NaN,
        'other.y': 1
      },
      {
        time: T0,
        dataset: 'HSC RC2',
        instrument: 'HSC',
        filter: 'HSC-I',
        meta: { env: { ci_id: '42', ci_name: 'validate_drp' } }
      }
    )
    d.provenance.jenkinsBuildUrl = 'https://ci.example.org/job/x/42/'
    d.provenance.gitSha = 'abc123'
    const points = jobPoints(d, 'ms')
    expect(points.map((p) => p.measurement)).toEqual(['validate_drp', 'other'])
    const [drp, other] = points.map(encodePoint)
    expect(drp).toBe(
      'validate_drp,dataset=HSC\\ RC2,filter=HSC-I,instrument=HSC,pipeline=validate_drp,series=main ' +
        'PA1=6.1,AM1=12.3,job_id="job1",run_id="42",run_url="[42](https://ci.example.org/job/x/42/)",' +
        `git_sha="abc123",jenkins_build_url="https://ci.example.org/job/x/42/" ${T0}`
    )
    expect(other).toContain(' y=1,job_id="job1"')
    expect(other).not.toContain('x=')
  })

  it('refuses a metric named like a provenance field', () => {
    const error = thrown(() => jobPoints(dispatchJob('j', { 'pkg.job_id': 1 })))
    expect((error as Error).message).toMatch(
      /pkg\.job_id cannot be stored in InfluxDB/
    )
  })
})
