/**
 * The command a dataset runs: an argv array handed to the engine as it is
 * (no shell between the user and the program unless asked for), read from
 * one line of text the way a shell splits words but without any of a
 * shell's expansions, and shown back quoted so it can be pasted.
 */

import { InputError } from '../core/errors.js'
import { splitWords } from '../core/words.js'

/** Placeholders replaced in every argument, per dataset. */
export interface CommandPlaceholders {
  dataset: string
  dataset_dir: string
  output_dir: string
}

/** Characters that mean the author expected a shell. */
const SHELL_SYNTAX = /[|&;<>()$`]/

/**
 * Splits `text` into words: blanks separate, '…' is literal, "…" allows
 * `\"` `\\` `\$` and `` \` ``, a backslash outside quotes escapes the next
 * character. A JSON array of strings is taken as the argv itself. Unquoted
 * shell syntax (pipes, `&&`, `$VAR`, redirections) is refused, with a hint:
 * nothing would interpret it.
 */
export function splitCommand(text: string, what = 'command'): string[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) return parseJsonArgv(trimmed, what)
  return splitWords(trimmed, what, {
    refuse: {
      chars: SHELL_SYNTAX,
      hint: 'quote it to pass it to the program as it is, or ask for a shell (--shell, input shell: true)'
    }
  })
}

function parseJsonArgv(text: string, what: string): string[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new InputError(
      `${what}: starts with [ but is not a JSON array: ${(error as Error).message}`,
      { hint: 'write ["prog", "arg", …] or plain words' }
    )
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new InputError(`${what}: a JSON command must be an array of strings`)
  }
  return value
}

/** The argv to run: placeholders filled, behind `/bin/sh -c` if asked. */
export function containerArgv(
  command: readonly string[],
  shell: boolean,
  values: CommandPlaceholders
): string[] {
  const filled = command.map((arg) =>
    arg.replace(
      /\{(dataset|dataset_dir|output_dir)\}/g,
      (_m, key: keyof CommandPlaceholders) => values[key]
    )
  )
  return shell ? ['/bin/sh', '-c', filled.join(' ')] : filled
}

/** Quotes one word for a POSIX shell, only when it needs it. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** The argv as one pasteable line. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ')
}
