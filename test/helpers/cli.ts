import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

const bin = join(process.cwd(), 'bin', 'stackci.js')

/** Runs the real `stackci` binary (built into lib/ by `npm run build`). */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {}
): Promise<CliRun> {
  if (!existsSync(join(process.cwd(), 'lib', 'cli', 'main.js'))) {
    throw new Error('lib/ is not built: run `npm run build` (npm test does it)')
  }
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1', ...(options.env ?? {}) }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdin.end(options.stdin ?? '')
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', resolve)
  )
  return { code, stdout, stderr }
}
