/**
 * Loading a metrics package (the `verify_metrics` layout): `metrics/*.yaml`
 * and `specs/<package>/**\/*.{yaml,yml}` under one directory. Every problem
 * in every file is collected and reported at once, each with file:line.
 */

import { plural } from '../core/format.js'
import { readFile, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { SpecError, type Problem } from '../core/errors.js'
import { loadYamlDocuments, toProblem, YamlSyntaxError } from '../core/yaml.js'
import { isMapping } from './merge.js'
import { readMetric, type DocProblem, type Metric } from './metric.js'
import {
  resolveSpecDocuments,
  type LocatedProblem,
  type ResolvedPartial,
  type SpecDocument
} from './spec-loader.js'
import type { Specification } from './specification.js'

export interface Definitions {
  /** By fully qualified name. */
  metrics: Map<string, Metric>
  /** By fully qualified name. */
  specs: Map<string, Specification>
  /** By normalised id (`pkg:path#id`). */
  partials: Map<string, ResolvedPartial>
  /** Specifications grouped by their metric's fully qualified name. */
  specsByMetric: Map<string, Specification[]>
  /** Things lsst.verify accepts but a user likely wants to know. */
  warnings: Problem[]
}

/** The text of every file read, kept to locate problems by line. */
class SourceTexts {
  readonly #texts = new Map<string, string>()
  set(file: string, text: string): void {
    this.#texts.set(file, text)
  }
  locate(file: string, docIndex: number, p: DocProblem): Problem {
    return toProblem(this.#texts.get(file), file, p, docIndex)
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const entries = await readdir(join(dir, rel), { withFileTypes: true })
  const out: string[] = []
  for (const e of entries.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  )) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`
    if (e.isDirectory()) out.push(...(await listFiles(dir, child)))
    else if (/\.ya?ml$/.test(e.name)) out.push(child)
  }
  return out
}

function syntaxProblem(file: string, error: YamlSyntaxError): Problem {
  return {
    where: {
      file,
      ...(error.line === undefined ? {} : { line: error.line }),
      ...(error.column === undefined ? {} : { column: error.column })
    },
    message: `YAML syntax error: ${error.message}`,
    hint: 'fix the YAML at this position (indentation, quotes, a missing colon)'
  }
}

/** The text of a metrics package, already read (see {@link loadDefinitions}). */
export interface DefinitionTexts {
  /** `metrics/<package>.yaml` files. */
  metrics: { file: string; package: string; text: string }[]
  /** `specs/<package>/<rel>` files; `rel` uses `/` and keeps its extension. */
  specs: { file: string; package: string; rel: string; text: string }[]
}

/**
 * Loads every metric and specification under `dir`. Throws one
 * {@link SpecError} listing every problem (file:line, what, how to fix).
 */
export async function loadDefinitions(dir: string): Promise<Definitions> {
  const metricsDir = join(dir, 'metrics')
  const specsDir = join(dir, 'specs')
  const hasMetrics = await isDirectory(metricsDir)
  const hasSpecs = await isDirectory(specsDir)
  if (!hasMetrics && !hasSpecs) {
    throw new SpecError(`${dir} holds neither metrics/ nor specs/`, {
      where: { file: dir },
      hint: 'point --definitions at a metrics package: a directory with metrics/<package>.yaml and specs/<package>/*.yaml'
    })
  }
  const texts: DefinitionTexts = { metrics: [], specs: [] }
  if (hasMetrics) {
    // Only .yaml: lsst.verify's MetricSet ignores metrics/*.yml.
    const files = (await readdir(metricsDir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
    texts.metrics = await Promise.all(
      files.map(async (f) => {
        const file = join(metricsDir, f)
        return {
          file,
          package: f.slice(0, -'.yaml'.length),
          text: await readFile(file, 'utf8')
        }
      })
    )
  }
  if (hasSpecs) {
    const packages = (await readdir(specsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
    for (const pkg of packages) {
      const files = await listFiles(join(specsDir, pkg))
      texts.specs.push(
        ...(await Promise.all(
          files.map(async (rel) => {
            const file = join(specsDir, pkg, rel)
            return {
              file,
              package: pkg,
              rel,
              text: await readFile(file, 'utf8')
            }
          })
        ))
      )
    }
  }
  return loadDefinitionTexts(texts, dir)
}

/** The pure part of {@link loadDefinitions}: from file texts to definitions. */
export function loadDefinitionTexts(
  input: DefinitionTexts,
  label = 'the definitions'
): Definitions {
  const texts = new SourceTexts()
  const problems: Problem[] = []
  const warnings: Problem[] = []
  const metrics = new Map<string, Metric>()
  for (const { file, package: pkg, text } of input.metrics) {
    texts.set(file, text)
    loadMetricsFile(file, pkg, text, metrics, problems, texts)
  }
  const documents: SpecDocument[] = []
  for (const { file, package: pkg, rel, text } of input.specs) {
    texts.set(file, text)
    const docs = readDocuments(file, text, problems)
    if (docs === undefined) continue
    const yamlId = rel.replace(/\.ya?ml$/, '')
    docs.forEach((doc, docIndex) => {
      documents.push({ package: pkg, yamlId, source: { file, docIndex }, doc })
    })
  }
  const resolved = resolveSpecDocuments(documents)
  const locate = (p: LocatedProblem): Problem =>
    texts.locate(p.source.file, p.source.docIndex, p)
  problems.push(...resolved.problems.map(locate))
  warnings.push(...resolved.warnings.map(locate))

  if (problems.length > 0) {
    throw new SpecError(`${plural(problems.length, 'problem')} in ${label}`, {
      problems
    })
  }
  const specsByMetric = new Map<string, Specification[]>()
  for (const spec of [...resolved.specs.values()].sort((a, b) =>
    compare(a.name, b.name)
  )) {
    const list = specsByMetric.get(spec.metricName)
    if (list === undefined) specsByMetric.set(spec.metricName, [spec])
    else list.push(spec)
  }
  return {
    metrics,
    specs: resolved.specs,
    partials: resolved.partials,
    specsByMetric,
    warnings
  }
}

/** The YAML documents of a file; a syntax error is a problem (undefined). */
function readDocuments(
  file: string,
  text: string,
  problems: Problem[]
): unknown[] | undefined {
  try {
    return loadYamlDocuments(text)
  } catch (error) {
    if (!(error instanceof YamlSyntaxError)) throw error
    problems.push(syntaxProblem(file, error))
    return undefined
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function loadMetricsFile(
  file: string,
  pkg: string,
  text: string,
  metrics: Map<string, Metric>,
  problems: Problem[],
  texts: SourceTexts
): void {
  const docs = readDocuments(file, text, problems)
  if (docs === undefined) return
  const local: DocProblem[] = []
  if (docs.length !== 1 || !isMapping(docs[0])) {
    local.push({
      path: [],
      message:
        docs.length > 1
          ? 'a metrics file holds one YAML document (a mapping of metric name to definition)'
          : 'a metrics file must be a mapping of metric name to {description, unit}',
      hint: 'see metrics/README in verify_metrics for the layout'
    })
  } else {
    for (const [name, def] of Object.entries(docs[0])) {
      const metric = readMetric(pkg, name, def, file, local)
      if (metric !== undefined) metrics.set(metric.name, metric)
    }
  }
  problems.push(...local.map((p) => texts.locate(file, 0, p)))
}
