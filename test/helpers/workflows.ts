/**
 * Checks GitHub workflow files the way GitHub would before running them:
 * the workflow schema through @actions/workflow-parser (the parser behind
 * GitHub's own Actions language services), then our contract on top — every
 * `uses:` of a stackci action or of a reusable workflow passes only inputs
 * the target declares and every required one, and `steps.<id>.outputs.<x>`
 * names an output the step's action has. Each problem is `file:line:col`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  NoOperationTraceWriter,
  convertWorkflowTemplate,
  parseWorkflow
} from '@actions/workflow-parser'
import {
  LineCounter,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node,
  type YAMLMap
} from 'yaml'

export interface WorkflowProblem {
  file: string
  line: number
  column: number
  message: string
}

export const formatProblem = (p: WorkflowProblem): string =>
  `${p.file}:${p.line}:${p.column}: ${p.message}`

interface Declared {
  required: boolean
  hasDefault: boolean
}

/** What a `uses:` of ours points at: an action.yml or a reusable workflow. */
export interface UsesTarget {
  /** Where the declaration lives, for messages (relative to the repo). */
  path: string
  kind: 'action' | 'workflow'
  inputs: Map<string, Declared>
  outputs: Set<string>
  secrets: Map<string, Declared>
}

/** Maps a `uses:` value to its target; undefined: not ours, not checked. */
export type UsesResolver = (uses: string) => UsesTarget | string | undefined

const mapOf = (node: unknown): YAMLMap | undefined =>
  isMap(node) ? node : undefined

function declared(node: unknown): Map<string, Declared> {
  const out = new Map<string, Declared>()
  for (const pair of mapOf(node)?.items ?? []) {
    const spec = mapOf(pair.value)
    out.set(String(isScalar(pair.key) ? pair.key.value : pair.key), {
      required: spec?.get('required') === true,
      hasDefault: spec?.has('default') ?? false
    })
  }
  return out
}

/** Reads the inputs/outputs/secrets an action.yml or a workflow_call declares. */
export function readTarget(
  path: string,
  text: string,
  kind: UsesTarget['kind']
): UsesTarget {
  const doc = parseDocument(text)
  const root =
    kind === 'action'
      ? mapOf(doc.contents)
      : mapOf(mapOf(mapOf(doc.contents)?.get('on'))?.get('workflow_call'))
  return {
    path,
    kind,
    inputs: declared(root?.get('inputs')),
    outputs: new Set(declared(root?.get('outputs')).keys()),
    secrets: declared(root?.get('secrets'))
  }
}

/**
 * The resolver for this repository: `lsst/stackci@ref` is ./action.yml,
 * `lsst/stackci/actions/NAME@ref` is actions/NAME/action.yml, and
 * `./.github/workflows/NAME` is NAME in the examples directory (where the
 * example workflows live until a stack copies them into .github/workflows).
 */
export function repoResolver(root: string, workflowsDir: string): UsesResolver {
  return (uses) => {
    const local = /^\.\/\.github\/workflows\/([^/@]+)$/.exec(uses)
    if (local !== null) {
      const path = join(workflowsDir, local[1] ?? '')
      if (!existsSync(path)) return `no reusable workflow ${path} for ${uses}`
      return readTarget(path, readFileSync(path, 'utf8'), 'workflow')
    }
    const ours = /^lsst\/stackci(\/[^@]*)?(@.*)?$/.exec(uses)
    if (ours === null) return undefined
    const [, sub = '', ref] = ours
    if (ref === undefined || ref === '@') {
      return `${uses} has no @ref: pin a release, e.g. ${uses}@v1`
    }
    const dir = sub === '' ? '' : sub.slice(1)
    if (dir !== '' && !/^actions\/[a-z0-9-]+$/.test(dir)) {
      return `${uses}: stackci has no action at ${dir}`
    }
    const path = join(dir, 'action.yml')
    if (!existsSync(join(root, path))) {
      return `${uses}: stackci has no action at ${dir} (no ${path})`
    }
    return readTarget(path, readFileSync(join(root, path), 'utf8'), 'action')
  }
}

/**
 * Schema validation with GitHub's parser and converter (cron, permissions,
 * contexts allowed per key, needs, reusable workflow inputs and secrets
 * through `provider`, …).
 */
