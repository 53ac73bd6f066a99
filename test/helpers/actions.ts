import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** The directory holding GITHUB_OUTPUT, GITHUB_STATE, … (and RUNNER_TEMP). */
  dir: string
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (both `k=v` and heredoc forms). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc !== null) {
      const [, key = '', delimiter] = heredoc
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter)
        value.push(lines[i] ?? '')
      out[key] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      out[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return out
}

/** The runner's name mangling: `INPUT_` + upper case, spaces to `_`. */
export function inputEnv(
  inputs: Record<string, string>
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [
      `INPUT_${k.replace(/ /g, '_').toUpperCase()}`,
      v
    ])
  )
}

/**
 * Runs an action bundle as the runner does: a child `node` process with
 * INPUT_* variables and the GITHUB_* command files pointed at temp files.
 */
export async function runActionBundle(
  bundle: string,
  inputs: Record<string, string>,
  options: {
    cwd?: string
    env?: Record<string, string>
    event?: unknown
    state?: Record<string, string>
    dir?: string
  } = {}
): Promise<ActionRun> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'stackci-action-'))
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_EVENT_PATH: join(dir, 'event.json')
  }
  for (const f of Object.values(files)) writeFileSync(f, '', { flag: 'a' })
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(options.event ?? {}))
  const stateEnv = Object.fromEntries(
    Object.entries(options.state ?? {}).map(([k, v]) => [`STATE_${k}`, v])
  )
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    RUNNER_TEMP: dir,
    ...files,
    ...stateEnv,
    ...inputEnv(inputs),
    ...(options.env ?? {})
  }
  const child = spawn(process.execPath, [bundle], {
    cwd: options.cwd ?? process.cwd(),
    env
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', resolve)
  )
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    dir
  }
}
