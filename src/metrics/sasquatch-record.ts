/**
 * What a verify job becomes in Sasquatch, as `verify_to_sasquatch.py` sends
 * it through analysis_tools' `SasquatchDispatcher`: one Kafka topic per
 * metric (`<namespace>.<metric>`, the package stripped from the name), one
 * Avro record per measurement carrying the common fields (id, run,
 * dataset_type, reference package, timestamps, dataset_tag, the data ID
 * dimensions, the CI extras, tags) and `<metric>: value`, and a record
 * schema inferred from the record. Two of the dispatcher's habits are not
 * copied: a non-empty `tags` list gets a valid array schema (its
 * `{"type": "array"}` field does not parse, so the proxy refuses the whole
 * metric), and ids are stable (a replay sends the same record, not a new
 * uuid4).
 */

import { InputError } from '../core/errors.js'
import { nodeCrypto } from '../core/builtins.js'
import { STACKCI_META } from '../core/provenance.js'
import type { DispatchJob } from './record.js'

/** The dimensions the dispatcher always sends (`""` when absent). */
export const IDENTIFIER_KEYS = [
  'detector',
  'patch',
  'skymap',
  'visit',
  'tract',
  'physical_filter',
  'instrument',
  'band',
  'exposure',
  'group',
  'day_obs'
] as const

/** The extras Rubin's Jenkins adds (`--extra ci_id=… … pipeline=…`). */
export const EXTRA_KEYS = [
  'ci_id',
  'ci_url',
  'ci_name',
  'ci_refs',
  'pipeline'
] as const

/** A record value: what the Avro JSON encoding of our schemas can carry. */
export type SasquatchValue = string | number | boolean | null | string[]

export type SasquatchRecord = Record<string, SasquatchValue>

/** An Avro field schema (the subset the records need). */
export interface AvroField {
  name: string
  type: string | { type: 'array'; items: string }
  default: SasquatchValue
}

export interface AvroRecordSchema {
  type: 'record'
  namespace: string
  name: string
  fields: AvroField[]
}

/** One `POST /topics/<topic>`: the records of one metric sharing a schema. */
export interface SasquatchPost {
  topic: string
  /** The metric name without its package (`PA1`). */
  metric: string
  schema: AvroRecordSchema
  records: SasquatchRecord[]
  /** The measurement identifier behind each record, in order. */
  identifiers: string[]
}

/** A measurement that is not sent (NaN, ±Infinity: no value to store). */
export interface SkippedMeasurement {
  metric: string
  identifier: string
  reason: string
}

export interface SasquatchPlan {
  posts: SasquatchPost[]
  skipped: SkippedMeasurement[]
}

