/**
 * The documents of the Kafka REST proxy's v3 API (cluster, topic) as
 * kafka-rest 7.x writes them: `kind`, `metadata.self` and
 * `metadata.resource_name`, and `related` links to the sub-resources.
 */

export interface StoredRecord {
  partition: number
  offset: number
  valueSchemaId: number
  /** The value as stored: only the schema's fields. */
  value: Record<string, unknown>
}

export interface KafkaTopic {
  name: string
  partitions: number
  replicationFactor: number
  records: StoredRecord[]
}

/** `GET /v3/clusters/<id>` (and each entry of `/v3/clusters`); `base` is its URL. */
export function clusterDoc(
  base: string,
  clusterId: string
): Record<string, unknown> {
  const related = (path: string): { related: string } => ({
    related: `${base}${path}`
  })
  return {
    kind: 'KafkaCluster',
    metadata: {
      self: base,
      resource_name: `crn:///kafka=${clusterId}`
    },
    cluster_id: clusterId,
    controller: related('/brokers/0'),
    acls: related('/acls'),
    brokers: related('/brokers'),
    broker_configs: related('/broker-configs'),
    consumer_groups: related('/consumer-groups'),
    topics: related('/topics'),
    partition_reassignments: related('/topics/-/partitions/-/reassignment')
  }
}

/** `GET /v3/clusters/<id>/topics/<name>`; `base` is the cluster's URL. */
export function topicDoc(
  base: string,
  clusterId: string,
  t: KafkaTopic
): Record<string, unknown> {
  const self = `${base}/topics/${t.name}`
  return {
    kind: 'KafkaTopic',
    metadata: {
      self,
      resource_name: `crn:///kafka=${clusterId}/topic=${t.name}`
    },
    cluster_id: clusterId,
    topic_name: t.name,
    is_internal: false,
    replication_factor: t.replicationFactor,
    partitions_count: t.partitions,
    partitions: { related: `${self}/partitions` },
    configs: { related: `${self}/configs` },
    partition_reassignments: {
      related: `${self}/partitions/-/reassignment`
    },
    authorized_operations: []
  }
}
