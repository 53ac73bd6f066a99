/**
 * Specification loading with lsst.verify's inheritance rules
 * (`SpecificationSet._load_package_dir`): every `*.yaml`/`*.yml` under
 * `specs/<package>/`, multi-document; documents with `id` are partials,
 * the rest are specifications; `base` (a string or list) names partials
 * (`#id`, `path#id`, `pkg:path#id`) or specifications (`METRIC.spec` or
 * fully qualified) and is merged left to right, then the document itself.
 *
 * Unlike upstream, a document is resolved only once *all* its bases are
 * (upstream can lose a base merged in a failed attempt), packages are
 * resolved together, and files are visited in sorted order, so the result
 * never depends on directory listing order.
 */

import type { PathSegment } from '../core/schema.js'
import { closest } from '../core/schema.js'
import { deepCopy, isMapping, mergeDocuments, type Doc } from './merge.js'
import type { DocProblem } from './metric.js'
import { formatName, makeName, NameError } from './naming.js'
import {
  buildSpecification,
  specToJson,
  type SourceRef,
  type Specification
} from './specification.js'

/** One YAML document of a spec file, as read. */
export interface SpecDocument {
  /** The package (directory under `specs/`). */
  package: string
  /** The file path relative to `specs/<package>/`, without extension. */
  yamlId: string
  source: SourceRef
  doc: unknown
}

/** A problem located in a source document. */
export interface LocatedProblem extends DocProblem {
  source: SourceRef
}

export interface ResolvedPartial {
  id: string
  doc: Doc
  source: SourceRef
}

export interface SpecLoadResult {
  specs: Map<string, Specification>
  partials: Map<string, ResolvedPartial>
  problems: LocatedProblem[]
  warnings: LocatedProblem[]
}

const PARTIAL = /^(?:(\S+?):)?(\S+)?#(\S+)$/

/** `_normalize_partial_name`: `#id` → `pkg:path#id`. */
export function normalizePartialName(
  name: string,
  yamlId: string,
  pkg: string
): string {
  const withHash = name.includes('#') ? name : `#${name}`
  const m = PARTIAL.exec(withHash)
  if (m === null) return withHash
  return `${m[1] ?? pkg}:${m[2] ?? yamlId}#${m[3] ?? ''}`
}

interface Pending {
  kind: 'partial' | 'spec'
  source: SourceRef
  doc: Doc
  /** Normalised bases, in order. */
  bases: string[]
  /** Partial id, or the spec name as far as it is known before resolution. */
  key: string
}

/** Loads and resolves every specification and partial. */
export function resolveSpecDocuments(
  documents: SpecDocument[]
): SpecLoadResult {
  const problems: LocatedProblem[] = []
  const warnings: LocatedProblem[] = []
  const push = (
    list: LocatedProblem[],
    source: SourceRef,
    p: DocProblem
  ): void => {
    list.push({ ...p, source })
  }

  const pending: Pending[] = []
  for (const d of documents) {
    const prepared = prepare(d, (p) => {
      push(problems, d.source, p)
    })
    if (prepared !== undefined) pending.push(prepared)
  }
  // Within a file, partials first (as upstream queues them).
  pending.sort((a, b) =>
    a.kind === b.kind ? 0 : a.kind === 'partial' ? -1 : 1
  )

  const partials = new Map<string, ResolvedPartial>()
  const specs = new Map<string, Specification>()
  const failed = new Set<string>()
  let queue = pending
  while (queue.length > 0) {
    const next: Pending[] = []
    for (const item of queue) {
      const ready = item.bases.every((b) =>
        b.includes('#') ? partials.has(b) : specs.has(b)
      )
      if (!ready) {
        if (item.bases.some((b) => failed.has(b))) {
          // Its base failed and was reported; this one cannot be built either.
          failed.add(item.key)
          continue
        }
        next.push(item)
        continue
      }
      let built: Doc = {}
      for (const base of item.bases) {
        if (base.includes('#')) {
          built = mergeDocuments(
            built,
            (partials.get(base) as ResolvedPartial).doc
          )
        } else {
          const spec = specs.get(base) as Specification
          built = mergeDocuments(built, specToJson(spec) as unknown as Doc)
          built.metric = spec.metric
        }
      }
      built = mergeDocuments(built, item.doc)
      if (item.kind === 'partial') {
        if (partials.has(item.key)) {
          push(warnings, item.source, {
            path: ['id'],
            message: `partial ${item.key} is defined more than once; this later definition wins`
          })
        }
        partials.set(item.key, {
          id: item.key,
          doc: built,
          source: item.source
        })
        continue
      }
      const specProblems: DocProblem[] = []
      const spec = buildSpecification(built, item.source, specProblems)
      if (spec === undefined) {
        for (const p of specProblems) {
          push(problems, item.source, inheritedHint(p, item, built))
        }
        failed.add(item.key)
        failed.add(predictedName(built) ?? item.key)
        continue
      }
      if (specs.has(spec.name)) {
        const first = specs.get(spec.name) as Specification
        push(warnings, item.source, {
          path: ['name'],
          message: `specification ${spec.name} is also defined in ${first.source.file}; this later definition wins`
        })
      }
      specs.set(spec.name, spec)
    }
    if (next.length === queue.length) {
      diagnoseUnresolved(next, partials, specs, (source, p) => {
        push(problems, source, p)
      })
      break
    }
    queue = next
  }
  return { specs, partials, problems, warnings }
}

/** The name a failed specification would have had, if it can be told. */
function predictedName(built: Doc): string | undefined {
  try {
    const name = makeName({
      package: built.package as string,
      metric: typeof built.metric === 'string' ? built.metric : undefined,
      spec: typeof built.name === 'string' ? built.name : undefined
    })
    return formatName(name)
  } catch {
    return undefined
  }
}

