/**
 * The Schema Registry behind the Kafka REST proxy, and the proxy's check of
 * a record against its schema, with a real Avro implementation (avsc) made
 * as strict as the Java one kafka-rest uses: every field must be present
 * (a default is not filled in), fields outside the schema are dropped.
 */

import avsc from 'avsc'

export class SchemaRegistry {
  /** Registered schemas by id. */
  readonly schemas = new Map<number, avsc.Type>()
  /** `<topic>-value` → the ids registered under it. */
  readonly subjects = new Map<string, number[]>()
  readonly #ids = new Map<string, number>()

  /**
   * Registers a schema (JSON text) under a subject; the same schema gets
   * the same id. Throws when the text is not an Avro schema.
   */
  register(subject: string, text: string): number {
    const type = avsc.Type.forSchema(JSON.parse(text) as avsc.Schema)
    const canonical = JSON.stringify(type.schema())
    let id = this.#ids.get(canonical)
    if (id === undefined) {
      id = this.#ids.size + 1
      this.#ids.set(canonical, id)
      this.schemas.set(id, type)
    }
    const ids = this.subjects.get(subject) ?? []
    if (!ids.includes(id)) this.subjects.set(subject, [...ids, id])
    return id
  }
}

/** Why `value` does not match `type` ([] when it does). */
export function recordProblems(type: avsc.Type, value: unknown): string[] {
  const problems = missingFields(type, value)
  if (problems.length > 0) return problems
  type.isValid(value, {
    errorHook: (path, got, t) => {
      problems.push(
        `${path.join('.') || 'value'}: expected ${JSON.stringify(t.schema())}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`
      )
    }
  })
  return problems
}

/** Top-level fields of a record schema absent from `value`. */
function missingFields(type: avsc.Type, value: unknown): string[] {
  if (!(type instanceof avsc.types.RecordType)) return []
  if (typeof value !== 'object' || value === null)
    return ['value: not a record']
  return type.fields
    .filter((f) => (value as Record<string, unknown>)[f.name] === undefined)
    .map((f) => `${f.name}: missing (defaults are not filled in)`)
}
