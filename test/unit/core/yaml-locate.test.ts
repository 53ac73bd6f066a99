/**
 * `locateYamlPath` on the shapes real metric and spec files use: anchors and
 * tags before a value, `!!set` members (keys without values), empty sequence
 * items, flow collections, several documents. Positions are 1-based.
 */
import { locateYamlPath } from '../../../src/core/yaml.js'

const SPEC = `# metrics
time: &timing
    description: Wall-clock time.
    unit: s
    tags: &ccd !!set
        ? ap_verify
        ? diffim
cpu:
    <<: *timing
    unit: ms
    list:
    - first
    -
    - {k: v, w: [1, 2]}
`

describe('locateYamlPath', () => {
  it('points at a value past its anchor or tag', () => {
    expect(locateYamlPath(SPEC, 0, ['time'])).toEqual({ line: 3, column: 5 })
    expect(locateYamlPath(SPEC, 0, ['time', 'tags'])).toEqual({
      line: 6,
      column: 9
    })
  })

  it('finds the members of a set, which have no values', () => {
    expect(locateYamlPath(SPEC, 0, ['time', 'tags', 'diffim'])).toEqual({
      line: 7,
      column: 11
    })
    expect(locateYamlPath(SPEC, 0, ['time', 'tags', 'diffim'], true)).toEqual({
      line: 7,
      column: 11
    })
  })

  it('tells keys from values that spell the same', () => {
    const text = 'a: b\nb: c\n'
    expect(locateYamlPath(text, 0, ['b'])).toEqual({ line: 2, column: 4 })
    expect(locateYamlPath(text, 0, ['b'], true)).toEqual({
      line: 2,
      column: 1
    })
  })

  it('falls back to the nearest ancestor for merged or missing keys', () => {
    expect(locateYamlPath(SPEC, 0, ['cpu', 'description'])).toEqual({
      line: 9,
      column: 5
    })
    expect(locateYamlPath(SPEC, 0, ['cpu', 'unit'], true)).toEqual({
      line: 10,
      column: 5
    })
  })

  it('does not guess sequence indices past an empty item', () => {
    expect(locateYamlPath(SPEC, 0, ['cpu', 'list', 0])).toEqual({
      line: 12,
      column: 5
    })
    // `-` alone has no node: the list itself, never the wrong item.
    expect(locateYamlPath(SPEC, 0, ['cpu', 'list', 2, 'w'])).toEqual({
      line: 12,
      column: 5
    })
  })

  it('walks flow collections and later documents', () => {
    const text = '---\nx: 1\n---\n# two\ny: {k: [a, b]}\n'
    expect(locateYamlPath(text, 1, ['y', 'k', 1])).toEqual({
      line: 5,
      column: 12
    })
    expect(locateYamlPath(text, 0, ['x'])).toEqual({ line: 2, column: 4 })
    expect(locateYamlPath(text, 2, [])).toBeUndefined()
  })
})