/** Points a problem in an inherited key at the document's `base`. */
function inheritedHint(p: DocProblem, item: Pending, built: Doc): DocProblem {
  const top = p.path[0]
  if (typeof top === 'string' && !(top in item.doc) && top in built) {
    return {
      ...p,
      path: ['base'],
      message: `${p.message} (inherited from ${item.bases.join(', ')})`
    }
  }
  return p
}

/**
 * Normalises one document as `_load_yaml_file` does: sets `package`,
 * makes `id` and every `base` fully qualified, and the name as qualified as
 * the document alone allows.
 */
function prepare(
  d: SpecDocument,
  report: (p: DocProblem) => void
): Pending | undefined {
  if (!isMapping(d.doc)) {
    report({
      path: [],
      message:
        d.doc === null || d.doc === undefined
          ? 'empty YAML document (lsst.verify fails on it)'
          : 'a specification document must be a mapping',
      hint:
        d.doc === null || d.doc === undefined
          ? "remove the stray '---' separator"
          : 'write name/metric/threshold keys, or id for a partial'
    })
    return undefined
  }
  const doc = deepCopy(d.doc)
  doc.package = d.package
  const bases = readBases(doc.base, d, report)
  if (bases === undefined) return undefined
  delete doc.base
  if ('id' in doc) {
    if (typeof doc.id !== 'string' || doc.id === '') {
      report({ path: ['id'], message: 'id must be a non-empty string' })
      return undefined
    }
    const id = normalizePartialName(doc.id, d.yamlId, d.package)
    delete doc.id
    return { kind: 'partial', source: d.source, doc, bases, key: id }
  }
  if (typeof doc.name !== 'string' || doc.name === '') {
    report({
      path: doc.name === undefined ? [] : ['name'],
      message:
        doc.name === undefined
          ? 'a specification needs a name (or an id, for a partial)'
          : 'name must be a non-empty string'
    })
    return undefined
  }
  let key = doc.name
  try {
    const name = makeName({
      package: d.package,
      metric: typeof doc.metric === 'string' ? doc.metric : undefined,
      spec: doc.name
    })
    if (name.metric !== undefined) {
      key = formatName(name)
      doc.name = key
      doc.metric = name.metric
    }
  } catch (error) {
    if (!(error instanceof NameError)) throw error
    // Resolved (or reported) once the bases are known, as upstream does.
  }
  return { kind: 'spec', source: d.source, doc, bases, key }
}

function readBases(
  value: unknown,
  d: SpecDocument,
  report: (p: DocProblem) => void
): string[] | undefined {
  if (value === undefined || value === null) return []
  const list = Array.isArray(value) ? value : [value]
  const out: string[] = []
  let ok = true as boolean
  list.forEach((base, i) => {
    const path: PathSegment[] = Array.isArray(value) ? ['base', i] : ['base']
    if (typeof base !== 'string' || base === '') {
      report({ path, message: 'each base must be a non-empty string' })
      ok = false
      return
    }
    if (base.includes('#')) {
      out.push(normalizePartialName(base, d.yamlId, d.package))
      return
    }
    try {
      const name = makeName({ package: d.package, spec: base })
      out.push(formatName(name))
    } catch (error) {
      if (!(error instanceof NameError)) throw error
      ok = false
      report({
        path,
        message: `base ${JSON.stringify(base)} is neither a partial nor a specification name: ${error.message}`,
        hint: `refer to a partial as "#${base}" (same file) or "path#${base}", or to a specification as METRIC.${base}`
      })
    }
  })
  return ok ? out : undefined
}

/** Explains why documents could not be resolved: cycles and missing bases. */
function diagnoseUnresolved(
  stuck: Pending[],
  partials: Map<string, ResolvedPartial>,
  specs: Map<string, Specification>,
  report: (source: SourceRef, p: DocProblem) => void
): void {
  const byKey = new Map(stuck.map((s) => [s.key, s]))
  const known = [...partials.keys(), ...specs.keys(), ...byKey.keys()]
  const missing = (b: string): boolean =>
    !(b.includes('#') ? partials.has(b) : specs.has(b)) && !byKey.has(b)
  for (const item of stuck) {
    item.bases.forEach((b, i) => {
      if (!missing(b)) return
      const near = closest(b, known)
      report(item.source, {
        path: item.bases.length > 1 ? ['base', i] : ['base'],
        message: `base ${b} is not defined`,
        hint:
          near === undefined
            ? 'check the spelling; a partial is referred to as #id, path#id or package:path#id'
            : `did you mean ${near}?`
      })
    })
  }
  // Cycles among the remaining documents, each reported once.
  const state = new Map<string, 'visiting' | 'done'>()
  const reported = new Set<string>()
  const visit = (key: string, trail: string[]): void => {
    if (state.get(key) === 'done') return
    if (state.get(key) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(key)), key]
      const id = [...cycle].sort().join('|')
      if (!reported.has(id)) {
        reported.add(id)
        const first = byKey.get(key) as Pending
        report(first.source, {
          path: ['base'],
          message: `inheritance cycle: ${cycle.join(' → ')}`,
          hint: 'a partial or specification cannot inherit from itself, directly or through others'
        })
      }
      return
    }
    state.set(key, 'visiting')
    for (const b of byKey.get(key)?.bases ?? [])
      if (byKey.has(b)) visit(b, [...trail, key])
    state.set(key, 'done')
  }
  for (const key of byKey.keys()) visit(key, [])
}
