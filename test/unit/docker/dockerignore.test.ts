import { InputError } from '../../../src/core/index.js'
import {
  cleanPath,
  parseDockerignore,
  PatternMatcher
} from '../../../src/docker/index.js'

describe('parseDockerignore', () => {
  it('reads lines the way the docker CLI does', () => {
    const text = [
      '\uFEFF# comment (after a BOM)',
      '',
      '   ',
      '  spaced.txt  ',
      ' # not a comment: # only counts in column 1',
      '/rooted/dir/',
      '!/rooted/dir/keep',
      '! spaced-exception',
      './a/../b//c/.',
      '/',
      '!',
      'C:\\dos'
    ].join('\r\n')
    expect(parseDockerignore(text)).toEqual([
      { pattern: 'spaced.txt', line: 4 },
      { pattern: '# not a comment: # only counts in column 1', line: 5 },
      { pattern: 'rooted/dir', line: 6 },
      { pattern: '!rooted/dir/keep', line: 7 },
      { pattern: '!spaced-exception', line: 8 },
      { pattern: 'b/c', line: 9 },
      { pattern: '/', line: 10 },
      { pattern: '!', line: 11 },
      { pattern: 'C:\\dos', line: 12 }
    ])
  })

  it.each([
    ['', '.'],
    ['a/./b/', 'a/b'],
    ['../a/../../b', '../../b'],
    ['/../a', '/a'],
    ['a//b', 'a/b'],
    ['/', '/']
  ])('cleans %j to %j as Go does', (input, output) => {
    expect(cleanPath(input)).toBe(output)
  })
})

/** [patterns, path, excluded?] — the last matching pattern wins. */
const cases: [string[], string, boolean][] = [
  [['foo'], 'foo', true],
  [['foo'], 'foo/bar/baz', true],
  [['foo'], 'foobar', false],
  [['foo'], 'x/foo', false],
  [['*.md'], 'a.md', true],
  [['*.md'], 'dir/a.md', false],
  [['*/*.md'], 'dir/a.md', true],
  [['?.py'], 'a.py', true],
  [['?.py'], 'ab.py', false],
  [['?.py'], '😀.py', true],
  [['[ab]*'], 'apple', true],
  [['[ab]*'], 'cherry', false],
  [['[^a]*'], 'apple', false],
  [['[^a]*'], 'banana', true],
  [['**'], 'anything/at/all', true],
  [['**/foo'], 'foo', true],
  [['**/foo'], 'a/b/foo', true],
  [['**/foo'], 'a/xfoo', false],
  [['**foo'], 'a/xfoo', true],
  [['**/*.log'], 'x.log', true],
  [['**/*.log'], 'a/b/x.log', true],
  [['a/**/b'], 'a/b', true],
  [['a/**/b'], 'a/x/y/b', true],
  [['a/**/b'], 'ab', false],
  [['dir/**'], 'dir', false],
  [['dir/**'], 'dir/x', true],
  [['a**'], 'abc/d', true],
  [['(x)+{y}$.txt'], '(x)+{y}$.txt', true],
  [['a.c'], 'abc', false],
  [['star\\*'], 'star*', true],
  [['star\\*'], 'starx', false],
  [['*', '!keep'], 'keep', false],
  [['*', '!keep'], 'other', true],
  [['*.md', '!docs/*.md', 'docs/x.md'], 'docs/x.md', true],
  [['*.md', '!docs/*.md', 'docs/x.md'], 'docs/y.md', false],
  [['docs', '!docs/keep'], 'docs/keep/deep.md', false],
  [['docs', '!docs/keep'], 'docs/other.md', true],
  [['!foo', 'foo'], 'foo', true]
]

describe('PatternMatcher', () => {
  it.each(cases)('%j excludes %s: %s', (patterns, path, excluded) => {
    const matcher = new PatternMatcher(patterns)
    // Walk down the path as the context walk does, parent results first.
    const parts = path.split('/')
    let info: readonly boolean[] | undefined
    let result = false
    for (let i = 1; i <= parts.length; i++) {
      const r = matcher.match(parts.slice(0, i).join('/'), info)
      info = r.info
      result = r.excluded
    }
    expect(result).toBe(excluded)
    // Without parent results it must agree (MatchesOrParentMatches).
    expect(matcher.match(path).excluded).toBe(excluded)
  })

  it.each([
    ['[', /malformed character class|unterminated/],
    ['a[b', /unterminated character class/],
    ['[]a]', /malformed character class/],
    ['[a-]', /malformed character class/],
    ['x\\', /trailing backslash/],
    ['\\q', /invalid escape \\q/]
  ])('rejects the pattern %j as docker build does', (pattern, message) => {
    expect(() => new PatternMatcher([pattern])).toThrow(InputError)
    expect(() => new PatternMatcher([pattern])).toThrow(message)
  })

  it('rejects a bare "!"', () => {
    expect(() => new PatternMatcher(['!'])).toThrow(/illegal exclusion pattern/)
  })

  it('only reopens an excluded directory for an exception that starts with it', () => {
    const m = new PatternMatcher([
      'docs',
      'vendor',
      '!docs/api/x',
      '!**/LICENSE'
    ])
    expect(m.mustDescend('docs')).toBe(true)
    expect(m.mustDescend('docs/api')).toBe(true)
    expect(m.mustDescend('vendor')).toBe(false)
    expect(new PatternMatcher(['docs']).mustDescend('docs')).toBe(false)
  })

  it('keeps the deprecated one-parent matcher the CLI uses for the Dockerfile', () => {
    const m = new PatternMatcher(['docker', 'a/b'])
    expect(m.legacyMatch('docker/Dockerfile')).toBe(true)
    // Only the parent as deep as the pattern is tried: a/b/c/Dockerfile → a/b.
    expect(m.legacyMatch('a/b/c/Dockerfile')).toBe(true)
    expect(new PatternMatcher(['b']).legacyMatch('a/b/Dockerfile')).toBe(false)
  })
})
