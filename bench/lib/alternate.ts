/**
 * Timing fresh processes, and the alternating comparison of two of them
 * (ours vs a hand-made baseline) that the dataset and notebook benchmarks
 * share.
 */
import { spawn } from 'node:child_process'

/** Runs a command to its end; returns its wall time in ms. */
export async function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<number> {
  const started = performance.now()
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', resolve)
  )
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`)
  return performance.now() - started
}

/**
 * Median wall times (s) of `n` alternating runs of `ours` and `theirs`
 * (each returning ms), after one warm-up of each.
 */
export async function alternate(
  ours: () => Promise<number>,
  theirs: () => Promise<number>,
  n: number,
  label: string
): Promise<[number, number]> {
  await ours() // warm-up: page cache, image layers
  await theirs()
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < n; i++) {
    // Alternate who goes first, so neither always runs on a warmer cache.
    if (i % 2 === 0) {
      a.push(await ours())
      b.push(await theirs())
    } else {
      b.push(await theirs())
      a.push(await ours())
    }
    console.error(
      `${label} ${i + 1}/${n}: stackci ${(a.at(-1) ?? 0).toFixed(0)} ms, docker run ${(b.at(-1) ?? 0).toFixed(0)} ms`
    )
  }
  const median = (xs: number[]): number =>
    [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN
  return [median(a) / 1000, median(b) / 1000]
}
