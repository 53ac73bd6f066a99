/**
 * The syntax of Jenkins build parameters as the action and the CLI take
 * them: `KEY=value` lines or a YAML map (the action's `parameters`), and one
 * `--param K=V` flag.
 */

import { InputError } from '../core/errors.js'
import { jsyaml } from '../core/js-yaml.js'
import type { BuildParameters } from './trigger.js'

/** `KEY=value` with a plain name before the first `=` (no `:`). */
const KEY_VALUE = /^[^\s=:#][^=:]*=/

/**
 * Build parameters from text: `KEY=value` lines (the value is everything
 * after the first `=`, trimmed), or a YAML map whose values are kept as
 * written (`SHA: 0123` stays "0123"; quote to keep outer spaces).
 */
export function parseParameters(
  text: string | undefined,
  what: string
): BuildParameters {
  if (text === undefined || text.trim() === '') return []
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  const pairs: [string, string][] = lines.every((l) => KEY_VALUE.test(l))
    ? lines.map((l) => {
        const eq = l.indexOf('=')
        return [l.slice(0, eq).trim(), l.slice(eq + 1).trim()]
      })
    : yamlPairs(text, what)
  const seen = new Set<string>()
  for (const [key] of pairs) {
    if (seen.has(key)) throw new InputError(`${what} sets ${key} twice`)
    seen.add(key)
  }
  return pairs
}

function yamlPairs(text: string, what: string): [string, string][] {
  let value: unknown
  try {
    // failsafe: every scalar stays the string it was written as.
    value = jsyaml().load(text, { schema: jsyaml().FAILSAFE_SCHEMA })
  } catch (error) {
    throw new InputError(
      `${what} is neither KEY=value lines nor a YAML map: ${(error as Error).message.split('\n')[0] ?? ''}`
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `${what} must be KEY=value lines or a YAML map, got ${JSON.stringify(text.slice(0, 60))}`,
      {
        hint: 'one parameter per line, e.g. SHA=${{ github.sha }}'
      }
    )
  }
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => {
    // `KEY:` with nothing after it is an empty parameter.
    if (v === null) return [k, '']
    if (typeof v !== 'string') {
      throw new InputError(
        `${what}: parameter ${k} must be a single value, not a list or map`
      )
    }
    return [k, v]
  })
}

/** One `--param K=V` flag. */
export function parseParamFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=')
  if (eq <= 0) {
    throw new InputError(
      `--param must be KEY=VALUE, got ${JSON.stringify(flag)}`
    )
  }
  return [flag.slice(0, eq).trim(), flag.slice(eq + 1)]
}