export interface SasquatchTarget {
  namespace: string
  /** Metric definitions by full name: their tags, when a job carries none. */
  metrics?: ReadonlyMap<string, { tags: readonly string[] }>
  /** `dataset_tag` (`--dataset` of verify_to_sasquatch); default: the provenance's dataset, else `Generic`. */
  dataset?: string
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const FIXED_FIELDS = new Set<string>([
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
  'tags'
])

/** Throws unless `namespace` is a valid Avro namespace (`lsst.verify.drp`). */
export function checkNamespace(namespace: string): void {
  if (!namespace.split('.').every((part) => AVRO_NAME.test(part))) {
    throw new InputError(
      `the Sasquatch namespace ${JSON.stringify(namespace)} is not a valid Avro namespace`,
      {
        hint: 'use dot-separated names of letters, digits and _, like lsst.verify.drp'
      }
    )
  }
}

/**
 * The Avro type of a value, as the dispatcher infers it, made valid: any
 * field named `*timestamp*` is a double (Unix seconds); numbers are doubles;
 * `null` is a double holding 0.0 (RFC-763); a list is an array of strings.
 */
export function avroField(name: string, value: SasquatchValue): AvroField {
  if (name.includes('timestamp') || value === null || typeof value === 'number')
    return { name, type: 'double', default: 0.0 }
  if (typeof value === 'boolean')
    return { name, type: 'boolean', default: false }
  if (Array.isArray(value))
    return { name, type: { type: 'array', items: 'string' }, default: [] }
  return { name, type: 'string', default: '' }
}

/** The record schema inferred from one record. */
export function inferSchema(
  namespace: string,
  metric: string,
  record: SasquatchRecord
): AvroRecordSchema {
  return {
    type: 'record',
    namespace,
    name: metric,
    fields: Object.entries(record).map(([k, v]) => avroField(k, v))
  }
}

/** A stable UUID (RFC 9562 version 8) from the job id and the measurement. */
export function recordId(jobId: string, identifier: string): string {
  const h = nodeCrypto()
    .createHash('sha256')
    .update(`${jobId}\0${identifier}`)
    .digest('hex')
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** `20260101T000000Z`: a Butler run's timestamp suffix. */
function runStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== ''
    ? v
    : typeof v === 'number' && Number.isFinite(v)
      ? String(v)
      : undefined

/** The fields every record of a job carries, in the dispatcher's order. */
export function commonFields(
  d: DispatchJob,
  target: SasquatchTarget
): SasquatchRecord {
  const meta = d.job.meta
  const env = (
    typeof meta.env === 'object' && meta.env !== null ? meta.env : {}
  ) as Record<string, unknown>
  const p = d.provenance
  const seconds = d.createdAt / 1000
  const out: SasquatchRecord = {
    run: `stackci/${d.series}/${runStamp(d.createdAt)}`,
    reference_package: '',
    reference_package_version: '',
    reference_package_timestamp: 0.0,
    run_timestamp: seconds,
    timestamp: seconds,
    dataset_tag: target.dataset ?? p.dataset ?? 'Generic'
  }
  const dimension: Record<string, string | undefined> = {
    instrument: p.instrument ?? text(meta.instrument),
    physical_filter:
      text(meta.physical_filter) ?? p.filter ?? text(meta.filter_name),
    band: text(meta.band)
  }
  for (const key of IDENTIFIER_KEYS)
    out[key] = dimension[key] ?? text(meta[key]) ?? ''
  const extra: Record<(typeof EXTRA_KEYS)[number], string | undefined> = {
    ci_id: text(env.ci_id),
    ci_url: text(env.ci_url) ?? p.jenkinsBuildUrl ?? p.workflowRunUrl,
    ci_name: text(env.ci_name),
    ci_refs: text(env.ci_refs),
    pipeline: text(meta.pipeline) ?? text(meta[STACKCI_META.command])
  }
  for (const key of EXTRA_KEYS) out[key] = extra[key] ?? ''
  return out
}

/** The tags of each metric: those the job carries, else its definition's. */
function metricTags(
  d: DispatchJob,
  target: SasquatchTarget
): Map<string, string[]> {
  const tags = new Map<string, string[]>()
  for (const [name, m] of target.metrics ?? []) tags.set(name, [...m.tags])
  for (const m of d.job.metrics) {
    const list = Array.isArray(m.tags) ? m.tags : []
    if (typeof m.name === 'string')
      tags.set(
        m.name,
        list.filter((t): t is string => typeof t === 'string')
      )
  }
  return tags
}

/**
 * The posts a job becomes (one per metric and schema), and the measurements
 * left out. Throws an InputError naming the job and the metric when a name
 * cannot be an Avro field.
 */
export function sasquatchPlan(
  d: DispatchJob,
  target: SasquatchTarget
): SasquatchPlan {
  const common = commonFields(d, target)
  const tags = metricTags(d, target)
  const posts = new Map<string, SasquatchPost>()
  const skipped: SkippedMeasurement[] = []
  for (const m of d.job.measurements) {
    const metric = m.metric.slice(m.metric.indexOf('.') + 1)
    if (!AVRO_NAME.test(metric) || FIXED_FIELDS.has(metric)) {
      throw new InputError(
        `job ${d.id} (${d.source}): metric ${m.metric} cannot be sent to Sasquatch: ${metric} ${FIXED_FIELDS.has(metric) ? 'is the name of a common record field' : 'is not a valid Avro name'}`,
        {
          where: { file: d.source },
          hint: 'metric names are sent without their package and must be letters, digits and _'
        }
      )
    }
    if (!Number.isFinite(m.value)) {
      skipped.push({
        metric: m.metric,
        identifier: m.identifier,
        reason: Number.isNaN(m.value) ? 'NaN' : String(m.value)
      })
      continue
    }
    const record: SasquatchRecord = {
      id: recordId(d.id, m.identifier),
      ...common,
      dataset_type: `metricvalue_${m.metric.replace('.', '_')}`,
      tags: tags.get(m.metric) ?? [],
      [metric]: m.value
    }
    // The dispatcher's field order: id, run, dataset_type, then the rest.
    const ordered: SasquatchRecord = {
      id: record.id as string,
      run: record.run as string,
      dataset_type: record.dataset_type as string,
      ...record
    }
    const schema = inferSchema(target.namespace, metric, ordered)
    const key = `${metric}\0${JSON.stringify(schema)}`
    let post = posts.get(key)
    if (post === undefined) {
      post = {
        topic: `${target.namespace}.${metric}`,
        metric,
        schema,
        records: [],
        identifiers: []
      }
      posts.set(key, post)
    }
    post.records.push(ordered)
    post.identifiers.push(m.identifier)
  }
  return { posts: [...posts.values()], skipped }
}

/** The body of a `POST /topics/<topic>` (Kafka REST Proxy v2, Avro). */
export function produceBody(post: SasquatchPost): string {
  return JSON.stringify({
    value_schema: JSON.stringify(post.schema),
    records: post.records.map((value) => ({ value }))
  })
}
