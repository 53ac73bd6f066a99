/**
 * The Sasquatch store: Rubin's current metric path, a Kafka REST Proxy (v3
 * for the cluster and topics, v2 for Avro records) in front of Kafka and
 * InfluxDB. As analysis_tools' SasquatchDispatcher: `GET /v3/clusters` for
 * the cluster id (cached), `POST /v3/clusters/<id>/topics` once per topic
 * (400: it exists), then `POST /topics/<namespace>.<metric>` with the
 * records and their schema. Unlike it, a 200 is not taken on trust: an
 * offset carrying an `error_code` (50003, the topic is not in the
 * metadata) is a record that was not stored. When some records of a job
 * are stored and others not, only the others are spooled, so a replay
 * sends nothing twice.
 */

import { HttpError, StoreError, errorMessage, toError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { defaultShouldRetry, type RetryDecision } from '../core/retry.js'
import { type Clock } from '../core/clock.js'
import { redactUrl } from '../core/secrets.js'
import {
  httpRequest,
  storeHttpOptions,
  type HttpRequest,
  type HttpResponse
} from './http.js'
import { PartialWriteError } from './influxdb-client.js'
import type { DispatchJob } from './record.js'
import {
  checkNamespace,
  produceBody,
  sasquatchPlan,
  type SasquatchPlan,
  type SasquatchPost,
  type SasquatchTarget
} from './sasquatch-record.js'
import { storeIsDown } from './dispatch.js'
import type { MetricStore, WriteOutcome } from './store.js'

export interface SasquatchStoreOptions extends SasquatchTarget {
  /** The REST proxy, e.g. `https://usdf-rsp-dev.slac.stanford.edu/sasquatch-rest-proxy`. */
  url: string
  /** An RSP token with `write:sasquatch`, sent as `Bearer`. */
  token?: string
  timeoutMs?: number
  retries?: number
  minDelayMs?: number
  clock?: Clock
  reporter: Reporter
}

/** What the proxy answers to a produce request. */
interface ProduceResponse {
  value_schema_id?: number | null
  offsets?: {
    partition?: number | null
    offset?: number | null
    error_code?: number | null
    error?: string | null
  }[]
}

const PRODUCE_TYPE = 'application/vnd.kafka.avro.v2+json'
const V2_ACCEPT = 'application/vnd.kafka.v2+json'
const PARTITIONS = 1
const REPLICATION_FACTOR = 3

/**
 * Some records of a job were stored, others not (or none were, for a
 * reason of the records' own): `remaining` is the job cut down to the
 * measurements still to send, which is what the spool keeps.
 */
export class SasquatchWriteError extends PartialWriteError {
  constructor(
    message: string,
    readonly stored: number,
    readonly remaining: DispatchJob,
    options: ConstructorParameters<typeof StoreError>[1]
  ) {
    super(message, remaining.job.measurements.length, options)
  }
}

/** 5xx (the proxy's broker timeouts) and the usual transient faults. */
export function sasquatchShouldRetry(error: unknown): RetryDecision {
  if (error instanceof HttpError && (error.status ?? 0) >= 500) return true
  return defaultShouldRetry(error)
}

export class SasquatchStore implements MetricStore {
  readonly type = 'sasquatch'
  readonly label: string
  readonly #o: SasquatchStoreOptions
  readonly #root: string
  readonly #topics = new Set<string>()
  #clusterId: string | undefined

  constructor(options: SasquatchStoreOptions) {
    checkNamespace(options.namespace)
    if (options.token !== undefined) options.reporter.mask(options.token)
    this.#o = options
    this.#root = options.url.replace(/\/+$/, '')
    this.label = `sasquatch ${redactUrl(this.#root)} ${options.namespace}`
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    const token = this.#o.token
    return token === undefined
      ? extra
      : { ...extra, authorization: `Bearer ${token}` }
  }

  /** One call; a refused token gets a hint naming what is needed. */
  async #request(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await httpRequest(
        storeHttpOptions('Sasquatch', this.#o, sasquatchShouldRetry, 90_000),
        request
      )
    } catch (error) {
      const status = error instanceof HttpError ? error.status : undefined
      if (status !== 401 && status !== 403) throw error
      throw new HttpError((error as HttpError).message, {
        status,
        ...((error as HttpError).where === undefined
          ? {}
          : { where: (error as HttpError).where }),
        hint: 'Sasquatch wants an RSP token with the write:sasquatch scope, sent as Bearer: set SASQUATCH_TOKEN (or the variable named by metrics.stores.sasquatch.token-env)',
        cause: error
      })
    }
  }

  #plan(d: DispatchJob): SasquatchPlan {
    return sasquatchPlan(d, this.#o)
  }

  prepare(jobs: readonly DispatchJob[]): void {
    for (const d of jobs) this.#plan(d)
  }

  preview(d: DispatchJob): unknown {
    const plan = this.#plan(d)
    return {
      url: redactUrl(this.#root),
      posts: plan.posts.map((p) => ({
        url: `${redactUrl(this.#root)}/topics/${p.topic}`,
        body: JSON.parse(produceBody(p)) as unknown
      })),
      skipped: plan.skipped
    }
  }

  async #cluster(): Promise<string> {
    if (this.#clusterId !== undefined) return this.#clusterId
    const r = await this.#request({
      method: 'GET',
      url: `${this.#root}/v3/clusters`,
      headers: this.#headers({ accept: 'application/json' }),
      what: 'cluster list'
    })
    let id: unknown
    try {
      id = (JSON.parse(r.text) as { data?: { cluster_id?: unknown }[] })
        .data?.[0]?.cluster_id
    } catch {
      id = undefined
    }
    if (typeof id !== 'string' || id === '') {
      throw new StoreError(
        `${redactUrl(this.#root)}/v3/clusters lists no Kafka cluster`,
        {
          where: { url: `${redactUrl(this.#root)}/v3/clusters` },
          hint: 'the URL must be the Kafka REST proxy root, e.g. https://usdf-rsp-dev.slac.stanford.edu/sasquatch-rest-proxy'
        }
      )
    }
    this.#clusterId = id
    return id
  }

  async #ensureTopic(topic: string): Promise<void> {
    if (this.#topics.has(topic)) return
    const cluster = await this.#cluster()
    const r = await this.#request({
      method: 'POST',
      url: `${this.#root}/v3/clusters/${encodeURIComponent(cluster)}/topics`,
      headers: this.#headers({
        'content-type': 'application/json',
        accept: 'application/json'
      }),
      body: JSON.stringify({
        topic_name: topic,
        partitions_count: PARTITIONS,
        replication_factor: REPLICATION_FACTOR
      }),
      // 400 (error_code 40002): the topic exists, which is what we want.
      ok: [200, 201, 400],
      what: `creation of topic ${topic}`
    })
    if (r.status === 400)
      this.#o.reporter.debug(`Sasquatch topic ${topic} already exists`)
    this.#topics.add(topic)
  }

  /** Sends one post; returns the indexes of the records not stored. */
  async #produce(
    post: SasquatchPost
  ): Promise<{ failed: number[]; reasons: string[] }> {
    await this.#ensureTopic(post.topic)
    const r = await this.#request({
      method: 'POST',
      url: `${this.#root}/topics/${encodeURIComponent(post.topic)}`,
      headers: this.#headers({
        'content-type': PRODUCE_TYPE,
        accept: V2_ACCEPT
      }),
      body: produceBody(post),
      ok: [200],
      what: `${post.records.length} record(s) to ${post.topic}`
    })
    let body: ProduceResponse
    try {
      body = JSON.parse(r.text) as ProduceResponse
    } catch {
      body = {}
    }
    const offsets = Array.isArray(body.offsets) ? body.offsets : []
    const failed: number[] = []
    const reasons = new Set<string>()
    post.records.forEach((_r, i) => {
      const o = offsets[i]
      if (o === undefined) {
        failed.push(i)
        reasons.add('no offset in the answer')
      } else if (o.error_code !== null && o.error_code !== undefined) {
        failed.push(i)
        reasons.add(`error_code ${o.error_code}: ${o.error ?? ''}`.trim())
      }
    })
    return { failed, reasons: [...reasons] }
  }

  async write(d: DispatchJob): Promise<WriteOutcome> {
    const plan = this.#plan(d)
    if (plan.skipped.length > 0) {
      this.#o.reporter.warning(
        `${this.label}: job ${d.id} (${d.source}): ${plan.skipped.length} measurement(s) without a finite value not sent (Sasquatch cannot store NaN): ${plan.skipped.map((s) => `${s.metric} (${s.reason})`).join(', ')}`
      )
    }
    let stored = 0
    const unsent = new Set<string>()
    const problems: { topic: string; message: string }[] = []
    let fatal: Error | undefined
    for (const post of plan.posts) {
      if (fatal !== undefined) {
        for (const id of post.identifiers) unsent.add(id)
        continue
      }
      try {
        const { failed, reasons } = await this.#produce(post)
        stored += post.records.length - failed.length
        for (const i of failed) unsent.add(post.identifiers[i] ?? '')
        if (failed.length > 0)
          problems.push({
            topic: post.topic,
            message: `${failed.length} of ${post.records.length} record(s) refused (${reasons.join('; ')})`
          })
      } catch (error) {
        for (const id of post.identifiers) unsent.add(id)
        problems.push({ topic: post.topic, message: errorMessage(error) })
        // The proxy is gone: the other topics would only fail the same way.
        if (storeIsDown(error)) fatal = toError(error)
      }
    }
    const skipped =
      plan.skipped.length === 0
        ? ''
        : `; ${plan.skipped.length} without a value not sent`
    if (unsent.size === 0) {
      return {
        written: stored,
        skipped: 0,
        detail: `${stored} record(s) to ${plan.posts.length} topic(s)${skipped}`
      }
    }
    // Nothing stored and the proxy is down: the whole job waits, and the
    // dispatch sends the next jobs straight to the spool.
    if (stored === 0 && fatal !== undefined) throw fatal
    const remaining: DispatchJob = {
      ...d,
      job: {
        ...d.job,
        measurements: d.job.measurements.filter((m) => unsent.has(m.identifier))
      }
    }
    const what =
      stored === 0
        ? `none of the ${unsent.size} record(s) of job ${d.id} (${d.source}) was stored`
        : `${stored} record(s) of job ${d.id} (${d.source}) stored, ${unsent.size} not`
    throw new SasquatchWriteError(
      `Sasquatch: ${what}: ${problems.map((p) => `${p.topic}: ${p.message.split('\n')[0] ?? ''}`).join('; ')}`,
      stored,
      remaining,
      {
        where: { url: redactUrl(this.#root) },
        hint: 'the records not stored are kept in the spool; send them again with stackci metrics replay once the proxy is healthy (50003: the topic is missing from Kafka)'
      }
    )
  }

  async close(): Promise<void> {
    return Promise.resolve()
  }
}
