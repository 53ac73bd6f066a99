/**
 * Which linters to run, from one line each of the `linters` input (or a
 * `--linter` flag):
 *
 *     flake8                                  the default command
 *     flake8: python3 -m flake8 --max-line-length=100
 *     eslint[unix]: npx eslint -f unix src    any command, any known format
 *     verify-yaml: metrics                    the built-in metric/spec lint
 *
 * Commands are split like a shell would split words (quotes, backslashes)
 * but never run through a shell.
 */

import { splitWords } from '../core/words.js'
import { InputError } from '../core/errors.js'
import { formatNamed, type Format } from './formats.js'

/** The built-in lint of a metrics package (metrics/ and specs/ YAML). */
export const VERIFY_YAML = 'verify-yaml'

export interface CommandLinter {
  kind: 'command'
  name: string
  format: Format
  /** Executable and the user's arguments. */
  argv: string[]
  /** Arguments stackci adds after the user's so the output stays parseable. */
  forced: string[]
  /** The line as given, for messages. */
  source: string
}

export interface VerifyYamlLinter {
  kind: 'verify-yaml'
  name: string
  /** The metrics package directory, relative to the project root. */
  definitions: string
  source: string
}

export type Linter = CommandLinter | VerifyYamlLinter

interface Known {
  argv: string[]
  format: string
  forced?: string[]
}

/** Linters that need no command: what runs, how its output reads. */
const KNOWN: Record<string, Known> = {
  // --format=default beats a `format =` in the project's config.
  flake8: { argv: ['flake8'], format: 'flake8', forced: ['--format=default'] },
  pycodestyle: {
    argv: ['pycodestyle'],
    format: 'pycodestyle',
    forced: ['--format=default']
  },
  pylint: {
    argv: ['pylint'],
    format: 'pylint',
    forced: ['--output-format=parseable']
  },
  mypy: { argv: ['mypy', '--show-column-numbers'], format: 'colon' },
  eslint: {
    argv: ['npx', '--no-install', 'eslint', '-f', 'unix'],
    format: 'unix'
  },
  tsc: {
    argv: ['npx', '--no-install', 'tsc', '--noEmit', '--pretty', 'false'],
    format: 'tsc'
  }
}

const SPEC = /^([A-Za-z][\w.-]*)(?:\[([\w-]+)\])?\s*(?::\s*(.*))?$/

/** Parses one linter line (see the module comment). */
export function parseLinter(text: string, what = 'linters'): Linter {
  const source = text.trim()
  const m = SPEC.exec(source)
  const fail = (message: string): never => {
    throw new InputError(`${what}: ${message}`, {
      hint: 'write NAME, NAME: COMMAND or NAME[FORMAT]: COMMAND, e.g. "flake8", "flake8: python3 -m flake8", "eslint[unix]: npx eslint -f unix src"'
    })
  }
  if (m === null) return fail(`cannot read linter ${JSON.stringify(source)}`)
  const name = m[1] as string
  const command = m[3]?.trim() === '' ? undefined : m[3]?.trim()
  if (name === VERIFY_YAML) {
    if (m[2] !== undefined) fail(`${VERIFY_YAML} takes no [format]`)
    return { kind: 'verify-yaml', name, definitions: command ?? '.', source }
  }
  const known = KNOWN[name]
  if (command === undefined && known === undefined) {
    fail(
      `${JSON.stringify(name)} needs a command (${name}[FORMAT]: COMMAND); built in: ${[...Object.keys(KNOWN), VERIFY_YAML].join(', ')}`
    )
  }
  const format = formatNamed(
    m[2] ?? known?.format ?? 'colon',
    `${what}: ${name}`
  )
  const argv =
    command === undefined
      ? [...(known?.argv ?? [])]
      : splitCommand(command, what)
  if (argv.length === 0) fail(`${name}: empty command`)
  return {
    kind: 'command',
    name,
    format,
    argv,
    forced: [...(known?.forced ?? [])],
    source
  }
}

/** Parses every line; duplicate names are an error (counts are by name). */
export function parseLinters(
  lines: readonly string[],
  what = 'linters'
): Linter[] {
  const linters = lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => parseLinter(l, what))
  const seen = new Set<string>()
  for (const l of linters) {
    if (seen.has(l.name)) {
      throw new InputError(`${what}: ${l.name} is listed twice`, {
        hint: 'give each linter once; counts and metrics are kept per name'
      })
    }
    seen.add(l.name)
  }
  if (linters.length === 0) {
    throw new InputError(`${what}: no linter given`, {
      hint: 'name at least one, e.g. flake8'
    })
  }
  return linters
}

/** Splits a command into words like a POSIX shell (quotes, `\`), no expansion. */
export function splitCommand(command: string, what = 'command'): string[] {
  return splitWords(command, what)
}
