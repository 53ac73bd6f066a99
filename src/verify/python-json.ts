/**
 * JSON exactly as Python's `json.dumps(obj, indent=2, sort_keys=True)`
 * writes it (what lsst.verify's `Job.write` produces): ASCII-only strings,
 * `", "`-free separators with indentation, sorted keys, and floats in
 * Python's `repr` form (`5.0`, `1e-05`, `1e+16`).
 */

/** A number that must print as a Python float even when it is integral. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Python's `repr(float)`: the shortest round-trip digits, Python layout. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mantissa = '', expText = '0'] = x.toExponential().split('e')
  const exp = Number(expText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  let out: string
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0')
      const frac = digits.slice(exp + 1)
      out = `${intPart}.${frac === '' ? '0' : frac}`
    } else {
      out = `0.${'0'.repeat(-exp - 1)}${digits}`
    }
  } else {
    const frac = digits.slice(1)
    const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
    out = `${digits[0] ?? ''}${frac === '' ? '' : `.${frac}`}e${e}`
  }
  return negative ? `-${out}` : out
}

function pythonString(s: string): string {
  let out = '"'
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\b') out += '\\b'
    else if (ch === '\f') out += '\\f'
    else if (code < 0x20 || (code >= 0x7f && code <= 0xffff)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`
    } else if (code > 0xffff) {
      // Surrogate pair, as Python's ensure_ascii writes it.
      const v = code - 0x10000
      const hi = 0xd800 + (v >> 10)
      const lo = 0xdc00 + (v & 0x3ff)
      out += `\\u${hi.toString(16)}\\u${lo.toString(16)}`
    } else out += ch
  }
  return `${out}"`
}

/** Serialises like Python's json with `indent` and `sort_keys=True`. */
export function toPythonJson(value: unknown, indent = 2): string {
  const write = (v: unknown, depth: number): string => {
    const pad = ' '.repeat(indent * (depth + 1))
    const end = ' '.repeat(indent * depth)
    if (v instanceof PyFloat) return pythonFloatRepr(v.value)
    if (v === null || v === undefined) return 'null'
    if (typeof v === 'boolean') return v ? 'true' : 'false'
    if (typeof v === 'number') {
      return Number.isInteger(v) && Math.abs(v) < 1e16
        ? String(v)
        : pythonFloatRepr(v)
    }
    if (typeof v === 'string') return pythonString(v)
    if (v instanceof Date) return pythonString(v.toISOString())
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]'
      return `[\n${v.map((x) => pad + write(x, depth + 1)).join(',\n')}\n${end}]`
    }
    if (typeof v === 'object') {
      const keys = Object.keys(v).sort(byCodePoint)
      if (keys.length === 0) return '{}'
      const rec = v as Record<string, unknown>
      return `{\n${keys
        .map((k) => `${pad}${pythonString(k)}: ${write(rec[k], depth + 1)}`)
        .join(',\n')}\n${end}}`
    }
    return typeof v === 'bigint' ? v.toString() : 'null'
  }
  return write(value, 0)
}

/** Python sorts str keys by code point, not by UTF-16 unit. */
function byCodePoint(a: string, b: string): number {
  const ca = Array.from(a)
  const cb = Array.from(b)
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]?.codePointAt(0) ?? 0
    const y = cb[i]?.codePointAt(0) ?? 0
    if (x !== y) return x - y
  }
  return ca.length - cb.length
}
