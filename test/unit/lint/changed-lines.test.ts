import {
  filterChanged,
  isChanged,
  parseUnifiedDiff,
  unquoteGitPath,
  type Finding
} from '../../../src/lint/index.js'

// Real `git diff --unified=0 --src-prefix=a/ --dst-prefix=b/` output shapes.
const DIFF = [
  'diff --git a/pkg/core.py b/pkg/core.py',
  'index 1111111..2222222 100644',
  '--- a/pkg/core.py',
  '+++ b/pkg/core.py',
  '@@ -3,0 +4,2 @@ import sys',
  '+import re',
  '++++ not a header: an added line starting with "+++"',
  '@@ -10 +12 @@ def area(radius):',
  '-    return 1',
  '+    return 2',
  '@@ -20,3 +21,0 @@ def gone():',
  '-a',
  '-b',
  '-c',
  'diff --git a/pkg/new.py b/pkg/new.py',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/pkg/new.py',
  '@@ -0,0 +1,3 @@',
  '+import os',
  '+x=1',
  '+',
  'diff --git a/pkg/old.py b/pkg/old.py',
  'deleted file mode 100644',
  '--- a/pkg/old.py',
  '+++ /dev/null',
  '@@ -1,2 +0,0 @@',
  '-a',
  '-b',
  'diff --git a/odd name.py b/odd name.py',
  '--- a/odd name.py\t',
  '+++ b/odd name.py\t',
  '@@ -2 +2 @@ a',
  '-b',
  '+B',
  'diff --git "a/q\\"uote \\303\\251.py" "b/q\\"uote \\303\\251.py"',
  '--- "a/q\\"uote \\303\\251.py"',
  '+++ "b/q\\"uote \\303\\251.py"',
  '@@ -1 +1 @@',
  '-x',
  '+y',
  'diff --git a/logo.png b/logo.png',
  'Binary files a/logo.png and b/logo.png differ',
  ''
].join('\n')

describe('parseUnifiedDiff', () => {
  const changed = parseUnifiedDiff(DIFF)

  it('collects the new-side lines of every hunk', () => {
    expect(changed.get('pkg/core.py')).toEqual([
      [4, 5],
      [12, 12]
    ])
  })

  it('counts every line of a new file, even past its end', () => {
    expect(changed.get('pkg/new.py')).toEqual([[1, Number.MAX_SAFE_INTEGER]])
    expect(isChanged(changed, 'pkg/new.py', 4)).toBe(true)
  })

  it('adds nothing for deletions, deleted files and binaries', () => {
    expect(changed.has('pkg/old.py')).toBe(false)
    expect(changed.has('logo.png')).toBe(false)
    expect(isChanged(changed, 'pkg/core.py', 21)).toBe(false)
  })

  it('reads names with spaces (tab-terminated) and C-quoted names', () => {
    expect(changed.get('odd name.py')).toEqual([[2, 2]])
    expect(changed.get('q"uote é.py')).toEqual([[1, 1]])
    expect([...changed.keys()]).toHaveLength(4)
  })
})

describe('unquoteGitPath', () => {
  it('decodes escapes and octal UTF-8 bytes', () => {
    expect(unquoteGitPath('"b/tab\\there \\342\\234\\223"')).toBe(
      'b/tab\there ✓'
    )
    expect(unquoteGitPath('b/plain.py')).toBe('b/plain.py')
  })
})

describe('filterChanged', () => {
  const finding = (file: string, line: number): Finding => ({
    linter: 'flake8',
    file,
    line,
    message: 'm',
    severity: 'warning'
  })
  const changed = parseUnifiedDiff(DIFF)

  it('keeps findings on changed lines only', () => {
    const findings = [
      finding('pkg/core.py', 3),
      finding('pkg/core.py', 4),
      finding('pkg/core.py', 5),
      finding('pkg/core.py', 6),
      finding('pkg/core.py', 12),
      finding('pkg/new.py', 2),
      finding('pkg/untouched.py', 1)
    ]
    expect(
      filterChanged(findings, changed).map((f) => `${f.file}:${f.line}`)
    ).toEqual([
      'pkg/core.py:4',
      'pkg/core.py:5',
      'pkg/core.py:12',
      'pkg/new.py:2'
    ])
  })

  it('keeps syntax errors of changed files wherever the parser stopped', () => {
    const syntax = [
      { ...finding('pkg/core.py', 30), code: 'E999' },
      { ...finding('pkg/core.py', 31), code: 'E501' },
      { ...finding('pkg/untouched.py', 3), code: 'E999' },
      { ...finding('spec.yaml', 9), code: 'yaml-syntax' }
    ]
    expect(filterChanged(syntax, changed).map((f) => f.code)).toEqual(['E999'])
  })

  it('keeps whole-file findings (line 0) of changed files only', () => {
    expect(isChanged(changed, 'pkg/new.py', 0)).toBe(true)
    expect(isChanged(changed, 'pkg/untouched.py', 0)).toBe(false)
  })
})
