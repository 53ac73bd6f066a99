import {
  deepCopy,
  formatName,
  isFullyQualified,
  makeName,
  matchesQuery,
  mergeDocuments,
  nameContains,
  NameError,
  pyEqual
} from './verify-api.js'

describe('names (lsst.verify Name)', () => {
  it.each([
    [{ package: 'validate_drp' }, 'validate_drp'],
    [{ package: 'validate_drp.PA1' }, 'validate_drp.PA1'],
    [{ package: 'validate_drp.PA1.design' }, 'validate_drp.PA1.design'],
    [{ package: 'validate_drp', metric: 'PA1' }, 'validate_drp.PA1'],
    [
      { package: 'validate_drp', spec: 'PA1.design' },
      'validate_drp.PA1.design'
    ],
    [{ metric: 'validate_drp.PA1', spec: 'design' }, 'validate_drp.PA1.design'],
    [
      {
        package: 'validate_drp',
        metric: 'PA1',
        spec: 'validate_drp.PA1.design'
      },
      'validate_drp.PA1.design'
    ],
    [{ spec: 'design' }, 'design'],
    [{ metric: 'PA1', spec: 'design' }, 'PA1.design']
  ])('builds %j as %s', (parts, fqn) => {
    expect(formatName(makeName(parts))).toBe(fqn)
  })

  it.each([
    [{ package: 'a.b.c.d' }, /cannot parse fully qualified name/],
    [{ metric: 'a.b.c' }, /cannot parse metric name/],
    [{ spec: 'a.b.c.d' }, /cannot parse specification name/],
    [{ package: 'validate_drp', spec: 'design' }, /has no metric/],
    [
      { package: 'jointcal', spec: 'validate_drp.PA1.design' },
      /conflicting package names "jointcal" and "validate_drp"/
    ],
    [
      { package: 'validate_drp', metric: 'AM1', spec: 'PA1.x' },
      /conflicting metric names "AM1" and "PA1"/
    ]
  ])('rejects %j', (parts, message) => {
    expect(() => makeName(parts)).toThrow(NameError)
    expect(() => makeName(parts)).toThrow(message)
  })

  it('knows what is fully qualified and what contains what', () => {
    expect(isFullyQualified(makeName({ package: 'p' }))).toBe(true)
    expect(isFullyQualified(makeName({ metric: 'PA1' }))).toBe(false)
    expect(isFullyQualified(makeName({ metric: 'PA1', spec: 'd' }))).toBe(false)
    const pkg = makeName({ package: 'validate_drp' })
    const metric = makeName({ package: 'validate_drp.PA1' })
    const spec = makeName({ package: 'validate_drp.PA1.design' })
    expect(nameContains(metric, spec)).toBe(true)
    expect(nameContains(pkg, spec)).toBe(true)
    expect(nameContains(pkg, metric)).toBe(true)
    expect(nameContains(metric, pkg)).toBe(false)
    expect(nameContains(spec, spec)).toBe(false)
    expect(nameContains(makeName({ package: 'jointcal' }), spec)).toBe(false)
  })
})

describe('merge rules (merge_documents)', () => {
  it('merges mappings recursively, the new value winning on scalars', () => {
    const base = { threshold: { unit: 'mmag', operator: '<=' }, name: 'base' }
    const next = { threshold: { value: 5 }, name: 'design' }
    expect(mergeDocuments(base, next)).toEqual({
      threshold: { unit: 'mmag', operator: '<=', value: 5 },
      name: 'design'
    })
  })

  it('concatenates lists, base first, duplicates kept', () => {
    expect(
      mergeDocuments(
        { visits: [1, 2], tags: ['a'] },
        { visits: [2, 3], tags: ['a', 'b'] }
      )
    ).toEqual({
      visits: [1, 2, 2, 3],
      tags: ['a', 'a', 'b']
    })
  })

  it('replaces on any type change: string over list, list over mapping, mapping over scalar, null over anything', () => {
    expect(mergeDocuments({ tags: ['a', 'b'] }, { tags: 'hsc' })).toEqual({
      tags: 'hsc'
    })
    expect(mergeDocuments({ q: { a: 1 } }, { q: [1] })).toEqual({ q: [1] })
    expect(mergeDocuments({ q: 5 }, { q: { a: 1 } })).toEqual({ q: { a: 1 } })
    expect(mergeDocuments({ q: { a: 1 } }, { q: null })).toEqual({ q: null })
  })

  it('an empty list does not clear inherited items', () => {
    expect(mergeDocuments({ tags: ['a'] }, { tags: [] })).toEqual({
      tags: ['a']
    })
  })

  it('never modifies its inputs', () => {
    const base = { a: { b: [1] } }
    const next = { a: { b: [2], c: { d: 1 } } }
    const before = [deepCopy(base), deepCopy(next)]
    const merged = mergeDocuments(base, next)
    ;(merged.a as { b: number[] }).b.push(99)
    expect([base, next]).toEqual(before)
  })
})

describe('metadata queries (MetadataQuery)', () => {
  const meta = {
    instrument: 'HSC',
    filter_name: 'HSC-R',
    visits: [903334, 903336],
    n: 1,
    flag: true,
    nested: { a: 1, b: [1, 2] },
    nothing: null
  }
  it.each<[Record<string, unknown>, boolean, string]>([
    [{}, true, 'an empty query matches every job'],
    [{ instrument: 'HSC' }, true, 'a matching term'],
    [{ instrument: 'HSC', filter_name: 'HSC-R' }, true, 'every term matching'],
    [{ instrument: 'HSC', filter_name: 'HSC-G' }, false, 'one term differing'],
    [{ dataset_repo_url: 'x' }, false, 'a term missing from the job'],
    [{ visits: [903334, 903336] }, true, 'lists in the same order'],
    [{ visits: [903336, 903334] }, false, 'lists in another order'],
    [{ n: 1.0 }, true, '1 == 1.0'],
    [{ flag: 1 }, true, 'True == 1'],
    [{ n: '1' }, false, "'1' != 1"],
    [{ nested: { b: [1, 2], a: 1 } }, true, 'mappings regardless of key order'],
    [{ nothing: null }, true, 'None == None'],
    [{ n: NaN }, false, 'NaN never matches']
  ])('%j → %s (%s)', (query, expected) => {
    expect(matchesQuery(query, meta)).toBe(expected)
  })

  it('arg-driven mode reverses the roles', () => {
    expect(
      matchesQuery(
        { instrument: 'HSC', filter_name: 'HSC-R' },
        { instrument: 'HSC' },
        true
      )
    ).toBe(true)
    expect(
      matchesQuery(
        { instrument: 'HSC' },
        { instrument: 'HSC', filter_name: 'HSC-R' },
        true
      )
    ).toBe(false)
    // An empty query with non-empty metadata is false in this mode (upstream).
    expect(matchesQuery({}, { instrument: 'HSC' }, true)).toBe(false)
    expect(matchesQuery({}, {}, true)).toBe(true)
  })

  it('compares like Python ==', () => {
    expect(pyEqual([1, [2, { a: 3 }]], [1.0, [2, { a: 3.0 }]])).toBe(true)
    expect(pyEqual(false, 0)).toBe(true)
    expect(pyEqual('a', ['a'])).toBe(false)
    expect(pyEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(pyEqual(new Date(0), new Date(0))).toBe(true)
  })
})
