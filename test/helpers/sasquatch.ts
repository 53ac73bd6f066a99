import { join } from 'node:path'
import type avsc from 'avsc'
import type { KafkaRestEmulator } from '../emulators/kafka-rest/server.js'

/** The verify job the sample stack's measurement writes (dataset field_a). */
export const SAMPLE_JOB = join(
  process.cwd(),
  'examples',
  'stack',
  'jobs',
  'field_a.verify.json'
)

/**
 * Checks every record the proxy stored against the schema it was sent
 * with, and that no record id was stored twice; returns the records.
 */
export function storedRecords(
  proxy: KafkaRestEmulator
): Record<string, unknown>[] {
  const all = proxy.all()
  for (const r of all) {
    const type = proxy.registry.schemas.get(r.valueSchemaId) as avsc.Type
    expect(type.isValid(r.value)).toBe(true)
    const fields = (type.schema() as { fields: { name: string }[] }).fields
    expect(fields.map((f) => f.name).sort()).toEqual(
      Object.keys(r.value).sort()
    )
  }
  expect(new Set(all.map((r) => r.value.id)).size).toBe(all.length)
  return all.map((r) => r.value)
}
