/**
 * Severity from a code's class. flake8 has no severities of its own, so the
 * code decides: the classes GitHub's Python starter workflow treats as fatal
 * (E9 syntax/IO errors, F63 invalid comparisons, F7 syntax errors such as
 * `return` outside a function, F82 undefined names) are errors; every other
 * pyflakes (F) and pycodestyle (E, W) code is a warning; mccabe complexity
 * (C9) and other C codes are notices. Longest matching prefix wins; a
 * user's rules win over these and over what a linter prints.
 */

import { InputError } from '../core/errors.js'
import { SEVERITIES, type Severity } from './finding.js'

/** Prefix → severity; the longest prefix that matches a code wins. */
export type SeverityRules = ReadonlyMap<string, Severity>

/** The defaults for flake8 and pycodestyle codes (see the module comment). */
export const PYTHON_SEVERITIES: SeverityRules = new Map<string, Severity>([
  ['E9', 'error'],
  ['F63', 'error'],
  ['F7', 'error'],
  ['F82', 'error'],
  ['E', 'warning'],
  ['F', 'warning'],
  ['W', 'warning'],
  ['C', 'notice']
])

/** pylint's message classes: fatal/error, warning, convention/refactor/info. */
export const PYLINT_SEVERITIES: SeverityRules = new Map<string, Severity>([
  ['F', 'error'],
  ['E', 'error'],
  ['W', 'warning'],
  ['C', 'notice'],
  ['R', 'notice'],
  ['I', 'notice']
])

/** The rule for `code`, or undefined when no prefix matches. */
export function matchSeverity(
  rules: SeverityRules,
  code: string | undefined
): Severity | undefined {
  if (code === undefined || rules.size === 0) return undefined
  for (let n = code.length; n > 0; n--) {
    const hit = rules.get(code.slice(0, n))
    if (hit !== undefined) return hit
  }
  return undefined
}

/**
 * Parses `E501=notice, W=error` (comma or newline separated) into rules.
 * `what` names the flag or input in errors.
 */
export function parseSeverityRules(
  text: string | readonly string[],
  what = 'severity'
): Map<string, Severity> {
  const items = (typeof text === 'string' ? [text] : text)
    .flatMap((t) => t.split(/[,\n]/))
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const rules = new Map<string, Severity>()
  for (const item of items) {
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(item)
    const level = m?.[2]?.toLowerCase()
    if (m === null || !SEVERITIES.includes(level as Severity)) {
      throw new InputError(
        `${what}: ${JSON.stringify(item)} is not CODE=LEVEL`,
        {
          hint: `write rules like E501=notice,W=error; LEVEL is one of ${SEVERITIES.join(', ')}; CODE is a code or a prefix of codes`
        }
      )
    }
    rules.set(m[1] as string, level as Severity)
  }
  return rules
}

/**
 * The severity of one finding: the user's rule for its code, else what the
 * linter printed, else the linter's table for the code, else `fallback`.
 */
export function resolveSeverity(
  code: string | undefined,
  printed: Severity | undefined,
  user: SeverityRules,
  table: SeverityRules,
  fallback: Severity = 'warning'
): Severity {
  return (
    matchSeverity(user, code) ??
    printed ??
    matchSeverity(table, code) ??
    fallback
  )
}
