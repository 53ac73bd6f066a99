import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The flake8 the lint tests run (scripts/services.sh `ensure_flake8` exports
 * it). Missing means the test environment is broken: fail, never skip.
 */
export function flake8Path(): string {
  const path = process.env.STACKCI_FLAKE8
  if (path === undefined || path === '') {
    throw new Error(
      'STACKCI_FLAKE8 is not set: run the tests through npm test (scripts/services.sh ensure_flake8 installs Debian’s flake8 and exports it)'
    )
  }
  return path
}

/** The Python interpreter flake8 runs on (for `python3 -m pycodestyle`). */
export function pythonPath(): string {
  const path = process.env.STACKCI_PYTHON
  if (path === undefined || path === '') {
    throw new Error(
      'STACKCI_PYTHON is not set: run the tests through npm test (scripts/services.sh ensure_flake8 exports it)'
    )
  }
  return path
}

/** The committed lint fixtures. */
export const lintFixtures = join(process.cwd(), 'test', 'fixtures', 'lint')

/** A fresh temp directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `stackci-${prefix}-`))
}

/** Copies a fixture tree (e.g. `pyproject`) to `dest`. */
export function copyFixture(name: string, dest: string): void {
  cpSync(join(lintFixtures, name), dest, { recursive: true })
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Lint Test',
  GIT_AUTHOR_EMAIL: 'lint@example.org',
  GIT_COMMITTER_NAME: 'Lint Test',
  GIT_COMMITTER_EMAIL: 'lint@example.org',
  GIT_CONFIG_NOSYSTEM: '1'
}

/** Runs git in `cwd` and returns its stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' })
}

/** Parses `flake8 --statistics` lines (`3     E501 line too long`). */
export function parseStatistics(text: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(\S+)\s/.exec(line)
    if (m !== null) out[m[2] as string] = Number(m[1])
  }
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  )
}
