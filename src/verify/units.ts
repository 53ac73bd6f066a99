/**
 * Units as lsst.verify sees them through astropy: parsing of astropy unit
 * strings (names, SI and binary prefixes, aliases, products, quotients and
 * powers), astropy's canonical spelling (`milliarcsecond` → `marcsec`,
 * `percent` → `%`), and conversion factors that are bit-identical to
 * astropy's, because they are computed the same way: each unit's scale is
 * decomposed to irreducible bases in astropy's multiplication order and a
 * factor is the ratio of two such scales.
 */

import { UnitError } from '../core/errors.js'
import { closest } from '../core/schema.js'
import {
  PHYSICAL_TYPES,
  SI_PREFIXES,
  UNIT_DEFS,
  type PrefixSpec,
  type UnitDef
} from './unit-registry.js'

/** A parsed unit. Two units are interchangeable when `dims` are equal. */
export interface Unit {
  /** astropy's `str(unit)`, e.g. `marcsec`, `%`, `mmag / s`, `` (dimensionless). */
  readonly name: string
  /** The scale of the unit decomposed into irreducible bases. */
  readonly scale: number
  /** The irreducible bases and powers, as `base:power,…` sorted; `''` if none. */
  readonly dims: string
  /** A human name of the dimensions (`angle`, `time`, …) or the dims key. */
  readonly kind: string
}

interface Decomposed {
  scale: number
  dims: Map<string, number>
}

interface NamedUnit {
  /** Canonical (first) name. */
  name: string
  display: string
  decomposed: Decomposed
}

const EPS = 2.220446049250313e-16

/** astropy's `sanitize_scale`: values within 4 ulp of 1 are exactly 1. */
function sanitize(scale: number): number {
  return Math.abs(scale - 1.0) <= 4.0 * EPS ? 1.0 : scale
}

/** `x ** p` as Python's float power gives it for the integer powers used. */
function power(x: number, p: number): number {
  if (p === 1) return x
  if (p === -1) return 1 / x
  if (p === 2) return x * x
  return x ** p
}

let registry: Map<string, NamedUnit> | undefined

function buildRegistry(): Map<string, NamedUnit> {
  const units = new Map<string, NamedUnit>()
  const define = (
    names: string[],
    display: string,
    factor: number,
    terms: ReadonlyArray<readonly [string, number]> | undefined
  ): void => {
    let decomposed: Decomposed
    const canonical = names[0] ?? ''
    if (terms === undefined) {
      decomposed = { scale: 1, dims: new Map([[canonical, 1]]) }
    } else {
      decomposed = composeTerms(
        factor,
        terms.map(([n, p]) => {
          const base = units.get(n)
          if (base === undefined)
            throw new Error(`unit registry: ${n} undefined`)
          return [base, p] as const
        })
      )
    }
    const unit: NamedUnit = { name: canonical, display, decomposed }
    for (const n of names) if (!units.has(n)) units.set(n, unit)
  }
  for (const def of UNIT_DEFS) {
    const names = [
      ...def.short,
      ...(def.long ?? []).filter((n) => !def.short.includes(n))
    ]
    const [factor, terms] = def.rep ?? [1, undefined]
    define(names, def.display ?? def.short[0] ?? '', factor, terms)
    for (const [short, long, prefixFactor] of prefixesOf(def)) {
      const exclude = def.exclude ?? []
      const prefixed: string[] = []
      for (const p of short) {
        if (exclude.includes(p)) continue
        for (const alias of def.short) prefixed.push(p + alias)
      }
      for (const p of long) {
        if (exclude.includes(p)) continue
        for (const alias of def.long ?? []) prefixed.push(p + alias)
      }
      if (prefixed.length > 0) {
        define(prefixed, prefixed[0] ?? '', prefixFactor, [
          [def.short[0] ?? '', 1]
        ])
      }
    }
  }
  // astropy's parser reads `%` as percent.
  const percent = units.get('percent')
  if (percent !== undefined) units.set('%', percent)
  return units
}

function prefixesOf(def: UnitDef): readonly PrefixSpec[] {
  if (def.prefixes === true) return SI_PREFIXES
  if (def.prefixes === undefined || def.prefixes === false) return []
  return def.prefixes
}

