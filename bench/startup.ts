/**
 * `npm run bench -- startup [--repeats N]`: the cold start of every action
 * bundle — from spawning `node dist/index.cjs` to its first line of output —
 * against `node -e 'console.log(0)'` measured the same way, in alternating
 * order. Aim: ≤ 1.5× the baseline and ≤ 150 ms.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { printTable, type Row } from './lib/table.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const repeats = arg('repeats', 15)
const root = process.cwd()
const dir = mkdtempSync(join(tmpdir(), 'stackci-startup-'))
for (const f of ['output', 'state', 'summary', 'event.json'])
  writeFileSync(join(dir, f), f === 'event.json' ? '{}' : '')
// The root action reads this and announces its plan as its first line.
writeFileSync(
  join(dir, 'stackci.yml'),
  'version: 1\nprofiles:\n  local: { steps: [verify] }\nverify: { definitions: . }\n'
)

/** Milliseconds from spawn to the first byte on stdout or stderr. */
async function firstOutput(args: string[]): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STATE: join(dir, 'state'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir
    }
  })
  const first = await new Promise<number>((resolve) => {
    const done = (): void => {
      resolve(performance.now() - started)
    }
    child.stdout.once('data', done)
    child.stderr.once('data', done)
    child.once('close', done)
  })
  await new Promise((resolve) => child.once('close', resolve))
  return first
}

/** The q-quantile (nearest rank) of a sample: 0.5 median, 0.9 p90. */
const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[
    Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)
  ] ?? NaN

const bundles = readdirSync(join(root, 'actions')).flatMap((name) =>
  ['index.cjs', 'post.cjs']
    .map((f) => join(root, 'actions', name, 'dist', f))
    .filter((p) => existsSync(p))
    .map((p) => ({
      name: `${name}${p.endsWith('post.cjs') ? ' (post)' : ''}`,
      path: p
    }))
)
const loadBefore = loadavg()[0]?.toFixed(2) ?? '?'
const baseline: number[] = []
const ours = new Map<string, number[]>()
await firstOutput(['-e', 'console.log(0)']) // warm the file cache
for (const b of bundles) await firstOutput([b.path])
for (let i = 0; i < repeats; i++) {
  baseline.push(await firstOutput(['-e', 'console.log(0)']))
  for (const b of bundles) {
    const list = ours.get(b.name) ?? []
    list.push(await firstOutput([b.path]))
    ours.set(b.name, list)
  }
}
const rowsAt = (q: number, label: string): Row[] => {
  const base = quantile(baseline, q)
  return bundles.map((b) => {
    const t = quantile(ours.get(b.name) ?? [], q)
    return {
      metric: `${b.name}: time to first output (${label})`,
      ours: t,
      baseline: base,
      unit: 'ms',
      aim: '≤ 1.5× and ≤ 150 ms',
      met: t / base <= 1.5 && t <= 150
    }
  })
}
// Cold starts are short and the machine may be shared: say how busy it was.
const loadAfter = loadavg()[0]?.toFixed(2) ?? '?'
console.log(
  `${repeats} alternating cold starts each; baseline: node -e 'console.log(0)'; ` +
    `1-min load average ${loadBefore} before, ${loadAfter} after, on ${availableParallelism()} CPUs`
)
printTable('startup: action bundles, median', rowsAt(0.5, 'median'))
console.log('')
printTable('startup: action bundles, p90', rowsAt(0.9, 'p90'))
