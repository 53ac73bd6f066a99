/**
 * A Kafka REST Proxy emulator as Sasquatch runs it (Confluent kafka-rest
 * 7.x behind Gafaelfawr), written from ../shared/research/lsst.md §6:
 *
 * - v3: `GET /v3/clusters` (one cluster), `GET|POST /v3/clusters/<id>/topics`
 *   (201 + Location; 400/40002 when the topic exists), `GET …/topics/<name>`;
 * - v2: `POST /topics/<name>` with `application/vnd.kafka.avro.v2+json`
 *   (else 415), `{value_schema | value_schema_id, records: [{value}]}`.
 *   The schema is parsed and registered with a real Avro library (avsc):
 *   one that does not parse is 422/42205, values without a schema 422/42202,
 *   a record that does not match its schema 400 and nothing is stored; a
 *   field not in the schema is dropped, defaults are not filled in; NaN in
 *   the body is a JSON error (400). A topic that does not exist answers 200
 *   with every offset carrying `error_code` 50003, as 7.8.1 does;
 * - a bearer token checked in front of it all, failing as the ingress does
 *   (401, an HTML page, `WWW-Authenticate: Bearer`).
 *
 * Faults (5xx, resets, 429) come from {@link HttpEmulator.fault}.
 */

import type avsc from 'avsc'
import {
  HttpEmulator,
  route,
  credential,
  jsonBody,
  type LoggedRequest,
  type Reply,
  type Route
} from '../http-emulator.js'
import { SchemaRegistry, recordProblems } from './registry.js'
import {
  clusterDoc,
  topicDoc,
  type KafkaTopic,
  type StoredRecord
} from './v3.js'

export type { KafkaTopic, StoredRecord } from './v3.js'

export interface KafkaRestEmulatorOptions {
  /** The bearer token the ingress wants (default: none needed). */
  token?: string
  clusterId?: string
  /** Brokers (replication_factor may not exceed it; default 3). */
  brokers?: number
}

const V2 = 'application/vnd.kafka.v2+json'
const AVRO_V2 = 'application/vnd.kafka.avro.v2+json'

const v2 = (status: number, body: unknown): Reply => ({
  status,
  headers: { 'content-type': V2 },
  body
})

const v3Error = (status: number, code: number, message: string): Reply => ({
  status,
  body: { error_code: code, message }
})

export class KafkaRestEmulator extends HttpEmulator {
  readonly topics = new Map<string, KafkaTopic>()
  readonly registry = new SchemaRegistry()
  readonly clusterId: string
  readonly #token: string | undefined
  readonly #brokers: number

  constructor(options: KafkaRestEmulatorOptions = {}) {
    super()
    this.#token = options.token
    this.clusterId = options.clusterId ?? 'sasquatch-kafka-emulated'
    this.#brokers = options.brokers ?? 3
  }

  /** The values stored in a topic, in offset order. */
  values(topic: string): Record<string, unknown>[] {
    return (this.topics.get(topic)?.records ?? []).map((r) => r.value)
  }

  /** Every stored record, with its topic. */
  all(): (StoredRecord & { topic: string })[] {
    return [...this.topics.values()].flatMap((t) =>
      t.records.map((r) => ({ ...r, topic: t.name }))
    )
  }

  /** Deletes a topic (as an operator would): its produce answers 50003. */
  deleteTopic(name: string): void {
    this.topics.delete(name)
  }

