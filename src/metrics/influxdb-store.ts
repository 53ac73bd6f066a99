/**
 * The InfluxDB store, with SQuaSH's mapping (squash-api `transformation.py`):
 * one point per (job, package), the package as the InfluxDB measurement,
 * `<metric>=<value>` fields (NaN left out), dataset/instrument/filter as
 * tags, and the provenance as string fields. We add the history series as a
 * tag, so a baseline is one `WHERE series = 'main'`. A point's time is the
 * job's creation date and its tags are fixed by the job, so re-sending a job
 * overwrites its points instead of adding new ones.
 */

import { InputError, StoreError } from '../core/errors.js'
import { InfluxClient, type InfluxOptions } from './influxdb-client.js'
import {
  encodePoint,
  quoteIdentifier,
  quoteString,
  timestampFromMs,
  type FieldValue,
  type Point,
  type Precision
} from './line-protocol.js'
import { seriesKeyOf, type DispatchJob } from './record.js'
import type {
  HistoryPoint,
  HistoryQuery,
  MetricStore,
  WriteOutcome
} from './store.js'

export interface InfluxStoreOptions extends InfluxOptions {
  /** Create the database on first use (default true). */
  createDatabase?: boolean
  /** Job metadata keys that also become tags (e.g. `tract`, `visit`). */
  tagKeys?: string[]
}

/** String fields every point carries (a metric may not use these names). */
export const PROVENANCE_FIELDS: readonly string[] = [
  'job_id',
  'run_id',
  'run_url',
  'git_sha',
  'image_digest',
  'version_tag',
  'jenkins_build_url',
  'workflow_run_url'
]

function str(value: string | undefined): FieldValue | undefined {
  return value === undefined ? undefined : { kind: 'string', value }
}

/** The points of one job (one per package with at least one value). */
export function jobPoints(
  d: DispatchJob,
  precision: Precision = 'ms',
  tagKeys: readonly string[] = []
): Point[] {
  const p = d.provenance
  const env = (d.job.meta.env ?? {}) as Record<string, unknown>
  const runId = typeof env.ci_id === 'string' ? env.ci_id : undefined
  const runUrl = p.jenkinsBuildUrl ?? p.workflowRunUrl
  const tags: Record<string, string | undefined> = {
    ...seriesKeyOf(p),
    series: d.series,
    pipeline: typeof env.ci_name === 'string' ? env.ci_name : undefined
  }
  for (const key of tagKeys) {
    const v = d.job.meta[key]
    if (typeof v === 'string' || typeof v === 'number') tags[key] = String(v)
  }
  const provenance: Record<string, FieldValue | undefined> = {
    job_id: str(d.id),
    run_id: str(runId),
    // SQuaSH writes run_url as a Markdown link for Chronograf tables.
    run_url: str(
      runUrl === undefined ? undefined : `[${runId ?? d.id}](${runUrl})`
    ),
    git_sha: str(p.gitSha),
    image_digest: str(p.imageDigest),
    version_tag: str(p.releaseTag),
    jenkins_build_url: str(p.jenkinsBuildUrl),
    workflow_run_url: str(p.workflowRunUrl)
  }
  const byPackage = new Map<string, Record<string, FieldValue>>()
  for (const m of d.job.measurements) {
    if (!Number.isFinite(m.value)) continue
    const [pkg = '', name = ''] = m.metric.split('.')
    if (PROVENANCE_FIELDS.includes(name)) {
      throw new InputError(
        `${d.source}: metric ${m.metric} cannot be stored in InfluxDB: ${name} is a provenance field`,
        {
          hint: `rename the metric (reserved: ${PROVENANCE_FIELDS.join(', ')})`
        }
      )
    }
    const fields = byPackage.get(pkg) ?? {}
    fields[name] = { kind: 'float', value: m.value }
    byPackage.set(pkg, fields)
  }
  const time = timestampFromMs(d.createdAt, precision)
  return [...byPackage].map(([pkg, fields]) => ({
    measurement: pkg,
    tags,
    fields: { ...fields, ...provenance },
    time
  }))
}

export class InfluxStore implements MetricStore {
  readonly type = 'influxdb'
  readonly label: string
  readonly client: InfluxClient
  /** Where its points are (undefined: the database's default policy). */
  readonly retentionPolicy: string | undefined
  readonly #o: InfluxStoreOptions
  readonly #encoded = new Map<string, string[]>()

  constructor(options: InfluxStoreOptions) {
    this.#o = options
    this.client = new InfluxClient(options)
    this.retentionPolicy = options.retentionPolicy
    this.label = `influxdb ${this.client.url} db=${options.database}`
  }

  /** Encodes every job now, so a bad tag value fails before anything is sent. */
  prepare(jobs: readonly DispatchJob[]): void {
    for (const d of jobs) {
      try {
        this.#encoded.set(d.id, this.#lines(d))
      } catch (error) {
        if (error instanceof InputError) {
          throw new InputError(`${d.source}: ${error.message}`, {
            where: { file: d.source },
            ...(error.hint === undefined ? {} : { hint: error.hint })
          })
        }
        throw error
      }
    }
  }

  #lines(d: DispatchJob): string[] {
    return jobPoints(d, this.#o.precision ?? 'ms', this.#o.tagKeys).map(
      encodePoint
    )
  }

  preview(d: DispatchJob): unknown {
    return {
      database: this.#o.database,
      lines: this.#encoded.get(d.id) ?? this.#lines(d)
    }
  }

  async write(d: DispatchJob): Promise<WriteOutcome> {
    const lines = this.#encoded.get(d.id) ?? this.#lines(d)
    if (lines.length === 0) return { written: 0, skipped: 0 }
    if (this.#o.createDatabase !== false) await this.client.ensureDatabase()
    await this.client.writeLines(lines)
    return { written: lines.length, skipped: 0 }
  }

  /** The series from `/query`, oldest first. */
  async history(q: HistoryQuery): Promise<HistoryPoint[]> {
    const [pkg = '', field = ''] = q.metric.split('.')
    const rp = this.#o.retentionPolicy
    const from = `${rp === undefined ? '' : `${quoteIdentifier(rp)}.`}${quoteIdentifier(pkg)}`
    const where = [
      `${quoteIdentifier('dataset')} = ${quoteString(q.dataset)}`,
      `${quoteIdentifier('instrument')} = ${quoteString(q.instrument)}`,
      `${quoteIdentifier('filter')} = ${quoteString(q.filter)}`,
      `${quoteIdentifier('series')} = ${quoteString(q.series)}`,
      ...(q.before === undefined ? [] : [`time < ${Math.round(q.before)}ms`])
    ].join(' AND ')
    const limit = q.limit === undefined ? '' : ` LIMIT ${q.limit}`
    let series
    try {
      series = await this.client.query(
        `SELECT ${quoteIdentifier(field)}, "job_id" FROM ${from} WHERE ${where} ORDER BY time DESC${limit}`
      )
    } catch (error) {
      // Before the first write there is no database: no history yet.
      if (
        error instanceof StoreError &&
        /database not found/.test(error.message)
      )
        return []
      throw error
    }
    const out: HistoryPoint[] = []
    for (const s of series) {
      for (const row of s.values) {
        const [time, value, jobId] = row as [number, unknown, unknown]
        if (typeof value !== 'number') continue
        out.push({ time, value, jobId: typeof jobId === 'string' ? jobId : '' })
      }
    }
    return out.sort((a, b) => a.time - b.time)
  }

  async close(): Promise<void> {
    this.#encoded.clear()
    return Promise.resolve()
  }
}
