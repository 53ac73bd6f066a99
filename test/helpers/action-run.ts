/**
 * Long-running children for the Jenkins action and CLI tests: started,
 * watched and signalled while they run (helpers/actions.ts runs a bundle to
 * its end; these tests kill one halfway, as the runner does on cancel).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inputEnv, parseCommandFile } from './actions.js'

/** The runner's files for one step, in a fresh temp directory. */
export interface RunnerFiles {
  dir: string
  output: string
  state: string
  summary: string
  event: string
}

export function runnerFiles(): RunnerFiles {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-action-'))
  const files = {
    dir,
    output: join(dir, 'output'),
    state: join(dir, 'state'),
    summary: join(dir, 'summary.md'),
    event: join(dir, 'event.json')
  }
  for (const f of [files.output, files.state, files.summary])
    writeFileSync(f, '')
  writeFileSync(files.event, '{}')
  return files
}

/** Reads a GITHUB_OUTPUT / GITHUB_STATE file. */
export function readCommandFile(path: string): Record<string, string> {
  return parseCommandFile(readFileSync(path, 'utf8'))
}

/** The environment the runner gives a step: INPUT_*, the command files, STATE_*. */
export function actionEnv(
  inputs: Record<string, string>,
  files: RunnerFiles,
  state: Record<string, string> = {}
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(INPUT_|GITHUB_|STATE_|RUNNER_|JENKINS_)/.test(k)) env[k] = v
  }
  Object.assign(env, inputEnv(inputs))
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v
  return {
    ...env,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKSPACE: files.dir,
    RUNNER_TEMP: files.dir
  }
}

export interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A started child with its output collected; `done` resolves on exit. */
export interface Running {
  child: ChildProcess
  done: Promise<Finished>
  stdout: () => string
}

export function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv
): Running {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  const done = new Promise<Finished>((resolveDone) => {
    child.on('close', (code, signal) => {
      resolveDone({ code, signal, stdout, stderr })
    })
  })
  return { child, done, stdout: () => stdout }
}

/** The committed bundle of an action (fails loudly when missing). */
export function bundle(action: string, entry: 'index' | 'post'): string {
  const path = resolve('actions', action, 'dist', `${entry}.cjs`)
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run npm run package`)
  }
  return path
}

/** The compiled CLI (fails loudly when `npm run build` has not run). */
export function cli(): string {
  if (!existsSync(resolve('lib', 'cli', 'main.js'))) {
    throw new Error('lib/cli/main.js is missing: run npm run build')
  }
  return resolve('bin', 'stackci.js')
}

/** Waits (real time) until `check` is true, failing after `ms`. */
export async function until(
  check: () => boolean,
  what: string,
  ms = 20_000
): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
