#!/usr/bin/env node
// The main job on embedded defaults (`npm run demo`): installs and builds
// stackci when needed, then runs the sample pipeline in examples/.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.error('== installing dependencies (npm ci)')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}
run('npm', ['run', 'build', '--silent'])
const r = spawnSync(
  process.execPath,
  [
    join(root, 'bin', 'stackci.js'),
    'run',
    join('examples', 'stackci.yml'),
    ...process.argv.slice(2)
  ],
  {
    cwd: root,
    stdio: 'inherit'
  }
)
process.exit(r.status ?? 1)
