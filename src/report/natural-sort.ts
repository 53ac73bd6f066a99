/**
 * Natural order for the names a report lists (metrics, lines, datasets):
 * runs of digits compare as numbers, so `pkg.m2` comes before `pkg.m10`
 * and `visit 9` before `visit 10`. Everything else compares by code point,
 * the same on every machine (no locale), so two runs list alike.
 */

const CHUNK = /(\d+)|(\D+)/g

function chunks(text: string): string[] {
  return text.match(CHUNK) ?? []
}

/** Negative, zero or positive, as `Array.prototype.sort` wants. */
export function naturalCompare(a: string, b: string): number {
  const x = chunks(a)
  const y = chunks(b)
  // Equal numbers written differently (1, 01): fewer leading zeros first,
  // but only when nothing after them differs.
  let zeros = 0
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string
    const q = y[i] as string
    if (p === q) continue
    const digits = /^\d/.test(p) && /^\d/.test(q)
    if (digits) {
      // Compare as numbers without parsing (no precision limit): fewer
      // digits once leading zeros are gone is smaller, else by text.
      const u = p.replace(/^0+(?=\d)/, '')
      const v = q.replace(/^0+(?=\d)/, '')
      if (u.length !== v.length) return u.length - v.length
      if (u !== v) return u < v ? -1 : 1
      if (zeros === 0) zeros = p.length - q.length
      continue
    }
    return p < q ? -1 : 1
  }
  return x.length - y.length || zeros || (a < b ? -1 : a > b ? 1 : 0)
}

/** A comparator by `key`, in natural order. */
export function byNaturalKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => naturalCompare(key(a), key(b))
}
