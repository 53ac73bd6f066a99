/**
 * Splitting one line of text into an argv the way a POSIX shell splits
 * words — quotes and backslashes — but with none of a shell's expansions:
 * linter commands and dataset commands are read this way.
 */

import { InputError } from './errors.js'

export interface SplitWordsOptions {
  /**
   * Unquoted characters that are an error (they mean the author expected a
   * shell), with the hint to give.
   */
  refuse?: { chars: RegExp; hint: string }
}

/**
 * Splits `text` into words: blanks separate, '…' is literal, "…" allows
 * `\"` `\\` `\$` and `` \` ``, a backslash outside quotes escapes the next
 * character. `what` names the text in errors.
 */
export function splitWords(
  text: string,
  what: string,
  options: SplitWordsOptions = {}
): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: "'" | '"' | undefined
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quote === "'") {
      if (ch === "'") quote = undefined
      else word += ch
    } else if (quote === '"') {
      if (ch === '"') quote = undefined
      else if (ch === '\\' && /["\\$`]/.test(text[i + 1] ?? ''))
        word += text[++i] ?? ''
      else word += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i] ?? ''
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else if (options.refuse?.chars.test(ch) === true) {
      throw new InputError(
        `${what}: ${JSON.stringify(ch)} at column ${i + 1} is shell syntax, and the command runs without a shell`,
        { hint: options.refuse.hint }
      )
    } else {
      word += ch
      inWord = true
    }
  }
  if (quote !== undefined) {
    throw new InputError(
      `${what}: unterminated ${quote} quote in ${JSON.stringify(text)}`,
      { hint: 'close the quote' }
    )
  }
  if (inWord) words.push(word)
  return words
}
