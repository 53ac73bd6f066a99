/**
 * Metric definitions: `metrics/<package>.yaml`, one mapping of metric name →
 * `{description, unit, tags?, reference?}`, read as lsst.verify's
 * `MetricSet` reads them (the file's base name is the package; unknown keys
 * are errors; `name` is ignored).
 */

import type { PathSegment } from '../core/schema.js'
import { isMapping } from './merge.js'
import { parseUnit, type Unit } from './units.js'
import { UnitError } from '../core/errors.js'

/** A metric's literature reference; `doc`/`url` may be lists in real files. */
export interface MetricReference {
  doc: string | string[] | null
  url: string | string[] | null
  page: number | null
}

export interface Metric {
  /** Fully qualified: `validate_drp.PA1`. */
  name: string
  package: string
  /** The name within the package: `PA1`. */
  metric: string
  description: string
  unit: Unit
  /** Sorted, unique. */
  tags: string[]
  reference: MetricReference
  source: { file: string; line?: number }
}

/** The metric as a verify job's `metrics[]` entry. */
export interface MetricJson {
  name: string
  description: string
  unit: string
  tags: string[]
  reference: MetricReference
}

export function metricToJson(metric: Metric): MetricJson {
  return {
    name: metric.name,
    description: metric.description,
    unit: metric.unit.name,
    tags: metric.tags,
    reference: metric.reference
  }
}

const METRIC_KEYS = new Set([
  'description',
  'unit',
  'tags',
  'reference',
  'name'
])

/** A problem found in a document, located by key path (lines come later). */
export interface DocProblem {
  path: PathSegment[]
  message: string
  hint?: string
  atKey?: boolean
}

/**
 * Tags as lsst.verify accepts them: a string (one tag), a list, or a YAML
 * `!!set` (js-yaml gives a mapping of tag → null). Returns sorted unique.
 */
export function readTags(
  value: unknown,
  path: PathSegment[],
  problems: DocProblem[]
): string[] {
  if (value === undefined || value === null) return []
  let list: unknown[]
  if (typeof value === 'string') list = [value]
  else if (Array.isArray(value)) list = value
  else if (isMapping(value) && Object.values(value).every((v) => v === null)) {
    list = Object.keys(value)
  } else {
    problems.push({
      path,
      message: 'tags must be a string or a list of strings',
      hint: 'write tags: [photometry, design]'
    })
    return []
  }
  const out = new Set<string>()
  list.forEach((tag, i) => {
    if (typeof tag === 'string') out.add(tag)
    else if (typeof tag === 'number' || typeof tag === 'boolean')
      out.add(String(tag))
    else
      problems.push({
        path: [...path, i],
        message: 'each tag must be a string'
      })
  })
  return [...out].sort()
}

/**
 * Validates one metric definition. Returns the metric, or undefined after
 * pushing every problem found.
 */
export function readMetric(
  pkg: string,
  name: string,
  doc: unknown,
  file: string,
  problems: DocProblem[]
): Metric | undefined {
  const before = problems.length
  if (name.includes('.') || name === '') {
    problems.push({
      path: [name],
      atKey: true,
      message: `metric name ${JSON.stringify(name)} is not valid`,
      hint: 'metric names must not be empty or contain "."'
    })
  }
  if (!isMapping(doc)) {
    problems.push({
      path: [name],
      message: `metric ${name} must be a mapping with description and unit`
    })
    return undefined
  }
  for (const key of Object.keys(doc)) {
    if (!METRIC_KEYS.has(key)) {
      problems.push({
        path: [name, key],
        atKey: true,
        message: `unknown key ${JSON.stringify(key)} in metric ${name}`,
        hint: 'a metric has only description, unit, tags and reference (lsst.verify rejects other keys)'
      })
    }
  }
  const description = doc.description
  if (typeof description !== 'string') {
    problems.push({
      path: [name, ...(description === undefined ? [] : ['description'])],
      message:
        description === undefined
          ? `metric ${name} has no description`
          : 'description must be a string'
    })
  }
  let unit: Unit | undefined
  const unitText = doc.unit
  if (typeof unitText !== 'string') {
    problems.push({
      path: [name, ...(unitText === undefined ? [] : ['unit'])],
      message:
        unitText === undefined || unitText === null
          ? `metric ${name} has no unit`
          : 'unit must be a string',
      hint: "write unit: '' for a dimensionless metric"
    })
  } else {
    try {
      unit = parseUnit(unitText)
    } catch (error) {
      if (!(error instanceof UnitError)) throw error
      problems.push({
        path: [name, 'unit'],
        message: error.message,
        ...(error.hint === undefined ? {} : { hint: error.hint })
      })
    }
  }
  const tags = readTags(doc.tags, [name, 'tags'], problems)
  const reference = readReference(doc.reference, [name, 'reference'], problems)
  if (problems.length > before || unit === undefined) return undefined
  return {
    name: `${pkg}.${name}`,
    package: pkg,
    metric: name,
    // lsst.verify strips trailing newlines (folded `>` scalars end in one).
    description: (description as string).replace(/\n+$/, ''),
    unit,
    tags,
    reference,
    source: { file }
  }
}

function readReference(
  value: unknown,
  path: PathSegment[],
  problems: DocProblem[]
): MetricReference {
  const ref: MetricReference = { doc: null, url: null, page: null }
  if (value === undefined || value === null) return ref
  if (!isMapping(value)) {
    problems.push({
      path,
      message: 'reference must be a mapping of doc, url and page'
    })
    return ref
  }
  const text = (key: 'doc' | 'url'): string | string[] | null => {
    const v = value[key]
    if (v === undefined || v === null) return null
    if (typeof v === 'string') return v
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v
    problems.push({
      path: [...path, key],
      message: `reference.${key} must be a string`
    })
    return null
  }
  ref.doc = text('doc')
  ref.url = text('url')
  const page = value.page
  if (page !== undefined && page !== null) {
    if (typeof page === 'number' && Number.isInteger(page)) ref.page = page
    else
      problems.push({
        path: [...path, 'page'],
        message: 'reference.page must be an integer'
      })
  }
  return ref
}
