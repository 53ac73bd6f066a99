/**
 * Verify jobs (`*.verify.json`): what lsst.verify's `Job.write` produces and
 * `Job.deserialize` reads — measurements, blobs, metrics, specs and meta.
 * NaN and ±inf travel as `null`; values are normalised to the metric's unit
 * on write.
 */

import { JobError, UnitError, type Problem } from '../core/errors.js'
import { isMapping, type Doc } from './merge.js'
import { metricToJson, type Metric } from './metric.js'
import { PyFloat, toPythonJson } from './python-json.js'
import { specToJson, type Specification } from './specification.js'
import { findJsonError } from './json-error.js'
import { convertValue, parseUnit } from './units.js'
import { nodeCrypto } from '../core/builtins.js'

export interface Measurement {
  /** Fully qualified metric name. */
  metric: string
  identifier: string
  /** NaN when the job holds `null`. */
  value: number
  unit: string
  blobRefs: string[]
}

export interface Datum {
  value: unknown
  unit: string
  label: string | null
  description: string | null
}

export interface Blob {
  identifier: string
  name: string
  data: Record<string, Datum>
}

export interface Job {
  measurements: Measurement[]
  blobs: Blob[]
  /** Metric JSON entries carried by the job (kept as written). */
  metrics: Doc[]
  /** Specification JSON entries carried by the job (kept as written). */
  specs: Doc[]
  meta: Doc
}

/** A new measurement/blob identifier: uuid4 as 32 hex digits, as upstream. */
export function newIdentifier(): string {
  return nodeCrypto().randomUUID().replace(/-/g, '')
}

/** Line and column (1-based) of a character offset. */
export function positionOf(
  text: string,
  offset: number
): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

/** Python's json module also reads NaN, Infinity and -Infinity. */
const NON_FINITE = /("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)/g

function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (first) {
    if (/NaN|Infinity/.test(text)) {
      const patched = text.replace(
        NON_FINITE,
        (_m, str: string | undefined, tok: string | undefined) => {
          if (str !== undefined) return str
          return tok === 'NaN'
            ? 'null'
            : tok === '-Infinity'
              ? '-1e999'
              : '1e999'
        }
      )
      try {
        return JSON.parse(patched)
      } catch {
        // Report the original error below.
      }
    }
    const found = findJsonError(text)
    const offset = found?.offset ?? text.length
    const pos = positionOf(text, offset)
    const truncated = offset >= text.trimEnd().length
    throw new JobError(
      `${file} is not valid JSON: ${found?.message ?? (first as Error).message}`,
      {
        where: { file, line: pos.line, column: pos.column },
        hint: truncated
          ? 'the file ends early (truncated?); rewrite it completely'
          : 'fix the JSON syntax at this position'
      }
    )
  }
}

const MAX_PROBLEMS = 20

