import { readFileSync } from 'node:fs'
import avsc from 'avsc'
import { InputError } from '../../../src/core/index.js'
import {
  EXTRA_KEYS,
  IDENTIFIER_KEYS,
  avroField,
  checkNamespace,
  prepareJob,
  recordId,
  sasquatchPlan,
  type SasquatchPost
} from '../../../src/metrics/index.js'
import { parseJob } from '../../../src/verify/index.js'
import { dispatchJob } from '../../helpers/metrics.js'
import { SAMPLE_JOB } from '../../helpers/sasquatch.js'
import { thrown } from '../../helpers/thrown.js'

const sample = SAMPLE_JOB

/** Every record of a post, checked by a real Avro implementation. */
function assertValid(post: SasquatchPost): void {
  const type = avsc.Type.forSchema(post.schema)
  for (const record of post.records) {
    const problems: string[] = []
    type.isValid(record, {
      errorHook: (path) => problems.push(path.join('.'))
    })
    expect(problems).toEqual([])
  }
}

describe('Sasquatch records (verify_to_sasquatch through SasquatchDispatcher)', () => {
  const jenkins = {
    BUILD_ID: '812',
    BUILD_URL: 'https://rubin-ci.slac.stanford.edu/job/scipipe/job/ci_hsc/812/',
    PRODUCT: 'ci_hsc',
    refs: 'tickets/DM-1 main'
  }

  it('sends the sample stack job as one topic per metric, package stripped, every record valid Avro', () => {
    const d = prepareJob(
      parseJob(readFileSync(sample, 'utf8'), sample),
      sample,
      undefined,
      { env: jenkins, series: 'main' }
    )
    const plan = sasquatchPlan(d, {
      namespace: 'lsst.verify.drp',
      dataset: 'HSC/RC2/Nightly'
    })
    expect(plan.skipped).toEqual([])
    expect(plan.posts.map((p) => p.topic)).toEqual([
      'lsst.verify.drp.astrom_rms',
      'lsst.verify.drp.phot_rms',
      'lsst.verify.drp.matched_fraction',
      'lsst.verify.drp.n_matched',
      'lsst.verify.drp.run_time'
    ])
    for (const post of plan.posts) assertValid(post)
    const first = plan.posts[0] as SasquatchPost
    expect(first.schema).toMatchObject({
      type: 'record',
      namespace: 'lsst.verify.drp',
      name: 'astrom_rms'
    })
    expect(first.schema.fields.map((f) => f.name)).toEqual([
      'id',
      'run',
      'dataset_type',
      'reference_package',
      'reference_package_version',
      'reference_package_timestamp',
      'run_timestamp',
      'timestamp',
      'dataset_tag',
      ...IDENTIFIER_KEYS,
      ...EXTRA_KEYS,
      'tags',
      'astrom_rms'
    ])
    const record = first.records[0] as Record<string, unknown>
    expect(record).toMatchObject({
      dataset_type: 'metricvalue_skyprobe_astrom_rms',
      dataset_tag: 'HSC/RC2/Nightly',
      instrument: 'SkyprobeCam',
      physical_filter: 'r',
      visit: '',
      ci_id: '812',
      ci_url: jenkins.BUILD_URL,
      ci_name: 'ci_hsc',
      ci_refs: 'tickets/DM-1 main',
      pipeline: 'skyprobe measure /datasets/field_a --output /output',
      tags: [],
      timestamp: d.createdAt / 1000,
      astrom_rms: 8.915512115456771
    })
    expect(record.run).toMatch(/^stackci\/main\/\d{8}T\d{6}Z$/)
    // A replay sends the same record: the id is stable.
    expect(record.id).toBe(recordId(d.id, '1227f49fce4c4744be31075970a1d8fd'))
    expect(record.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    )
  })

  it('gives a non-empty tags list a valid array schema (the dispatcher’s does not parse)', () => {
    const d = dispatchJob('t', { 'validate_drp.PA1': 6.1 })
    d.job.metrics.push({
      name: 'validate_drp.PA1',
      unit: 'mmag',
      tags: ['photometry', 'design']
    })
    const [post] = sasquatchPlan(d, { namespace: 'lsst.verify.drp' }).posts
    expect(post?.records[0]?.tags).toEqual(['photometry', 'design'])
    expect(post?.schema.fields.find((f) => f.name === 'tags')).toEqual({
      name: 'tags',
      type: { type: 'array', items: 'string' },
      default: []
    })
    assertValid(post as SasquatchPost)
    // What the Python dispatcher writes for the same list: not Avro at all.
    expect(
      thrown(() =>
        avsc.Type.forSchema({
          type: 'record',
          name: 'PA1',
          fields: [{ name: 'tags', type: 'array', items: 'string' }]
        } as unknown as avsc.Schema)
      )
    ).toBeInstanceOf(Error)
  })

  it('takes the tags from the metric definitions when the job carries none', () => {
    const d = dispatchJob('d', { 'validate_drp.AM1': 12 })
    const metrics = new Map([['validate_drp.AM1', { tags: ['astrometry'] }]])
    const [post] = sasquatchPlan(d, { namespace: 'lsst.dm', metrics }).posts
    expect(post?.records[0]?.tags).toEqual(['astrometry'])
    assertValid(post as SasquatchPost)
  })

  it('leaves out NaN and infinite measurements, naming them, and sends the rest', () => {
    const d = dispatchJob('n', {
      'validate_drp.PA1': NaN,
      'validate_drp.AM1': 12.5,
      'validate_drp.AM2': Infinity
    })
    const plan = sasquatchPlan(d, { namespace: 'lsst.dm' })
    expect(plan.posts.map((p) => p.topic)).toEqual(['lsst.dm.AM1'])
    expect(plan.skipped).toEqual([
      { metric: 'validate_drp.PA1', identifier: 'n-0', reason: 'NaN' },
      { metric: 'validate_drp.AM2', identifier: 'n-2', reason: 'Infinity' }
    ])
  })

  it('types values as valid Avro: timestamps and numbers double, None a double 0.0 (RFC-763)', () => {
    expect(avroField('run_timestamp', 'x').type).toBe('double')
    expect(avroField('value', null)).toEqual({
      name: 'value',
      type: 'double',
      default: 0.0
    })
    expect(avroField('flag', true).type).toBe('boolean')
    expect(avroField('visit', '101').type).toBe('string')
    for (const value of [null, true, '101', 1.5, [], ['a']]) {
      const field = avroField('f', value)
      const type = avsc.Type.forSchema({
        type: 'record',
        name: 'r',
        fields: [field]
      })
      expect(type.isValid({ f: value === null ? 0.0 : value })).toBe(true)
    }
  })

  it('refuses names Avro or the common fields cannot carry, before anything is sent', () => {
    const bad = thrown(() =>
      sasquatchPlan(dispatchJob('b', { 'pkg.bad-name': 1 }), {
        namespace: 'lsst.dm'
      })
    )
    expect(bad).toBeInstanceOf(InputError)
    expect((bad as InputError).message).toMatch(
      /job b .*pkg\.bad-name.*not a valid Avro name/
    )
    expect(
      (
        thrown(() =>
          sasquatchPlan(dispatchJob('c', { 'pkg.timestamp': 1 }), {
            namespace: 'lsst.dm'
          })
        ) as InputError
      ).message
    ).toMatch(/common record field/)
    expect(
      thrown(() => {
        checkNamespace('lsst.verify-drp')
      })
    ).toBeInstanceOf(InputError)
    expect(() => {
      checkNamespace('lsst.verify.drp')
    }).not.toThrow()
  })
})
