/**
 * Runs one command linter in the project root (so its own configuration —
 * setup.cfg, tox.ini, .flake8, eslint.config.js — is found as it would be on
 * a laptop) and parses its stdout line by line as it streams.
 */

import { isAbsolute, relative } from 'node:path'
import { TimeoutError } from '../core/errors.js'
import { formatMs } from '../core/format.js'
import { cleanLine } from './formats.js'
import { LintError, type Finding } from './finding.js'
import type { CommandLinter } from './linters.js'
import { resolveSeverity, type SeverityRules } from './severity.js'
import { nodeChildProcess } from '../core/builtins.js'

export interface RunLinterOptions {
  /** The project root: the linter's working directory. */
  root: string
  /** Appended to the command; none means the linter's own default (`.`). */
  paths?: readonly string[]
  /** The user's severity rules (they win over everything else). */
  severity?: SeverityRules
  /** Kill the linter after this long (default 30 minutes). */
  timeoutMs?: number
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
  /** Called for every finding as it is parsed (progress). */
  onFinding?: (finding: Finding) => void
}

export interface LinterRun {
  linter: string
  /** The argv that ran. */
  command: string[]
  exitCode: number
  durationMs: number
  findings: Finding[]
  /** Output lines that were not findings (summaries, source excerpts). */
  unparsed: number
  /** The first few of those, for debugging a format mismatch. */
  unparsedSample: string[]
  /** The end of stderr. */
  stderr: string
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000
const STDERR_KEEP = 16 * 1024
const KILL_GRACE_MS = 5000

/** Paths relative to the root with `/`; `./a.py` → `a.py`. Memoised per run. */
function pathNormaliser(root: string): (file: string) => string {
  const seen = new Map<string, string>()
  return (file) => {
    let out = seen.get(file)
    if (out === undefined) {
      out = file.replace(/\\/g, '/')
      if (isAbsolute(file)) {
        const rel = relative(root, file)
        if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel))
          out = rel.replace(/\\/g, '/')
      }
      while (out.startsWith('./')) out = out.slice(2)
      seen.set(file, out)
    }
    return out
  }
}

/** Runs `linter` and returns every finding; throws {@link LintError} when it fails. */
export async function runCommandLinter(
  linter: CommandLinter,
  options: RunLinterOptions
): Promise<LinterRun> {
  const [exe, ...args] = linter.argv as [string, ...string[]]
  const command = [exe, ...args, ...linter.forced, ...(options.paths ?? [])]
  const started = Date.now()
  const findings: Finding[] = []
  const unparsedSample: string[] = []
  let unparsed = 0
  let stderr = ''
  const normalise = pathNormaliser(options.root)
  const user = options.severity ?? new Map()
  const { format } = linter

  const onLine = (text: string): void => {
    const line = cleanLine(text)
    const raw = format.parse(line)
    if (raw === undefined) {
      if (line.trim() !== '') {
        unparsed++
        if (unparsedSample.length < 5) unparsedSample.push(line)
      }
      return
    }
    const finding: Finding = {
      linter: linter.name,
      file: normalise(raw.file),
      line: raw.line,
      message: raw.message,
      severity: resolveSeverity(raw.code, raw.severity, user, format.table)
    }
    if (raw.column !== undefined) finding.column = raw.column
    if (raw.code !== undefined) finding.code = raw.code
    findings.push(finding)
    options.onFinding?.(finding)
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const outcome = await new Promise<{
    code: number | null
    signal: string | null
    timedOut: boolean
  }>((resolve, reject) => {
    const child = nodeChildProcess().spawn(exe, command.slice(1), {
      cwd: options.root,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let timedOut = false
    let killTimer: NodeJS.Timeout | undefined
    const stop = (): void => {
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
      killTimer.unref()
    }
    const timer = setTimeout(() => {
      timedOut = true
      stop()
    }, timeoutMs)
    const onAbort = (): void => {
      stop()
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    let rest = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      let start = 0
      let nl = chunk.indexOf('\n')
      if (nl !== -1 && rest !== '') {
        onLine(rest + chunk.slice(0, nl))
        rest = ''
        start = nl + 1
        nl = chunk.indexOf('\n', start)
      }
      while (nl !== -1) {
        onLine(chunk.slice(start, nl))
        start = nl + 1
        nl = chunk.indexOf('\n', start)
      }
      rest += chunk.slice(start)
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP)
    })
    const finish = (): void => {
      clearTimeout(timer)
      if (killTimer !== undefined) clearTimeout(killTimer)
      options.signal?.removeEventListener('abort', onAbort)
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish()
      reject(spawnError(linter, exe, error))
    })
    child.on('close', (code, signal) => {
      finish()
      if (rest !== '') onLine(rest)
      resolve({ code, signal, timedOut })
    })
  })
  const run: LinterRun = {
    linter: linter.name,
    command,
    exitCode: outcome.code ?? -1,
    durationMs: Date.now() - started,
    findings,
    unparsed,
    unparsedSample,
    stderr
  }
  checkOutcome(linter, run, outcome, timeoutMs, options.signal)
  return run
}

function spawnError(
  linter: CommandLinter,
  exe: string,
  error: NodeJS.ErrnoException
): LintError {
  if (error.code === 'ENOENT') {
    return new LintError(`${linter.name}: command not found: ${exe}`, {
      hint:
        linter.name === 'flake8'
          ? 'install flake8 (apt-get install flake8, or pip install flake8) or give its command: "flake8: python3 -m flake8"'
          : `install ${exe}, or give the full command: "${linter.name}: /path/to/${exe} …"`,
      cause: error
    })
  }
  return new LintError(`${linter.name}: cannot run ${exe}: ${error.message}`, {
    cause: error
  })
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

function checkOutcome(
  linter: CommandLinter,
  run: LinterRun,
  outcome: { code: number | null; signal: string | null; timedOut: boolean },
  timeoutMs: number,
  signal: AbortSignal | undefined
): void {
  const shown = run.command.join(' ')
  if (outcome.timedOut) {
    throw new TimeoutError(
      `${linter.name} did not finish within ${formatMs(timeoutMs)}: ${shown}`,
      {
        hint: 'raise the timeout, or lint fewer paths'
      }
    )
  }
  if (signal?.aborted === true) {
    throw new LintError(`${linter.name} was cancelled`)
  }
  if (outcome.code === null) {
    throw new LintError(
      `${linter.name} was killed by ${outcome.signal ?? 'a signal'}: ${shown}${run.stderr ? `\n${tail(run.stderr)}` : ''}`,
      {
        hint: 'the machine may be out of memory; try fewer paths or fewer jobs'
      }
    )
  }
  // A linter that exits non-zero without a finding we can read has failed:
  // a crash, a bad configuration, or output we cannot parse. Never pass it.
  if (outcome.code !== 0 && run.findings.length === 0) {
    const sample =
      run.unparsedSample.length > 0
        ? `\nfirst output lines:\n${run.unparsedSample.join('\n')}`
        : ''
    throw new LintError(
      `${linter.name} exited with code ${outcome.code} and reported no finding stackci could read: ${shown}${run.stderr ? `\n${tail(run.stderr)}` : ''}${sample}`,
      {
        hint:
          run.unparsed > 0
            ? `the output is not in the ${linter.format.name} format (${linter.format.example}); give the right one as ${linter.name}[FORMAT]: …`
            : `run the command in the project root to see what is wrong${linter.name === 'flake8' ? ' (an output-file setting in the project config also hides the findings)' : ''}`
      }
    )
  }
}