/** Parses and validates a verify job; every problem names its JSON path. */
export function parseJob(text: string, file: string): Job {
  const raw = parseJsonText(text, file)
  const problems: Problem[] = []
  const report = (path: string, message: string, hint?: string): void => {
    if (problems.length < MAX_PROBLEMS) {
      problems.push({
        where: { file, path },
        message,
        ...(hint === undefined ? {} : { hint })
      })
    }
  }
  if (!isMapping(raw)) {
    throw new JobError(`${file} must hold a JSON object (a verify job)`, {
      where: { file, path: '$' },
      hint: 'a verify job is {"measurements": [...], "blobs": [...], "metrics": [...], "specs": [...], "meta": {...}}'
    })
  }
  const list = (key: string): unknown[] => {
    const v = raw[key]
    if (v === undefined || v === null) return []
    if (Array.isArray(v)) return v
    report(`$.${key}`, `${key} must be a list`)
    return []
  }
  const measurements: Measurement[] = []
  list('measurements').forEach((m, i) => {
    const path = `$.measurements[${i}]`
    if (!isMapping(m)) {
      report(path, 'each measurement must be an object')
      return
    }
    const metric = m.metric
    if (typeof metric !== 'string' || metric.split('.').length !== 2) {
      report(
        `${path}.metric`,
        `metric must be a fully qualified metric name like "validate_drp.PA1", got ${JSON.stringify(metric)}`
      )
      return
    }
    const value = m.value
    if (value !== null && value !== undefined && typeof value !== 'number') {
      report(
        `${path}.value`,
        `value must be a number or null, got ${JSON.stringify(value)}`
      )
      return
    }
    if (typeof m.unit !== 'string') {
      report(
        `${path}.unit`,
        `unit must be a string (use "" for dimensionless), got ${JSON.stringify(m.unit)}`
      )
      return
    }
    try {
      parseUnit(m.unit)
    } catch (error) {
      if (!(error instanceof UnitError)) throw error
      report(`${path}.unit`, error.message, error.hint)
      return
    }
    const refs = m.blob_refs ?? []
    if (!Array.isArray(refs) || !refs.every((r) => typeof r === 'string')) {
      report(
        `${path}.blob_refs`,
        'blob_refs must be a list of blob identifiers'
      )
      return
    }
    measurements.push({
      metric,
      identifier:
        typeof m.identifier === 'string' ? m.identifier : newIdentifier(),
      value: typeof value === 'number' ? value : NaN,
      unit: m.unit,
      blobRefs: refs
    })
  })
  const blobs: Blob[] = []
  list('blobs').forEach((b, i) => {
    const path = `$.blobs[${i}]`
    if (
      !isMapping(b) ||
      typeof b.identifier !== 'string' ||
      !isMapping(b.data)
    ) {
      report(path, 'each blob must be an object with identifier, name and data')
      return
    }
    blobs.push({
      identifier: b.identifier,
      name: typeof b.name === 'string' ? b.name : '',
      data: b.data as Record<string, Datum>
    })
  })
  const docs = (key: string): Doc[] =>
    list(key).filter((d, i) => {
      if (isMapping(d)) return true
      report(`$.${key}[${i}]`, `each ${key} entry must be an object`)
      return false
    }) as Doc[]
  const metrics = docs('metrics')
  const specs = docs('specs')
  let meta: Doc = {}
  if (raw.meta !== undefined && raw.meta !== null) {
    if (isMapping(raw.meta)) meta = raw.meta
    else report('$.meta', 'meta must be an object')
  }
  if (problems.length > 0) {
    throw new JobError(`${file} is not a valid verify job`, {
      where: { file },
      problems,
      hint: 'see docs/verify.md for the job format'
    })
  }
  return { measurements, blobs, metrics, specs, meta }
}

/**
 * Converts each measurement whose metric is known into the metric's unit
 * (astropy's factors: 0.0123 arcsec → 12.299999999999999 marcsec). Throws
 * {@link UnitError} when a unit cannot be converted.
 */
export function normalizeMeasurements(
  job: Job,
  metrics: ReadonlyMap<string, Metric>
): Job {
  const measurements = job.measurements.map((m) => {
    const metric = metrics.get(m.metric)
    if (metric === undefined || metric.unit.name === m.unit) return m
    const from = parseUnit(m.unit)
    return {
      ...m,
      value: Number.isNaN(m.value)
        ? m.value
        : convertValue(m.value, from, metric.unit),
      unit: metric.unit.name
    }
  })
  return { ...job, measurements }
}

/** The job as lsst.verify writes it (`json.dump(indent=2, sort_keys=True)`). */
export function serializeJob(
  job: Job,
  extra: { metrics?: Metric[]; specs?: Specification[] } = {}
): string {
  const finite = (v: number): PyFloat | null =>
    Number.isFinite(v) ? new PyFloat(v) : null
  return toPythonJson({
    measurements: job.measurements.map((m) => ({
      metric: m.metric,
      identifier: m.identifier,
      value: finite(m.value),
      unit: m.unit,
      blob_refs: m.blobRefs
    })),
    blobs: job.blobs,
    metrics: [...job.metrics, ...(extra.metrics ?? []).map(metricToJson)],
    specs: [
      ...job.specs,
      ...(extra.specs ?? []).map((s) => {
        const json = specToJson(s)
        // Thresholds are floats upstream: 5 is written 5.0.
        return {
          ...json,
          threshold: {
            ...json.threshold,
            value: new PyFloat(json.threshold.value)
          }
        }
      })
    ],
    meta: job.meta
  })
}
