#!/usr/bin/env node
// Runs benchmarks: `npm run bench -- <name> [args]` runs bench/<name>.ts;
// `npm run bench` with no name lists them. Each benchmark prints a table of
// our measurement vs a baseline measured in the same run, as a ratio.
// Benchmarks are not part of `npm test`.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const names = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort()
const [name, ...args] = process.argv.slice(2)
if (name === undefined || !names.includes(name)) {
  console.error(
    `usage: npm run bench -- <name> [args]\nbenchmarks: ${names.join(', ')}`
  )
  process.exit(name === undefined ? 0 : 2)
}
const outdir = join(root, 'node_modules', '.cache', 'stackci-bench')
mkdirSync(outdir, { recursive: true })
const outfile = join(outdir, `${name}.mjs`)
await build({
  entryPoints: [join(root, 'bench', `${name}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root
})
const r = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], {
  cwd: root,
  stdio: 'inherit'
})
process.exit(r.status ?? 1)
