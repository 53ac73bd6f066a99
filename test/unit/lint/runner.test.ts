/**
 * The runner against real child processes: small Node scripts stand in for
 * a linter so each failure mode (crash, kill, hang, odd output) is real.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TimeoutError } from '../../../src/core/index.js'
import {
  formatNamed,
  LintError,
  parseSeverityRules,
  runCommandLinter,
  type CommandLinter
} from '../../../src/lint/index.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'stackci-runner-'))
})
afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

/** A linter that runs `body` as a Node script in the root. */
function fake(
  body: string,
  format = 'flake8',
  forced: string[] = []
): CommandLinter {
  const script = join(root, 'fake-linter.cjs')
  writeFileSync(script, body)
  return {
    kind: 'command',
    name: 'fake',
    format: formatNamed(format),
    argv: [process.execPath, script],
    forced,
    source: 'fake'
  }
}

describe('runCommandLinter', () => {
  it('parses lines split across chunks, and a last line without a newline', async () => {
    const linter = fake(`
      const parts = ['./a.py:1:', '5: E501 too lo', 'ng\\nb.py:2:1: F821 undefined name \\'x\\'\\n', 'c.py:3:1: W291 trailing']
      let i = 0
      const next = () => { if (i < parts.length) { process.stdout.write(parts[i++]); setTimeout(next, 20) } else process.exit(1) }
      next()
    `)
    const run = await runCommandLinter(linter, { root })
    expect(run.exitCode).toBe(1)
    expect(run.findings).toEqual([
      {
        linter: 'fake',
        file: 'a.py',
        line: 1,
        column: 5,
        code: 'E501',
        message: 'too long',
        severity: 'warning'
      },
      {
        linter: 'fake',
        file: 'b.py',
        line: 2,
        column: 1,
        code: 'F821',
        message: "undefined name 'x'",
        severity: 'error'
      },
      {
        linter: 'fake',
        file: 'c.py',
        line: 3,
        column: 1,
        code: 'W291',
        message: 'trailing',
        severity: 'warning'
      }
    ])
  })

  it('runs in the root with forced arguments after the user’s, then the paths', async () => {
    const linter = fake(
      `console.log(process.cwd() + '/x.py:1:1: X1 ' + JSON.stringify(process.argv.slice(2)))`,
      'flake8',
      ['--format=default']
    )
    const run = await runCommandLinter(linter, {
      root,
      paths: ['pkg', 'odd name']
    })
    expect(run.findings[0]).toMatchObject({
      file: 'x.py',
      message: '["--format=default","pkg","odd name"]'
    })
    expect(run.command.slice(2)).toEqual([
      '--format=default',
      'pkg',
      'odd name'
    ])
  })

  it('keeps paths outside the root as printed, and applies user severities', async () => {
    const linter = fake(
      `console.log('/elsewhere/y.py:3:1: E501 long'); process.exit(1)`
    )
    const run = await runCommandLinter(linter, {
      root,
      severity: parseSeverityRules('E501=notice')
    })
    expect(run.findings[0]).toMatchObject({
      file: '/elsewhere/y.py',
      severity: 'notice'
    })
  })

  it('counts lines that are not findings', async () => {
    const linter = fake(
      `console.log('a.py:1:1: E1 x\\n    source line\\n    ^\\n\\n3     E1 x')`
    )
    const run = await runCommandLinter(linter, { root })
    expect(run.findings).toHaveLength(1)
    expect(run.unparsed).toBe(3)
    expect(run.unparsedSample).toEqual([
      '    source line',
      '    ^',
      '3     E1 x'
    ])
  })

  it('fails naming the command when the executable is missing', async () => {
    const linter = {
      ...fake(''),
      name: 'flake8',
      argv: ['no-such-flake8-here']
    }
    const error = await runCommandLinter(linter, { root }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(LintError)
    expect((error as LintError).message).toBe(
      'flake8: command not found: no-such-flake8-here'
    )
    expect((error as LintError).hint).toContain('apt-get install flake8')
  })

  it('fails on a crash (non-zero exit, no findings) with the end of stderr', async () => {
    const linter = fake(
      `console.error('Traceback (most recent call last):\\nValueError: bad config'); process.exit(1)`
    )
    const error = await runCommandLinter(linter, { root }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(LintError)
    expect((error as Error).message).toMatch(
      /^fake exited with code 1 and reported no finding stackci could read: .*\nTraceback[^]*ValueError: bad config$/
    )
  })

  it('fails when the output is in another format, and says which one it expected', async () => {
    const linter = fake(
      `console.log('a.py:3: [E999] SyntaxError'); process.exit(1)`
    )
    const error = await runCommandLinter(linter, { root }).catch(
      (e: unknown) => e
    )
    expect((error as LintError).message).toContain(
      'first output lines:\na.py:3: [E999] SyntaxError'
    )
    expect((error as LintError).hint).toContain('is not in the flake8 format')
  })

  it('passes a non-zero exit that came with findings (the linter found something)', async () => {
    const linter = fake(
      `console.log('a.js:1:1: Missing semicolon. [Error/semi]'); process.exit(1)`,
      'unix'
    )
    const run = await runCommandLinter(linter, { root })
    expect(run.findings[0]).toMatchObject({ code: 'semi', severity: 'error' })
  })

  it('kills a linter that runs past its timeout', async () => {
    const linter = fake(`setTimeout(() => {}, 60000)`)
    const started = Date.now()
    await expect(
      runCommandLinter(linter, { root, timeoutMs: 300 })
    ).rejects.toThrow(TimeoutError)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('reports a linter killed by a signal', async () => {
    const linter = fake(
      `console.log('a.py:1:1: E1 x'); process.kill(process.pid, 'SIGKILL')`
    )
    await expect(runCommandLinter(linter, { root })).rejects.toThrow(
      /fake was killed by SIGKILL/
    )
  })

  it('stops when cancelled', async () => {
    const linter = fake(`setTimeout(() => {}, 60000)`)
    const controller = new AbortController()
    setTimeout(() => {
      controller.abort()
    }, 200)
    await expect(
      runCommandLinter(linter, { root, signal: controller.signal })
    ).rejects.toThrow('fake was cancelled')
  })
})
