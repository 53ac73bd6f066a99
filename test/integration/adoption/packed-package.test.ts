import {
  execFileSync,
  spawnSync,
  type SpawnSyncReturns
} from 'node:child_process'
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A new adopter's path: the package as `npm pack` makes it, installed the
 * way `npm install --global` (or `npm link`) does — under a prefix of its
 * own, its dependencies inside it, a symlink in `<prefix>/bin` — and run on
 * a project of their own outside this repository that has no node_modules
 * at all. The SQLite store must load from there: better-sqlite3 lives
 * beside the package's real path, not beside the link, nor in the project.
 */

const repo = process.cwd()
const stack = join(repo, 'examples', 'stack')

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' }
  })
}

describe('stackci installed into another repository', () => {
  let project: string
  let bin: string
  let pathWithBin: string
  let prefix: string

  beforeAll(() => {
    if (!existsSync(join(repo, 'lib', 'cli', 'main.js')))
      throw new Error('lib/ is not built: run npm run build (npm test does it)')
    const packs = mkdtempSync(join(tmpdir(), 'stackci-pack-'))
    // lib/ is built already; the prepare script would only build it again.
    const packed = sh(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', packs, repo],
      repo
    )
    const tarball = join(packs, packed.trim().split('\n').pop() ?? '')
    if (!existsSync(tarball)) throw new Error(`npm pack made no ${tarball}`)

    prefix = mkdtempSync(join(tmpdir(), 'stackci-global-'))
    // Scripts off: the one install script that matters, better-sqlite3's
    // native build, takes minutes on a busy 2-core machine. The same
    // version's addon, built by this repository's own `npm ci` for this very
    // Node, is put in its place instead; another version is built for real.
    sh(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--ignore-scripts',
        tarball
      ],
      repo
    )
    const installed = join(prefix, 'lib', 'node_modules', 'stackci')
    const addon = (root: string): string =>
      join(root, 'node_modules', 'better-sqlite3')
    const version = (root: string): string =>
      (
        JSON.parse(readFileSync(join(addon(root), 'package.json'), 'utf8')) as {
          version: string
        }
      ).version
    if (version(installed) === version(repo)) {
      cpSync(join(addon(repo), 'build'), join(addon(installed), 'build'), {
        recursive: true
      })
    } else {
      sh('npm', ['rebuild', 'better-sqlite3'], installed)
    }
    bin = join(prefix, 'bin', 'stackci')
    if (!lstatSync(bin).isSymbolicLink())
      throw new Error(`${bin} is not the symlink a global install makes`)
    pathWithBin = `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`

    project = mkdtempSync(join(tmpdir(), 'stackci-adopter-'))
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'adopter', version: '1.0.0', private: true })
    )

    // A small Python project of their own, with metrics and a verify job.
    mkdirSync(join(project, 'src'))
    writeFileSync(
      join(project, 'src', 'probe.py'),
      'import math\n\n\ndef rms(xs):\n    return math.sqrt(sum(x * x for x in xs) / len(xs))\n'
    )
    cpSync(join(stack, 'metrics'), join(project, 'verify', 'metrics'), {
      recursive: true
    })
    cpSync(join(stack, 'specs'), join(project, 'verify', 'specs'), {
      recursive: true
    })
    mkdirSync(join(project, 'out'))
    for (const f of readdirSync(join(stack, 'jobs')))
      cpSync(join(stack, 'jobs', f), join(project, 'out', f))
    writeFileSync(
      join(project, 'stackci.yml'),
      [
        'version: 1',
        'lint:',
        '  linters: [flake8, "verify-yaml: verify"]',
        '  paths: [src, verify]',
        'verify:',
        '  definitions: verify',
        '  jobs: out/*.verify.json',
        'metrics:',
        '  stores:',
        '    sqlite: { path: .stackci/metrics.sqlite }',
        'profiles:',
        '  local:',
        '    steps: [lint, verify, dispatch-metrics, report]',
        ''
      ].join('\n')
    )
    sh('git', ['init', '-q'], project)
  })

  it('runs `stackci run --profile local` there, history in its SQLite store, report written', () => {
    const run = (): SpawnSyncReturns<string> =>
      spawnSync(bin, ['run', '--profile', 'local'], {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CI: '', GITHUB_ACTIONS: '' }
      })
    const first = run()
    const log = `${first.stdout}${first.stderr}`
    expect(log).not.toMatch(/needs the better-sqlite3 package/)
    expect(first.status).toBe(0)
    expect(log).toMatch(/dispatch-metrics\s+passed/)
    expect(log).toMatch(/report\s+passed/)
    expect(existsSync(join(project, '.stackci', 'metrics.sqlite'))).toBe(true)
    expect(
      readFileSync(join(project, '.stackci', 'report.html'), 'utf8')
    ).toContain('skyprobe')

    // A second run reads the history the first one left.
    const second = run()
    expect(second.status).toBe(0)
    const history = spawnSync(
      bin,
      ['metrics', 'history', '--all', '--series', 'local', '--json'],
      {
        cwd: project,
        encoding: 'utf8'
      }
    )
    expect(history.status).toBe(0)
    expect(history.stdout).toContain('skyprobe')
  })

  it('`stackci` on the PATH and `npx stackci` work in that project', () => {
    const expected = (
      JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
        version: string
      }
    ).version
    // npx finds a global package under npm's prefix, as after a real
    // `npm install --global` with the default prefix.
    const env = { ...process.env, PATH: pathWithBin, npm_config_prefix: prefix }
    for (const [cmd, args] of [
      ['stackci', ['--version']],
      ['npx', ['--no-install', 'stackci', '--version']]
    ] as const) {
      const r = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', env })
      expect(`${cmd}: ${r.stdout.trim()}`).toBe(`${cmd}: ${expected}`)
      expect(r.status).toBe(0)
    }
  })
})