export async function validateWorkflow(
  file: string,
  content: string,
  provider: (path: string) => string | undefined
): Promise<WorkflowProblem[]> {
  const parsed = parseWorkflow(
    { name: file, content },
    new NoOperationTraceWriter()
  )
  if (parsed.value !== undefined) {
    await convertWorkflowTemplate(
      parsed.context,
      parsed.value,
      {
        getFileContent: async (ref) => {
          const text = provider(ref.path)
          if (text === undefined) throw new Error(`no ${ref.path}`)
          return Promise.resolve({ name: ref.path, content: text })
        }
      },
      { fetchReusableWorkflowDepth: 1 }
    )
  }
  return parsed.context.errors.getErrors().map((e) => ({
    file,
    line: e.range?.start.line ?? 1,
    column: e.range?.start.column ?? 1,
    message: e.rawMessage
  }))
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    row = next
  }
  return row[b.length] ?? 0
}

function closest(name: string, names: string[]): string {
  const near = names.find((n) => distance(n, name) <= 2)
  return near === undefined ? '' : ` (did you mean '${near}'?)`
}

/** Our contract on every `uses:` of a stackci action or reusable workflow. */
export function checkUses(
  file: string,
  content: string,
  resolve: UsesResolver
): WorkflowProblem[] {
  const lines = new LineCounter()
  const doc = parseDocument(content, { lineCounter: lines })
  const problems: WorkflowProblem[] = []
  const at = (node: Node | null | undefined, message: string): void => {
    const pos = lines.linePos(node?.range?.[0] ?? 0)
    problems.push({ file, line: pos.line, column: pos.col, message })
  }

  /** `with:`/`secrets:` against what the target declares. */
  const checkArgs = (
    owner: YAMLMap,
    usesNode: Node,
    uses: string,
    target: UsesTarget,
    key: 'with' | 'secrets'
  ): void => {
    const args = owner.get(key, true)
    const decl = key === 'with' ? target.inputs : target.secrets
    const what = key === 'with' ? 'input' : 'secret'
    if (key === 'secrets' && isScalar(args) && args.value === 'inherit') return
    const given = new Set<string>()
    for (const pair of mapOf(args)?.items ?? []) {
      const name = String(isScalar(pair.key) ? pair.key.value : pair.key)
      given.add(name)
      if (!decl.has(name)) {
        const known = [...decl.keys()]
        at(
          pair.key as Node,
          `${what} '${name}' is not declared by ${uses} (${target.path})${closest(name, known)}; its ${what}s: ${known.join(', ') || 'none'}`
        )
      }
    }
    for (const [name, spec] of decl) {
      if (spec.required && !spec.hasDefault && !given.has(name)) {
        at(
          usesNode,
          `${uses} requires ${what} '${name}' (${target.path}), which this ${key === 'with' ? 'step' : 'job'} does not give`
        )
      }
    }
  }

  const usesOf = (owner: YAMLMap): UsesTarget | undefined => {
    const node = owner.get('uses', true)
    if (!isScalar(node) || typeof node.value !== 'string') return undefined
    const target = resolve(node.value)
    if (typeof target === 'string') at(node, target)
    if (typeof target !== 'object') return undefined
    checkArgs(owner, node, node.value, target, 'with')
    if (target.kind === 'workflow') {
      checkArgs(owner, node, node.value, target, 'secrets')
    }
    return target
  }

  const jobs = mapOf(mapOf(doc.contents)?.get('jobs'))
  for (const jobPair of jobs?.items ?? []) {
    const job = mapOf(jobPair.value)
    if (job === undefined) continue
    usesOf(job)
    const steps = job.get('steps', true)
    const byId = new Map<string, UsesTarget | undefined>()
    for (const item of isSeq(steps) ? steps.items : []) {
      const step = mapOf(item)
      if (step === undefined) continue
      const target = usesOf(step)
      const id = step.get('id')
      if (typeof id === 'string') byId.set(id, target)
    }
    // steps.<id>.outputs.<name> of our actions, anywhere in the job.
    const text = (node: unknown): void => {
      if (isScalar(node) && typeof node.value === 'string') {
        for (const m of node.value.matchAll(
          /steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g
        )) {
          const target = byId.get(m[1] ?? '')
          if (target !== undefined && !target.outputs.has(m[2] ?? '')) {
            at(
              node,
              `steps.${m[1]}.outputs.${m[2]}: ${target.path} has no output '${m[2]}'; its outputs: ${[...target.outputs].join(', ')}`
            )
          }
        }
      } else if (isMap(node)) {
        for (const p of node.items) text(p.value)
      } else if (isSeq(node)) {
        for (const i of node.items) text(i)
      }
    }
    text(job)
  }
  return problems
}
