import { KafkaRestEmulator } from '../../emulators/kafka-rest/server.js'

const AVRO = 'application/vnd.kafka.avro.v2+json'
const TOKEN = 'gt-sasquatch-emulator-token'

const schema = JSON.stringify({
  type: 'record',
  namespace: 'lsst.debug',
  name: 'PA1',
  fields: [
    { name: 'id', type: 'string', default: '' },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'timestamp', type: 'double', default: 0.0 },
    { name: 'PA1', type: 'double', default: 0.0 }
  ]
})

const record = (
  over: Record<string, unknown> = {}
): Record<string, unknown> => ({
  id: 'a',
  tags: ['photometry'],
  timestamp: 1764547200.5,
  PA1: 6.1,
  ...over
})

describe('the Kafka REST proxy emulator (kafka-rest 7.x as Sasquatch runs it)', () => {
  let proxy: KafkaRestEmulator
  beforeEach(async () => {
    proxy = new KafkaRestEmulator({ token: TOKEN })
    await proxy.start()
  })
  afterEach(async () => {
    await proxy.stop()
  })

  const call = async (
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {}
  ): Promise<{ status: number; json: unknown; headers: Headers }> => {
    const r = await fetch(`${proxy.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        ...headers
      },
      ...(body === undefined ? {} : { body })
    })
    const text = await r.text()
    let json: unknown = text
    try {
      json = JSON.parse(text)
    } catch {
      // HTML from the ingress
    }
    return { status: r.status, json, headers: r.headers }
  }
  const produce = async (
    topic: string,
    body: unknown,
    type = AVRO
  ): Promise<{ status: number; json: unknown }> =>
    call(
      'POST',
      `/topics/${topic}`,
      typeof body === 'string' ? body : JSON.stringify(body),
      { 'content-type': type, accept: 'application/vnd.kafka.v2+json' }
    )
  const createTopic = async (
    name: string
  ): Promise<{ status: number; json: unknown; headers: Headers }> =>
    call(
      'POST',
      `/v3/clusters/${proxy.clusterId}/topics`,
      JSON.stringify({
        topic_name: name,
        partitions_count: 1,
        replication_factor: 3
      })
    )

  it('lists its cluster, creates a topic (201 + Location), then 400/40002 for the same topic', async () => {
    const clusters = await call('GET', '/v3/clusters')
    expect(clusters.status).toBe(200)
    expect(clusters.json).toMatchObject({
      kind: 'KafkaClusterList',
      data: [{ kind: 'KafkaCluster', cluster_id: proxy.clusterId }]
    })
    const created = await createTopic('lsst.debug.PA1')
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe(
      `${proxy.url}/v3/clusters/${proxy.clusterId}/topics/lsst.debug.PA1`
    )
    expect(created.json).toMatchObject({
      kind: 'KafkaTopic',
      topic_name: 'lsst.debug.PA1',
      partitions_count: 1,
      replication_factor: 3
    })
    const again = await createTopic('lsst.debug.PA1')
    expect(again.status).toBe(400)
    expect(again.json).toEqual({
      error_code: 40002,
      message: "Topic 'lsst.debug.PA1' already exists."
    })
    expect(
      (await call('GET', `/v3/clusters/nope/topics/lsst.debug.PA1`)).status
    ).toBe(404)
  })

  it('stores valid records, dropping fields outside the schema, and answers with offsets', async () => {
    await createTopic('lsst.debug.PA1')
    const r = await produce('lsst.debug.PA1', {
      value_schema: schema,
      records: [
        { value: record({ extra: 'dropped' }) },
        { value: record({ id: 'b' }) }
      ]
    })
    expect(r).toEqual({
      status: 200,
      json: {
        key_schema_id: null,
        value_schema_id: 1,
        offsets: [
          { partition: 0, offset: 0, error_code: null, error: null },
          { partition: 0, offset: 1, error_code: null, error: null }
        ]
      },
      headers: expect.anything() as unknown
    })
    expect(proxy.values('lsst.debug.PA1')).toEqual([
      record(),
      record({ id: 'b' })
    ])
    // The same schema again: the same id; by id alone, too.
    const byId = await produce('lsst.debug.PA1', {
      value_schema_id: 1,
      records: [{ value: record({ id: 'c' }) }]
    })
    expect((byId.json as { value_schema_id: number }).value_schema_id).toBe(1)
    expect(proxy.registry.subjects.get('lsst.debug.PA1-value')).toEqual([1])
  })

  it('refuses what kafka-rest refuses: bad schema 42205, no schema 42202, bad record 400, NaN 400, wrong type 415', async () => {
    await createTopic('lsst.debug.PA1')
    const pythonTags = await produce('lsst.debug.PA1', {
      value_schema: JSON.stringify({
        type: 'record',
        name: 'PA1',
        fields: [{ name: 'tags', type: 'array', items: 'string' }]
      }),
      records: [{ value: { tags: ['a'] } }]
    })
    expect(pythonTags.status).toBe(422)
    expect(pythonTags.json).toMatchObject({ error_code: 42205 })
    const noSchema = await produce('lsst.debug.PA1', {
      records: [{ value: record() }]
    })
    expect(noSchema).toMatchObject({
      status: 422,
      json: { error_code: 42202 }
    })
    // One bad record (a missing field, even with a default): none stored.
    const { PA1: _dropped, ...missing } = record()
    const bad = await produce('lsst.debug.PA1', {
      value_schema: schema,
      records: [{ value: record() }, { value: missing }]
    })
    expect(bad.status).toBe(400)
    expect(bad.json).toMatchObject({ error_code: 400 })
    expect((bad.json as { message: string }).message).toMatch(
      /^Bad Request: .*record 1: PA1/
    )
    const wrongType = await produce('lsst.debug.PA1', {
      value_schema: schema,
      records: [{ value: record({ tags: 'photometry' }) }]
    })
    expect(wrongType.status).toBe(400)
    const nan = await produce(
      'lsst.debug.PA1',
      `{"value_schema": ${JSON.stringify(schema)}, "records": [{"value": {"id": "a", "tags": [], "timestamp": 1, "PA1": NaN}}]}`
    )
    expect(nan.status).toBe(400)
    expect(proxy.values('lsst.debug.PA1')).toEqual([])
    const json = await produce(
      'lsst.debug.PA1',
      { records: [{ value: record() }] },
      'application/json'
    )
    expect(json).toMatchObject({ status: 415, json: { error_code: 415 } })
  })

  it('answers 200 with error_code 50003 on every offset for a topic that does not exist', async () => {
    const r = await produce('lsst.debug.missing', {
      value_schema: schema,
      records: [{ value: record() }]
    })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({
      value_schema_id: 1,
      offsets: [
        {
          partition: null,
          offset: null,
          error_code: 50003,
          error:
            'Topic lsst.debug.missing not present in metadata after 60000 ms.'
        }
      ]
    })
    expect(proxy.all()).toEqual([])
  })

  it('guards everything as the ingress does: 401, HTML, WWW-Authenticate: Bearer', async () => {
    const r = await fetch(`${proxy.url}/v3/clusters`, {
      headers: { authorization: 'Bearer wrong' }
    })
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /)
    expect(await r.text()).toContain('401 Authorization Required')
    expect((await fetch(`${proxy.url}/topics`)).status).toBe(401)
  })

  it('injects the faults real proxies produce: 5xx, 429 with Retry-After, a reset connection', async () => {
    proxy.fault({ match: 'clusters', kind: 'status', status: 503, times: 1 })
    expect((await call('GET', '/v3/clusters')).status).toBe(503)
    proxy.fault({
      match: 'clusters',
      kind: 'ratelimit',
      retryAfter: 2,
      times: 1
    })
    const limited = await call('GET', '/v3/clusters')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('2')
    proxy.fault({ match: 'clusters', kind: 'drop', times: 1 })
    await expect(call('GET', '/v3/clusters')).rejects.toThrow()
    expect((await call('GET', '/v3/clusters')).status).toBe(200)
  })
})
