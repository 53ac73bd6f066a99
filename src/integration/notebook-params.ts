/**
 * Notebook parameters, the way papermill injects them: the cell tagged
 * `parameters` holds the author's defaults, and a new code cell tagged
 * `injected-parameters` is put right after it (at the top when there is no
 * such cell), assigning the given values as Python literals, so that the
 * values keep their types (numbers stay numbers) and the defaults stay
 * readable in the executed notebook.
 */

import { InputError } from '../core/errors.js'
import type { ParamValue } from '../core/notebook-config.js'

export type { ParamValue } from '../core/notebook-config.js'

/** A notebook cell, as nbformat 4 writes it (what we touch of it). */
export interface NotebookCell {
  cell_type: string
  source: string | string[]
  metadata?: { tags?: string[]; [key: string]: unknown }
  [key: string]: unknown
}

/** An nbformat 4 notebook. */
export interface NotebookJson {
  nbformat: number
  cells: NotebookCell[]
  [key: string]: unknown
}

export const PARAMETERS_TAG = 'parameters'
export const INJECTED_TAG = 'injected-parameters'

/** Python identifiers; keywords are refused as papermill would fail on them. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' '
  )
)

/**
 * `KEY=VALUE` from the command line, typed as papermill's `-p` types it:
 * integers and floats become numbers, true/false booleans, null/None None,
 * a JSON list or object stays one; anything else is a string. Quote a
 * value ("42" in JSON quotes) to keep it a string.
 */
export function parseParamValue(text: string): ParamValue {
  const value = text.trim()
  if (/^[-+]?\d+$/.test(value)) return Number(value)
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(value))
    return Number(value)
  if (/^(true|True)$/.test(value)) return true
  if (/^(false|False)$/.test(value)) return false
  if (/^(null|None)$/.test(value)) return null
  if (/^[[{"]/.test(value)) {
    try {
      return JSON.parse(value) as ParamValue
    } catch {
      return text
    }
  }
  return text
}

/** Checks a parameter name; `what` names the flag or key. */
export function checkParamName(name: string, what: string): string {
  if (!IDENTIFIER.test(name) || KEYWORDS.has(name)) {
    throw new InputError(
      `${what}: ${JSON.stringify(name)} is not a Python variable name`,
      { hint: 'letters, digits and _, not starting with a digit, e.g. n_iter' }
    )
  }
  return name
}

/** Parses repeated `KEY=VALUE` flags; later ones win. */
export function parseParams(
  entries: readonly string[],
  what: string
): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {}
  for (const entry of entries) {
    const eq = entry.indexOf('=')
    if (eq <= 0) {
      throw new InputError(
        `${what}: ${JSON.stringify(entry)} is not KEY=VALUE`,
        { hint: 'e.g. --param threshold=0.5 --param title="Weekly"' }
      )
    }
    out[checkParamName(entry.slice(0, eq).trim(), what)] = parseParamValue(
      entry.slice(eq + 1)
    )
  }
  return out
}

/** A Python literal for `value` (JSON string escapes are Python's too). */
export function pythonLiteral(value: ParamValue): string {
  if (value === null) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "float('nan')"
    if (!Number.isFinite(value))
      return value > 0 ? "float('inf')" : "-float('inf')"
    return JSON.stringify(value)
  }
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`
  const items = Object.entries(value).map(
    ([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`
  )
  return `{${items.join(', ')}}`
}

const tagsOf = (cell: NotebookCell): string[] => cell.metadata?.tags ?? []

/** Reads a notebook's JSON; `file` names it in errors. */
export function parseNotebook(text: string, file: string): NotebookJson {
  let nb: unknown
  try {
    nb = JSON.parse(text)
  } catch (error) {
    throw new InputError(
      `${file} is not a notebook: ${(error as Error).message}`,
      {
        where: { file },
        hint: 'pass an .ipynb file saved by Jupyter (nbformat 4)'
      }
    )
  }
  const cells = (nb as { cells?: unknown }).cells
  const version = (nb as { nbformat?: unknown }).nbformat
  if (!Array.isArray(cells) || version !== 4) {
    throw new InputError(`${file} is not an nbformat 4 notebook`, {
      where: { file },
      hint: 'open and save it in Jupyter 4 or later, or `jupyter nbconvert --to notebook` it'
    })
  }
  return nb as NotebookJson
}

/**
 * A copy of `nb` with the `injected-parameters` cell (replacing one an
 * earlier run left) after the `parameters` cell, else first.
 */
export function injectParameters(
  nb: NotebookJson,
  values: Readonly<Record<string, ParamValue>>
): NotebookJson {
  const cells = nb.cells.filter((c) => !tagsOf(c).includes(INJECTED_TAG))
  const at = cells.findIndex((c) => tagsOf(c).includes(PARAMETERS_TAG))
  const lines = [
    '# Parameters (injected by stackci notebook run)',
    ...Object.entries(values).map(([k, v]) => `${k} = ${pythonLiteral(v)}`)
  ]
  const injected: NotebookCell = {
    // nbformat 4.5 wants an id on every cell.
    ...(Number(nb.nbformat_minor) >= 5 ? { id: INJECTED_TAG } : {}),
    cell_type: 'code',
    execution_count: null,
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    source: lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l))
  }
  cells.splice(at + 1, 0, injected)
  return { ...nb, cells }
}
