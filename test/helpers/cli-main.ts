import { PassThrough } from 'node:stream'
import { main } from '../../src/cli/main.js'
import type { CliRun } from './cli.js'

/** Runs the CLI's `main` in this process, its output captured. */
export async function runMain(...argv: string[]): Promise<CliRun> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => (out += c.toString()))
  stderr.on('data', (c: Buffer) => (err += c.toString()))
  const code = await main(argv, { stdout, stderr })
  return { code, stdout: out, stderr: err }
}
