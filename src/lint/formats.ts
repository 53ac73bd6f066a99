/**
 * Output formats: one parser per format, each turning one line of a linter's
 * output into a {@link RawFinding} (or nothing, for summaries, source
 * excerpts and blank lines). Parsers are per line so a linter's output is
 * read as it streams, never held whole.
 */

import { InputError } from '../core/errors.js'
import type { RawFinding, Severity } from './finding.js'
import {
  PYLINT_SEVERITIES,
  PYTHON_SEVERITIES,
  type SeverityRules
} from './severity.js'

export interface Format {
  name: string
  /** What the format looks like, for `--help` and errors. */
  example: string
  parse(line: string): RawFinding | undefined
  /** Severities by code for linters that print none. */
  table: SeverityRules
}

const NO_RULES: SeverityRules = new Map()

// `.+?` keeps the first `:LINE:` as the separator, so a message may hold
// colons; the code is any non-space token, so plugin codes (B950, SIM102,
// WPS110, DAR101) are never dropped.
const FLAKE8 = /^(.+?):(\d+):(\d+): (\S+) ?(.*)$/
const UNIX = /^(.+?):(\d+):(\d+): (.*?) ?\[(Error|Warning)(?:\/([^\]]+))?\]$/
const COLON =
  /^(.+?):(\d+)(?::(\d+))?: *(?:(error|warning|note|info|notice|fatal error|fatal) *: *)?(.*?)(?: +\[([^\]\s]+)\])?$/
const PYLINT = /^(.+?):(\d+): \[([A-Z]\d+)(?:\(([^)]*)\))?(?:, [^\]]*)?\] (.*)$/
const TSC = /^(.+?)\((\d+),(\d+)\): (error|warning|message) (TS\d+): (.*)$/

const WORDS: Record<string, Severity> = {
  error: 'error',
  'fatal error': 'error',
  fatal: 'error',
  warning: 'warning',
  note: 'notice',
  info: 'notice',
  notice: 'notice',
  message: 'notice'
}

function int(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text)
}

function raw(
  file: string | undefined,
  line: string | undefined,
  column: string | undefined,
  message: string | undefined,
  code?: string,
  severity?: Severity
): RawFinding {
  const out: RawFinding = {
    file: file ?? '',
    line: Number(line),
    message: message ?? ''
  }
  const col = int(column)
  if (col !== undefined && col > 0) out.column = col
  if (code !== undefined && code !== '') out.code = code
  if (severity !== undefined) out.severity = severity
  return out
}

/** A format whose lines match one regular expression. */
function lineFormat(
  name: string,
  example: string,
  table: SeverityRules,
  pattern: RegExp,
  finding: (m: RegExpExecArray) => RawFinding
): Format {
  return {
    name,
    example,
    table,
    parse(line) {
      const m = pattern.exec(line)
      return m === null ? undefined : finding(m)
    }
  }
}

const flake8 = lineFormat(
  'flake8',
  'path/mod.py:12:5: E501 line too long (88 > 79 characters)',
  PYTHON_SEVERITIES,
  FLAKE8,
  (m) => raw(m[1], m[2], m[3], m[5], m[4])
)

export const FORMATS: ReadonlyMap<string, Format> = new Map<string, Format>([
  ['flake8', flake8],
  ['pycodestyle', { ...flake8, name: 'pycodestyle' }],
  [
    'unix',
    lineFormat(
      'unix',
      'src/a.js:3:7: Missing semicolon. [Error/semi]  (eslint -f unix)',
      NO_RULES,
      UNIX,
      (m) =>
        raw(
          m[1],
          m[2],
          m[3],
          m[4],
          m[6],
          m[5] === 'Error' ? 'error' : 'warning'
        )
    )
  ],
  [
    'colon',
    lineFormat(
      'colon',
      'file:line[:col]: [error|warning|note:] message [code]  (gcc, mypy, shellcheck -f gcc, pyflakes)',
      NO_RULES,
      COLON,
      (m) =>
        raw(
          m[1],
          m[2],
          m[3],
          m[5],
          m[6],
          m[4] === undefined ? undefined : WORDS[m[4]]
        )
    )
  ],
  [
    'pylint',
    lineFormat(
      'pylint',
      'pkg/a.py:3: [C0114(missing-module-docstring), ] Missing module docstring  (pylint -f parseable)',
      PYLINT_SEVERITIES,
      PYLINT,
      (m) =>
        raw(
          m[1],
          m[2],
          undefined,
          m[4] ? `${m[5] ?? ''} (${m[4]})` : m[5],
          m[3]
        )
    )
  ],
  [
    'tsc',
    lineFormat(
      'tsc',
      "src/a.ts(3,5): error TS2322: Type 'string' is not assignable …",
      NO_RULES,
      TSC,
      (m) => raw(m[1], m[2], m[3], m[6], m[5], WORDS[m[4] ?? ''])
    )
  ]
])

/** The format called `name`; an {@link InputError} listing them otherwise. */
export function formatNamed(name: string, what = 'format'): Format {
  const format = FORMATS.get(name)
  if (format === undefined) {
    throw new InputError(
      `${what}: unknown output format ${JSON.stringify(name)}`,
      {
        hint: `known formats: ${[...FORMATS.keys()].join(', ')}`
      }
    )
  }
  return format
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g

/** Strips colour codes and a trailing CR, which some linters print. */
export function cleanLine(line: string): string {
  let out = line.endsWith('\r') ? line.slice(0, -1) : line
  if (out.includes('\x1b')) out = out.replace(ANSI, '')
  return out
}