/**
 * astropy's `CompositeUnit(factor, bases, powers).decompose()`: bases are
 * ordered by (−power, name), then each base's decomposed scale is multiplied
 * in, raised to its power; the result is sanitized.
 */
function composeTerms(
  factor: number,
  terms: ReadonlyArray<readonly [NamedUnit, number]>
): Decomposed {
  const ordered = [...terms].sort(
    (a, b) => b[1] - a[1] || compareStrings(a[0].name, b[0].name)
  )
  let scale = factor
  const dims = new Map<string, number>()
  for (const [unit, p] of ordered) {
    scale *= power(unit.decomposed.scale, p)
    for (const [base, bp] of unit.decomposed.dims) {
      dims.set(base, (dims.get(base) ?? 0) + bp * p)
    }
  }
  for (const [base, p] of [...dims]) if (p === 0) dims.delete(base)
  return { scale: sanitize(scale), dims }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function dimsKey(dims: Map<string, number>): string {
  return [...dims]
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([b, p]) => `${b}:${p}`)
    .join(',')
}

function namedUnits(): Map<string, NamedUnit> {
  registry ??= buildRegistry()
  return registry
}

/** Every unit name the parser knows (for suggestions and docs). */
export function knownUnitNames(): string[] {
  return [...namedUnits().keys()]
}

// ---------------------------------------------------------------------------
// Parsing: astropy's generic format, the parts of it unit strings use.

type Token =
  | { kind: 'name'; text: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'op'; text: string; pos: number }

const TOKEN =
  /\s*(?:(\*\*|\^|[*/().])|([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(%|[^\W\d]+))/y

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break
    const pos = TOKEN.lastIndex
    const m = TOKEN.exec(text)
    if (m === null) {
      const at = text.slice(pos).trimStart()
      throw unknown(text, `unexpected ${JSON.stringify(at[0] ?? '')}`)
    }
    if (m[1] !== undefined) tokens.push({ kind: 'op', text: m[1], pos })
    else if (m[2] !== undefined)
      tokens.push({ kind: 'number', value: Number(m[2]), pos })
    else tokens.push({ kind: 'name', text: m[3] ?? '', pos })
  }
  return tokens
}

function unknown(text: string, why: string): UnitError {
  return new UnitError(`${JSON.stringify(text)} is not a valid unit: ${why}`, {
    hint: "use an astropy unit string such as 'mmag', 'marcsec', '%', 'nJy', 's', 'pix' or '' (dimensionless)"
  })
}

/** A unit under construction: scale and named bases with powers. */
interface Composite {
  scale: number
  terms: Map<NamedUnit, number>
}

class Parser {
  #i = 0
  constructor(
    readonly text: string,
    readonly tokens: Token[]
  ) {}