  protected routes(): Route[] {
    const r = route
    const cluster = '/v3/clusters/(?<cluster>[^/]+)'
    return [
      r('clusters', 'GET', '/v3/clusters', (q) =>
        this.#guard(q, () => ({
          status: 200,
          body: {
            kind: 'KafkaClusterList',
            metadata: { self: `${this.url}/v3/clusters`, next: null },
            data: [clusterDoc(this.#base(), this.clusterId)]
          }
        }))
      ),
      r('cluster', 'GET', cluster, (q, p) =>
        this.#guard(q, () =>
          this.#inCluster(p, () => clusterDoc(this.#base(), this.clusterId))
        )
      ),
      r('list-topics', 'GET', `${cluster}/topics`, (q, p) =>
        this.#guard(q, () =>
          this.#inCluster(p, () => ({
            kind: 'KafkaTopicList',
            metadata: { self: `${this.#base()}/topics`, next: null },
            data: [...this.topics.values()].map((t) =>
              topicDoc(this.#base(), this.clusterId, t)
            )
          }))
        )
      ),
      r('create-topic', 'POST', `${cluster}/topics`, (q, p) =>
        this.#guard(q, () => this.#createTopic(q, p))
      ),
      r('get-topic', 'GET', `${cluster}/topics/(?<topic>[^/]+)`, (q, p) =>
        this.#guard(q, () => {
          const t = this.topics.get(decodeURIComponent(p.topic ?? ''))
          if (t === undefined)
            return v3Error(
              404,
              40403,
              'This server does not host this topic-partition.'
            )
          return this.#inCluster(p, () =>
            topicDoc(this.#base(), this.clusterId, t)
          )
        })
      ),
      r('v2-topics', 'GET', '/topics', (q) =>
        this.#guard(q, () => v2(200, [...this.topics.keys()].sort()))
      ),
      r('produce', 'POST', '/topics/(?<topic>[^/]+)', (q, p) =>
        this.#guard(q, () =>
          this.#produce(q, decodeURIComponent(p.topic ?? ''))
        )
      )
    ]
  }

  protected notFound(_req: LoggedRequest): Reply {
    return v3Error(404, 404, 'HTTP 404 Not Found')
  }

  /** Gafaelfawr in front of the proxy: its 401 is HTML, not proxy JSON. */
  #guard(req: LoggedRequest, handle: () => Reply): Reply {
    if (this.#token === undefined || credential(req) === this.#token)
      return handle()
    return {
      status: 401,
      headers: {
        'content-type': 'text/html',
        'www-authenticate': `Bearer realm="${this.url}", error="invalid_token"`
      },
      body: '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
    }
  }

  #base(): string {
    return `${this.url}/v3/clusters/${this.clusterId}`
  }

  #inCluster(p: Record<string, string>, body: () => unknown): Reply {
    if (p.cluster !== this.clusterId)
      return v3Error(404, 404, `Cluster ${p.cluster ?? ''} cannot be found.`)
    return { status: 200, body: body() }
  }

  #createTopic(req: LoggedRequest, p: Record<string, string>): Reply {
    if (p.cluster !== this.clusterId)
      return v3Error(404, 404, `Cluster ${p.cluster ?? ''} cannot be found.`)
    const body = jsonBody(req) as Record<string, unknown> | undefined
    const name = body?.topic_name
    if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,249}$/.test(name))
      return v3Error(400, 400, 'Topic name is invalid or missing.')
    if (this.topics.has(name))
      return v3Error(400, 40002, `Topic '${name}' already exists.`)
    const partitions =
      typeof body?.partitions_count === 'number' ? body.partitions_count : 1
    const replication =
      typeof body?.replication_factor === 'number' ? body.replication_factor : 1
    if (replication > this.#brokers)
      return v3Error(
        400,
        40002,
        `Replication factor: ${replication} larger than available brokers: ${this.#brokers}.`
      )
    const t: KafkaTopic = {
      name,
      partitions,
      replicationFactor: replication,
      records: []
    }
    this.topics.set(name, t)
    return {
      status: 201,
      headers: { location: `${this.#base()}/topics/${name}` },
      body: topicDoc(this.#base(), this.clusterId, t)
    }
  }

  #produce(req: LoggedRequest, topic: string): Reply {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim()
    if (type !== AVRO_V2)
      return v2(415, {
        error_code: 415,
        message: 'HTTP 415 Unsupported Media Type'
      })
    let body: unknown
    try {
      body = JSON.parse(req.body)
    } catch (error) {
      return v2(400, {
        error_code: 400,
        message: `Bad Request: ${error instanceof Error ? error.message : String(error)}`
      })
    }
    const doc = (body ?? {}) as {
      value_schema?: unknown
      value_schema_id?: unknown
      records?: unknown
    }
    if (!Array.isArray(doc.records))
      return v2(422, { error_code: 422, message: 'records may not be empty' })
    const records = doc.records as { value?: unknown }[]
    let schemaId: number
    if (typeof doc.value_schema === 'string') {
      try {
        schemaId = this.registry.register(`${topic}-value`, doc.value_schema)
      } catch (error) {
        return v2(422, {
          error_code: 42205,
          message: `Invalid schema: ${error instanceof Error ? error.message : String(error)}`
        })
      }
    } else if (typeof doc.value_schema_id === 'number') {
      if (!this.registry.schemas.has(doc.value_schema_id))
        return v2(404, { error_code: 40403, message: 'Schema not found' })
      schemaId = doc.value_schema_id
    } else {
      return v2(422, {
        error_code: 42202,
        message: 'Request includes values but does not include value schema'
      })
    }
    const schema = this.registry.schemas.get(schemaId) as avsc.Type
    // Every record is checked before any is stored: one bad record, none stored.
    const values: Record<string, unknown>[] = []
    for (const [i, record] of records.entries()) {
      const problems = recordProblems(schema, record.value)
      if (problems.length > 0)
        return v2(400, {
          error_code: 400,
          message: `Bad Request: Conversion of JSON to Avro failed for record ${i}: ${problems.join('; ')}`
        })
      // Fields outside the schema are dropped; the clone keeps only its own.
      values.push(schema.clone(record.value) as Record<string, unknown>)
    }
    const t = this.topics.get(topic)
    if (t === undefined) {
      return v2(200, {
        key_schema_id: null,
        value_schema_id: schemaId,
        offsets: records.map(() => ({
          partition: null,
          offset: null,
          error_code: 50003,
          error: `Topic ${topic} not present in metadata after 60000 ms.`
        }))
      })
    }
    const offsets = values.map((value) => {
      const offset = t.records.length
      t.records.push({ partition: 0, offset, valueSchemaId: schemaId, value })
      return { partition: 0, offset, error_code: null, error: null }
    })
    return v2(200, { key_schema_id: null, value_schema_id: schemaId, offsets })
  }
}
