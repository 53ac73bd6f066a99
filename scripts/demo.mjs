#!/usr/bin/env node
// The main job on embedded defaults (`npm run demo`): installs and builds
// stackci when needed, makes sure a Docker engine, the sample stack's Python
// base image and flake8 are there (scripts/services.sh: ensure_demo), then
// runs the `local` profile of examples/stackci.yml — lint, (Jenkins, skipped
// without a URL), stack image, integration datasets, metrics into SQLite and
// the HTML report. Extra arguments go to `stackci run` (e.g. --json).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const say = (text) => console.error(`== ${text}`)
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  say('installing dependencies (npm ci)')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}
run('npm', ['run', 'build', '--silent'])

say('services: Docker engine, Python base image, flake8')
const services = spawnSync(
  'bash',
  [
    '-c',
    'source scripts/services.sh && ensure_demo >&2 && ' +
      'printf "DOCKER_HOST=%s\\nSTACKCI_PYTHON_IMAGE=%s\\n" "$STACKCI_DOCKER_HOST" "$STACKCI_PYTHON_IMAGE"'
  ],
  { cwd: root, stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8' }
)
if (services.status !== 0) {
  console.error(`
The demo needs a Docker engine, and could not set one up here. On Debian or
Ubuntu, as root (or with sudo):

  apt-get install -y docker.io flake8 git debootstrap debian-archive-keyring
  dockerd &          # or: systemctl start docker

then run \`npm run demo\` again. With a Docker engine elsewhere, set DOCKER_HOST.`)
  process.exit(2)
}
const env = { ...process.env }
for (const line of services.stdout.split('\n')) {
  const eq = line.indexOf('=')
  if (eq > 0 && line.slice(eq + 1) !== '')
    env[line.slice(0, eq)] = line.slice(eq + 1)
}

say('stackci run --profile local examples/stackci.yml')
const r = spawnSync(
  process.execPath,
  [
    join(root, 'bin', 'stackci.js'),
    'run',
    '--profile',
    'local',
    join('examples', 'stackci.yml'),
    ...process.argv.slice(2)
  ],
  { cwd: root, stdio: 'inherit', env }
)
process.exit(r.status ?? 1)
