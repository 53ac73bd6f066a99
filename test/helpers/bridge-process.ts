/**
 * The bridge as a real process (`stackci bridge serve`), for the tests that
 * kill it or send it signals.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

const bin = join(process.cwd(), 'bin', 'stackci.js')

export interface BridgeProcess {
  child: ChildProcess
  /** Everything the process wrote to stderr (its JSON logs). */
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** A TCP port that was free a moment ago (the bridge restarts on it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port =
        typeof address === 'object' && address !== null ? address.port : 0
      s.close(() => {
        resolve(port)
      })
    })
  })
}

/** Starts `stackci bridge serve` with exactly `env` (plus PATH and HOME). */
export function spawnBridge(
  env: Record<string, string>,
  args: string[] = []
): BridgeProcess {
  if (!existsSync(join(process.cwd(), 'lib', 'cli', 'main.js')))
    throw new Error('lib/ is not built: run `npm run build` (npm test does it)')
  const child = spawn(process.execPath, [bin, 'bridge', 'serve', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdout.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<{
    code: number | null
    signal: NodeJS.Signals | null
  }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal })
    })
  })
  return { child, stderr: () => stderr, exited }
}

/** Waits until GET `url` answers 200 (or the process dies). */
export async function waitHealthy(
  url: string,
  p: BridgeProcess,
  ms = 30_000
): Promise<void> {
  const end = Date.now() + ms
  const state = { dead: false }
  void p.exited.then(() => (state.dead = true))
  while (Date.now() < end) {
    if (state.dead)
      throw new Error(`the bridge exited while starting:\n${p.stderr()}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(
    `the bridge did not become healthy in ${ms} ms:\n${p.stderr()}`
  )
}
