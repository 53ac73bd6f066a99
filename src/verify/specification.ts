/**
 * Threshold specifications: `measurement <op> threshold` on a metric, with a
 * metadata query saying which jobs they apply to and tags for selection.
 */

import { UnitError } from '../core/errors.js'
import type { DocProblem } from './metric.js'
import { isMapping, type Doc } from './merge.js'
import { formatName, makeName, NameError } from './naming.js'
import { readTags } from './metric.js'
import {
  OPERATORS,
  isOperator,
  parseUnit,
  type Operator,
  type Unit
} from './units.js'

export interface Threshold {
  value: number
  unit: Unit
  operator: Operator
}

export interface Specification {
  /** Fully qualified: `validate_drp.PA1.design_gri`. */
  name: string
  package: string
  metric: string
  spec: string
  /** The metric's fully qualified name: `validate_drp.PA1`. */
  metricName: string
  threshold: Threshold
  /** Sorted, unique. */
  tags: string[]
  metadataQuery: Doc
  source: SourceRef
}

/** Where a document came from: file, its text, and which `---` document. */
export interface SourceRef {
  file: string
  docIndex: number
}

/** lsst.verify's spec JSON (a job's `specs[]` entry, and a spec base). */
export interface SpecificationJson {
  name: string
  type: 'threshold'
  threshold: { value: number; unit: string; operator: Operator }
  metadata_query: Doc
  tags: string[]
}

export function specToJson(spec: Specification): SpecificationJson {
  return {
    name: spec.name,
    type: 'threshold',
    threshold: {
      value: spec.threshold.value,
      unit: spec.threshold.unit.name,
      operator: spec.threshold.operator
    },
    metadata_query: spec.metadataQuery,
    tags: spec.tags
  }
}

const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/** A threshold value: a number, or a numeric string (astropy accepts both). */
function readValue(value: unknown, problems: DocProblem[]): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value)
  problems.push({
    path: ['threshold', 'value'],
    message:
      value === undefined || value === null
        ? 'threshold has no value'
        : `threshold.value must be a number, got ${JSON.stringify(value)}`,
    hint:
      typeof value === 'string' && /^\s*[+-]?\d/.test(value)
        ? 'write the number without quotes or units (the unit goes in threshold.unit)'
        : 'write threshold: {value: 5.0, unit: mmag, operator: "<="}'
  })
  return undefined
}

/**
 * Builds a specification from a fully resolved document (bases already
 * merged), the way `ThresholdSpecification.deserialize` does. Pushes every
 * problem and returns undefined when there are any.
 */
export function buildSpecification(
  doc: Doc,
  source: SourceRef,
  problems: DocProblem[]
): Specification | undefined {
  const before = problems.length
  const pkg = doc.package as string
  let name: ReturnType<typeof makeName> | undefined
  const rawName = doc.name
  const rawMetric = doc.metric
  if (typeof rawName !== 'string') {
    problems.push({ path: ['name'], message: 'name must be a string' })
  } else if (
    rawMetric !== undefined &&
    rawMetric !== null &&
    typeof rawMetric !== 'string'
  ) {
    problems.push({ path: ['metric'], message: 'metric must be a string' })
  } else {
    try {
      name = makeName({
        package: pkg,
        metric: rawMetric ?? undefined,
        spec: rawName
      })
      if (name.metric === undefined) {
        throw new NameError(
          `specification ${JSON.stringify(rawName)} has no metric`
        )
      }
    } catch (error) {
      if (!(error instanceof NameError)) throw error
      name = undefined
      problems.push({
        path: ['name'],
        message: error.message,
        hint: 'set "metric:" in the document or a base, or write the name as METRIC.NAME'
      })
    }
  }

  const threshold = doc.threshold
  let built: Threshold | undefined
  if (!isMapping(threshold)) {
    problems.push({
      path: threshold === undefined ? [] : ['threshold'],
      message:
        threshold === undefined
          ? `specification ${typeof rawName === 'string' ? rawName : ''} has no threshold (not in the document nor in its bases)`
          : 'threshold must be a mapping of value, unit and operator',
      hint: 'only threshold specifications exist: add threshold: {value, unit, operator}'
    })
  } else {
    const value = readValue(threshold.value, problems)
    let unit: Unit | undefined
    if (typeof threshold.unit !== 'string') {
      problems.push({
        path: ['threshold', ...(threshold.unit === undefined ? [] : ['unit'])],
        message:
          threshold.unit === undefined || threshold.unit === null
            ? 'threshold has no unit'
            : 'threshold.unit must be a string',
        hint: "write unit: '' for a dimensionless threshold"
      })
    } else {
      try {
        unit = parseUnit(threshold.unit)
      } catch (error) {
        if (!(error instanceof UnitError)) throw error
        problems.push({
          path: ['threshold', 'unit'],
          message: error.message,
          ...(error.hint === undefined ? {} : { hint: error.hint })
        })
      }
    }
    const operator = threshold.operator
    if (!isOperator(operator)) {
      problems.push({
        path: ['threshold', ...(operator === undefined ? [] : ['operator'])],
        message:
          operator === undefined
            ? 'threshold has no operator'
            : `${JSON.stringify(operator)} is not a threshold operator`,
        hint: `use one of ${OPERATORS.join(' ')} (measurement OP threshold); quote it in YAML: operator: "<="`
      })
    }
    if (value !== undefined && unit !== undefined && isOperator(operator)) {
      built = { value, unit, operator }
    }
  }

  const tags = readTags(doc.tags, ['tags'], problems)
  const query = doc.metadata_query
  if (query !== undefined && query !== null && !isMapping(query)) {
    problems.push({
      path: ['metadata_query'],
      message: 'metadata_query must be a mapping of metadata key → value'
    })
  }
  if (problems.length > before || name === undefined || built === undefined) {
    return undefined
  }
  return {
    name: formatName(name),
    package: pkg,
    metric: name.metric ?? '',
    spec: name.spec ?? '',
    metricName: `${pkg}.${name.metric ?? ''}`,
    threshold: built,
    tags,
    metadataQuery: isMapping(query) ? query : {},
    source
  }
}
