/**
 * Acceptance 2: changed-lines filtering on a real git repository: a base
 * commit, a pull request commit touching some lines, and (to tell the merge
 * base from the branch tip) a later commit on the base branch.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError, RecordingReporter } from '../../../src/core/index.js'
import {
  parseLinter,
  runLint,
  type Finding,
  type LintOptions,
  type LintResult
} from '../../../src/lint/index.js'
import { copyFixture, flake8Path, git, tempDir } from '../../helpers/lint.js'

function edit(file: string, fn: (lines: string[]) => string[]): void {
  const lines = readFileSync(file, 'utf8').split('\n')
  writeFileSync(file, fn(lines).join('\n'))
}

/**
 * A repository with the fixture project in `sub` ('' for the top level),
 * `main` at the base, `pr` with the pull request, `main` moved on since.
 */
function makeRepo(sub: string): { repo: string; root: string } {
  const repo = tempDir('lint-git')
  const root = join(repo, sub)
  copyFixture('pyproject', root)
  writeFileSync(join(repo, 'NOTES.txt'), 'not Python\n')
  git(repo, 'init', '-q', '-b', 'main')
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'base')
  git(repo, 'checkout', '-q', '-b', 'pr')
  // New line 4: an unused import (F401). Everything below moves down one.
  edit(join(root, 'pkg/core.py'), (l) => [
    ...l.slice(0, 3),
    'import re',
    ...l.slice(3)
  ])
  // Line 40 (was 39): one of its two E231 fixed, the other stays.
  edit(join(root, 'pkg/core.py'), (l) =>
    l.map((line) =>
      line === "pairs = {'a':1, 'b':2}" ? "pairs = {'a':1, 'b': 2}" : line
    )
  )
  // A new file: every line is new.
  writeFileSync(join(root, 'pkg/extra.py'), 'import os\nx=1\n')
  // A pure deletion (the stray return, F706) and a pure rename: no new lines.
  edit(join(root, 'pkg/compare.py'), (l) =>
    l.filter((line) => line !== 'return None')
  )
  renameSync(
    join(root, 'scripts/odd name.py'),
    join(root, 'scripts/renamed.py')
  )
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'pull request')
  // Meanwhile on main: a fix to a line the PR did not touch. A two-dot diff
  // would count that line as changed by the PR; the merge base does not.
  git(repo, 'checkout', '-q', 'main')
  edit(join(root, 'pkg/core.py'), (l) =>
    l.map((line) => (line === '    if n == None:' ? '    if n is None:' : line))
  )
  git(repo, 'commit', '-q', '-am', 'main moves on')
  git(repo, 'checkout', '-q', 'pr')
  return { repo, root }
}

const where = (f: Finding): string => `${f.file}:${f.line} ${f.code ?? ''}`

async function lint(
  root: string,
  extra: Partial<LintOptions>
): Promise<LintResult> {
  return runLint(
    {
      root,
      linters: [parseLinter(`flake8: ${flake8Path()}`)],
      onlyChanged: true,
      env: {},
      ...extra
    },
    new RecordingReporter()
  )
}

describe('changed-lines mode on a real repository', () => {
  const repos: string[] = []
  afterAll(() => {
    for (const r of repos) rmSync(r, { recursive: true, force: true })
  })
  const repo = (sub: string): { repo: string; root: string } => {
    const made = makeRepo(sub)
    repos.push(made.repo)
    return made
  }

  it.each([
    ['at the top of the repository', ''],
    ['in a subdirectory of the repository', 'python']
  ])(
    'keeps only findings on lines the pull request touched (project %s)',
    async (_what, sub) => {
      const { root } = repo(sub)
      const everything = await lint(root, { onlyChanged: false })
      const result = await lint(root, { baseRef: 'main' })
      expect(result.findings.map(where)).toEqual([
        'pkg/core.py:4 F401',
        'pkg/core.py:40 E231',
        'pkg/extra.py:1 F401',
        'pkg/extra.py:2 E225'
      ])
      // Untouched lines keep their findings out, including the line main
      // changed after the branch point and the renamed file.
      const all = everything.findings.map(where)
      expect(all).toContain('pkg/core.py:15 E711')
      expect(all).toContain('scripts/renamed.py:1 F401')
      expect(all).toContain('pkg/core.py:40 E231')
      // The ratchet still counts the whole tree.
      expect(result.all).toBe(everything.findings.length)
      expect(result.linters[0]?.counts).toEqual(everything.linters[0]?.counts)
      expect(result.base).toBe('main')
      expect(result.changed?.get('pkg/extra.py')).toEqual([
        [1, Number.MAX_SAFE_INTEGER]
      ])
      expect(result.changed?.get('pkg/core.py')).toEqual([
        [4, 4],
        [40, 40]
      ])
    }
  )

  it("takes the base from a pull_request event's payload", async () => {
    const { repo: dir, root } = repo('')
    const base = git(dir, 'merge-base', 'main', 'pr').trim()
    const event = join(dir, 'event.json')
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { base: { sha: base, ref: 'main' } } })
    )
    const result = await lint(root, {
      env: { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event }
    })
    expect(result.base).toBe(base)
    expect(result.findings.map(where)).toHaveLength(4)
  })

  it('reports every finding on a push (no base)', async () => {
    const { root } = repo('')
    const result = await lint(root, { env: { GITHUB_EVENT_NAME: 'push' } })
    expect(result.changed).toBeUndefined()
    expect(result.findings).toHaveLength(result.all)
    expect(result.baseReason).toBe(
      'a push event has no base: every finding is reported'
    )
  })

  it('fails before linting when the base is not in the history', async () => {
    const { root } = repo('')
    const error = await lint(root, { baseRef: 'origin/nope' }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toMatch(
      /the base "origin\/nope" is not a commit/
    )
    expect((error as InputError).hint).toContain('fetch-depth: 0')
  })

  it('says to fetch more history when a shallow clone has no merge base', async () => {
    const { repo: dir } = repo('')
    const shallow = tempDir('lint-shallow')
    repos.push(shallow)
    git(
      shallow,
      'clone',
      '-q',
      '--depth',
      '1',
      '--no-single-branch',
      '--branch',
      'pr',
      `file://${dir}`,
      'clone'
    )
    const error = await lint(join(shallow, 'clone'), {
      baseRef: 'origin/main'
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toMatch(
      /^only-changed: git cannot diff origin\/main\.\.\.HEAD: .*no merge base/
    )
    expect((error as InputError).hint).toBe(
      'the history is too shallow to find where the branch started: use actions/checkout with fetch-depth: 0'
    )
  })
})