  parse(): Composite {
    const result = this.#quotient()
    const extra = this.tokens[this.#i]
    if (extra !== undefined) {
      throw unknown(this.text, `unexpected ${describe(extra)}`)
    }
    return result
  }

  // quotient := product ('/' product)*  — `a / b c` is a / (b c), as astropy.
  #quotient(): Composite {
    let left = this.#product()
    while (this.#peekOp('/')) {
      this.#i++
      left = combine(left, this.#product(), -1)
    }
    return left
  }

  #product(): Composite {
    let left = this.#power()
    for (;;) {
      const next = this.tokens[this.#i]
      if (next === undefined) return left
      if (next.kind === 'op' && (next.text === '*' || next.text === '.')) {
        this.#i++
        left = combine(left, this.#power(), 1)
      } else if (next.kind !== 'op' || next.text === '(') {
        left = combine(left, this.#power(), 1)
      } else {
        return left
      }
    }
  }

  #power(): Composite {
    const base = this.#atom()
    const next = this.tokens[this.#i]
    let exponent: number | undefined
    if (next?.kind === 'op' && (next.text === '**' || next.text === '^')) {
      this.#i++
      exponent = this.#exponent()
    } else if (
      next?.kind === 'number' &&
      Number.isInteger(next.value) &&
      base.fromName
    ) {
      // `m2`, `s-1`: an integer written right after a unit name is a power.
      this.#i++
      exponent = next.value
    }
    return exponent === undefined ? base.value : raise(base.value, exponent)
  }

  #exponent(): number {
    const t = this.tokens[this.#i]
    if (t?.kind === 'number') {
      this.#i++
      return t.value
    }
    if (t?.kind === 'op' && t.text === '(') {
      this.#i++
      const n = this.tokens[this.#i]
      if (n?.kind !== 'number')
        throw unknown(this.text, 'expected a number in the power')
      this.#i++
      let value = n.value
      if (this.#peekOp('/')) {
        this.#i++
        const d = this.tokens[this.#i]
        if (d?.kind !== 'number')
          throw unknown(this.text, 'expected a denominator')
        this.#i++
        value /= d.value
      }
      this.#expectOp(')')
      return value
    }
    throw unknown(this.text, 'expected a power after ** or ^')
  }

  #atom(): { value: Composite; fromName: boolean } {
    const t = this.tokens[this.#i]
    if (t === undefined) throw unknown(this.text, 'unexpected end')
    this.#i++
    if (t.kind === 'number')
      return { value: { scale: t.value, terms: new Map() }, fromName: false }
    if (t.kind === 'name') {
      const unit = namedUnits().get(t.text)
      if (unit === undefined) {
        const near = closest(t.text, knownUnitNames())
        throw new UnitError(
          `${JSON.stringify(this.text)} is not a valid unit: ${JSON.stringify(t.text)} is unknown`,
          {
            hint:
              t.text === 'dimensionless'
                ? "write '' (an empty string) for a dimensionless unit"
                : near === undefined
                  ? "use an astropy unit string such as 'mmag', 'marcsec', '%', 'nJy', 's', 'pix' or ''"
                  : `did you mean ${JSON.stringify(near)}?`
          }
        )
      }
      return {
        value: { scale: 1, terms: new Map([[unit, 1]]) },
        fromName: true
      }
    }
    if (t.text === '(') {
      const inner = this.#quotient()
      this.#expectOp(')')
      return { value: inner, fromName: false }
    }
    throw unknown(this.text, `unexpected ${describe(t)}`)
  }

  #peekOp(op: string): boolean {
    const t = this.tokens[this.#i]
    return t?.kind === 'op' && t.text === op
  }

  #expectOp(op: string): void {
    if (!this.#peekOp(op))
      throw unknown(this.text, `expected ${JSON.stringify(op)}`)
    this.#i++
  }
}

function describe(t: Token): string {
  return t.kind === 'number' ? String(t.value) : JSON.stringify(t.text)
}

function combine(a: Composite, b: Composite, sign: 1 | -1): Composite {
  const terms = new Map(a.terms)
  for (const [u, p] of b.terms) terms.set(u, (terms.get(u) ?? 0) + sign * p)
  return { scale: sign === 1 ? a.scale * b.scale : a.scale / b.scale, terms }
}

function raise(a: Composite, p: number): Composite {
  const terms = new Map<NamedUnit, number>()
  for (const [u, q] of a.terms) terms.set(u, q * p)
  return { scale: power(a.scale, p), terms }
}

/** astropy's generic `to_string` of a composite unit. */
function formatComposite(c: Composite, terms: [NamedUnit, number][]): string {
  if (terms.length === 1 && c.scale === 1 && terms[0]?.[1] === 1) {
    return terms[0][0].display
  }
  const parts: string[] = []
  if (c.scale !== 1) parts.push(formatScale(c.scale))
  const byName = (x: [NamedUnit, number], y: [NamedUnit, number]): number =>
    compareStrings(x[0].display.toLowerCase(), y[0].display.toLowerCase())
  const list = (items: [NamedUnit, number][]): string =>
    items
      .sort(byName)
      .map(([u, p]) => (p === 1 ? u.display : `${u.display}${formatPower(p)}`))
      .join(' ')
  const positives = terms.filter(([, p]) => p > 0)
  const negatives = terms
    .filter(([, p]) => p < 0)
    .map(([u, p]): [NamedUnit, number] => [u, -p])
  if (terms.length > 0) {
    if (positives.length > 0) parts.push(list(positives))
    else if (parts.length === 0) parts.push('1')
    if (negatives.length > 0) {
      parts.push('/')
      parts.push(
        negatives.length === 1 ? list(negatives) : `(${list(negatives)})`
      )
    }
  }
  return parts.join(' ')
}

function formatPower(p: number): string {
  if (Number.isInteger(p)) return String(p)
  return `(${String(p)})`
}

/** Python's `f"{x:g}"`. */
function formatScale(x: number): string {
  if (x === 0) return '0'
  const exp = Math.floor(Math.log10(Math.abs(x)))
  if (exp < -4 || exp >= 6) {
    const [mantissa, e] = x.toExponential(5).split('e')
    const m = (mantissa ?? '').replace(/\.?0+$/, '')
    const n = Number(e)
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`
  }
  return String(Number(x.toPrecision(6)))
}

const cache = new Map<string, Unit>()

/**
 * Parses an astropy unit string. `''` (or only spaces) is dimensionless.
 * Throws {@link UnitError} naming the bad part and a likely fix.
 */
export function parseUnit(text: string): Unit {
  const hit = cache.get(text)
  if (hit !== undefined) return hit
  const unit = parseUncached(text)
  cache.set(text, unit)
  return unit
}

function parseUncached(text: string): Unit {
  if (typeof text !== 'string') {
    throw new UnitError(`a unit must be a string, got ${typeof text}`)
  }
  if (text.trim() === '') return makeUnit('', 1, new Map())
  const composite = new Parser(text, tokenize(text)).parse()
  const terms = [...composite.terms].filter(([, p]) => p !== 0)
  const gathered = composeTerms(composite.scale, terms)
  return makeUnit(
    formatComposite(composite, terms),
    gathered.scale,
    gathered.dims
  )
}

function makeUnit(
  name: string,
  scale: number,
  dims: Map<string, number>
): Unit {
  const key = dimsKey(dims)
  return { name, scale, dims: key, kind: PHYSICAL_TYPES[key] ?? key }
}

/** True when values in `a` can be expressed in `b`. */
export function isConvertible(a: Unit, b: Unit): boolean {
  return a.dims === b.dims
}

function label(u: Unit): string {
  return `${JSON.stringify(u.name)} (${u.kind})`
}

/**
 * The factor that turns a value in `from` into a value in `to`, exactly as
 * astropy's `Unit.to` computes it. Throws {@link UnitError} when the units
 * measure different things.
 */
export function conversionFactor(from: Unit, to: Unit): number {
  if (from.dims !== to.dims) {
    throw new UnitError(`${label(from)} and ${label(to)} are not convertible`, {
      hint: 'give the measurement or threshold in a unit of the same kind'
    })
  }
  return from.scale / to.scale
}

/** Converts `value` from one unit to another (astropy `Quantity.to`). */
export function convertValue(value: number, from: Unit, to: Unit): number {
  const factor = conversionFactor(from, to)
  return factor === 1.0 ? value : factor * value
}

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!='

export const OPERATORS: readonly Operator[] = ['<', '<=', '>', '>=', '==', '!=']

export function isOperator(value: unknown): value is Operator {
  return (
    typeof value === 'string' &&
    (OPERATORS as readonly string[]).includes(value)
  )
}

/**
 * `measured op threshold` as astropy compares two quantities: the threshold
 * is converted into the measurement's unit; NaN fails every operator but
 * `!=`. Like astropy, `==` and `!=` between incompatible units are simply
 * false and true; the ordering operators throw {@link UnitError}.
 */
export function compareQuantities(
  measured: number,
  measuredUnit: Unit,
  op: Operator,
  threshold: number,
  thresholdUnit: Unit
): boolean {
  if (measuredUnit.dims !== thresholdUnit.dims) {
    if (op === '==') return false
    if (op === '!=') return true
    throw new UnitError(
      `cannot compare a measurement in ${label(measuredUnit)} with a threshold in ${label(thresholdUnit)}`,
      {
        hint: 'the metric and the specification must use units of the same kind'
      }
    )
  }
  const t = convertValue(threshold, thresholdUnit, measuredUnit)
  switch (op) {
    case '<':
      return measured < t
    case '<=':
      return measured <= t
    case '>':
      return measured > t
    case '>=':
      return measured >= t
    case '==':
      return measured === t
    case '!=':
      return measured !== t
  }
}
