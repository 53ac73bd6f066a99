/**
 * Where a JSON text goes wrong. `JSON.parse` does not always say (V8 omits
 * the position for "Unexpected token"), so on the error path a small
 * validating scanner finds the offset of the first error.
 */

export interface JsonErrorAt {
  offset: number
  message: string
}

class JsonSyntaxAt extends Error {
  constructor(
    readonly offset: number,
    message: string
  ) {
    super(message)
  }
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonError(text: string): JsonErrorAt | undefined {
  let i = 0
  const fail = (message: string): never => {
    throw new JsonSyntaxAt(i, message)
  }
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++
  }
  const expect = (ch: string, what: string): void => {
    ws()
    if (text[i] !== ch)
      fail(
        i >= text.length
          ? `unexpected end of input, expected ${what}`
          : `expected ${what}, found ${JSON.stringify(text[i])}`
      )
    i++
  }
  const string = (): void => {
    i++ // opening quote
    while (i < text.length) {
      const ch = text[i]
      if (ch === '"') {
        i++
        return
      }
      if (ch === '\\') i++
      else if (ch !== undefined && ch < ' ')
        fail('control character in a string')
      i++
    }
    fail('unexpected end of input inside a string')
  }
  /** The items of an object or array, after its opening bracket. */
  const items = (close: string, item: () => void): void => {
    i++
    ws()
    if (text[i] === close) {
      i++
      return
    }
    for (;;) {
      item()
      ws()
      if (text[i] !== ',') break
      i++
    }
    expect(close, `',' or '${close}'`)
  }
  const value = (): void => {
    ws()
    const ch = text[i]
    if (ch === undefined) fail('unexpected end of input, expected a value')
    if (ch === '{') {
      items('}', () => {
        ws()
        if (text[i] !== '"')
          fail(
            i >= text.length
              ? 'unexpected end of input, expected a property name'
              : `expected a double-quoted property name, found ${JSON.stringify(text[i])}`
          )
        string()
        expect(':', "':'")
        value()
      })
      return
    }
    if (ch === '[') {
      items(']', value)
      return
    }
    if (ch === '"') {
      string()
      return
    }
    const literal =
      /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
        text.slice(i, i + 400)
      )
    if (literal === null) fail(`unexpected ${JSON.stringify(ch)}`)
    else i += literal[0].length
  }
  try {
    value()
    ws()
    if (i < text.length)
      fail(
        `unexpected ${JSON.stringify(text[i])} after the end of the document`
      )
    return undefined
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'offset' in error)
      return error as JsonErrorAt
    throw error
  }
}
