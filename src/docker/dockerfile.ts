/**
 * Just enough of the Dockerfile grammar to name a build step by its line:
 * parser directives (`# escape=`), comments, line continuations and build
 * stages. The engine numbers steps over the instructions in file order (the
 * global ARGs, then each stage up to the target), so step N is the Nth
 * instruction here.
 */

import { InputError } from '../core/errors.js'

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, … */
  keyword: string
  /** The instruction as written, continuation lines joined. */
  text: string
  /** 1-based line where it starts. */
  line: number
  /** 1-based line where it ends. */
  endLine: number
}

export interface Dockerfile {
  instructions: Instruction[]
  /** Stage names (lower-cased) by stage index; undefined for unnamed. */
  stages: (string | undefined)[]
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/

/** Parses the instructions of a Dockerfile; see the module comment. */
export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  let escape = '\\'
  let i = 0
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i] ?? '')
    if (m === null) break
    if (m[1]?.toLowerCase() === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') {
        throw new InputError(
          `Dockerfile:${i + 1}: invalid escape token ${JSON.stringify(m[2])}`,
          { hint: 'the escape directive takes \\ or `' }
        )
      }
      escape = m[2]
    }
  }
  const instructions: Instruction[] = []
  const stages: (string | undefined)[] = []
  const isContinued = (l: string): boolean => l.trimEnd().endsWith(escape)
  const isComment = (l: string): boolean => l.trimStart().startsWith('#')
  for (; i < lines.length; i++) {
    const first = lines[i] ?? ''
    if (first.trim() === '' || isComment(first)) continue
    const start = i
    let joined = ''
    let current = first
    while (isContinued(current) && i + 1 < lines.length) {
      joined += current.trimEnd().slice(0, -escape.length)
      i++
      current = lines[i] ?? ''
      // Comment and blank lines inside a continuation are dropped.
      while (
        i + 1 < lines.length &&
        (current.trim() === '' || isComment(current))
      ) {
        i++
        current = lines[i] ?? ''
      }
    }
    joined += isContinued(current)
      ? current.trimEnd().slice(0, -escape.length)
      : current
    const trimmed = joined.trim()
    const keyword = (/^\S+/.exec(trimmed)?.[0] ?? '').toUpperCase()
    instructions.push({
      keyword,
      text: trimmed,
      line: start + 1,
      endLine: i + 1
    })
    if (keyword === 'FROM') {
      const as = /\s+as\s+(\S+)\s*$/i.exec(trimmed)
      stages.push(as?.[1]?.toLowerCase())
    }
  }
  return { instructions, stages }
}

/**
 * The instructions the engine counts as steps when building `target` (all
 * stages when undefined): everything up to the end of the target stage.
 */
export function buildSteps(
  dockerfile: Dockerfile,
  target?: string
): Instruction[] {
  if (target === undefined) return dockerfile.instructions
  const index = dockerfile.stages.indexOf(target.toLowerCase())
  if (index === -1) {
    const names = dockerfile.stages.filter((s) => s !== undefined)
    throw new InputError(
      `target stage ${JSON.stringify(target)} is not in the Dockerfile`,
      {
        hint:
          names.length === 0
            ? 'name a stage with FROM <image> AS <name>'
            : `its named stages: ${names.join(', ')}`
      }
    )
  }
  let froms = 0
  const out: Instruction[] = []
  for (const instruction of dockerfile.instructions) {
    if (instruction.keyword === 'FROM' && froms++ > index) break
    out.push(instruction)
  }
  return out
}

/**
 * The instruction of step `step` (1-based) as the engine printed it in
 * `Step N/M : TEXT`; checked against the text, searched by text when the
 * numbering disagrees (a construct this parser does not know).
 */
export function instructionOfStep(
  steps: Instruction[],
  step: number,
  printed: string
): Instruction | undefined {
  const norm = (s: string): string =>
    s.replace(/\s+/g, ' ').trim().toLowerCase()
  const candidate = steps[step - 1]
  if (candidate !== undefined && norm(candidate.text) === norm(printed))
    return candidate
  const byText = steps.filter((s) => norm(s.text) === norm(printed))
  if (byText.length === 1) return byText[0]
  return byText.length === 0 ? candidate : undefined
}
