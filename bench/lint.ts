/**
 * `npm run bench -- lint [--tree DIR] [--flake8 EXE] [--repeats N]`:
 * `stackci lint` (the CLI, end to end: node start-up, flake8, streaming
 * parse, summary, JSON report) against bare flake8 on the same large real
 * Python tree — by default the standard library of the Python that flake8
 * runs on, located at run time. Runs alternate (flake8, stackci, …) so load
 * from other processes hits both alike; medians are compared. Aim: ≤ 1.05×.
 * Needs `npm run build` (the CLI runs from lib/).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { RecordingReporter } from '../src/core/index.js'
import { formatNamed, runLint, type CommandLinter } from '../src/lint/index.js'
import { printTable } from './lib/table.js'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? undefined : process.argv[i + 1]
}

function which(exe: string): string {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', exe], {
    encoding: 'utf8'
  })
  const path = r.stdout.trim()
  if (r.status !== 0 || path === '') {
    console.error(
      `${exe} not found: install flake8 (apt-get install flake8) or pass --flake8 PATH`
    )
    process.exit(2)
  }
  return path
}

/** The standard library of the interpreter in flake8's shebang. */
function defaultTree(flake8: string): string {
  const shebang = readFileSync(flake8, 'utf8').split('\n')[0] ?? ''
  const python = /^#!\s*(\S+)/.exec(shebang)?.[1] ?? 'python3'
  const r = spawnSync(
    python,
    ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'],
    { encoding: 'utf8' }
  )
  if (r.status !== 0) {
    console.error(
      `cannot ask ${python} for its standard library; pass --tree DIR`
    )
    process.exit(2)
  }
  return r.stdout.trim()
}

const flake8 = which(arg('flake8') ?? 'flake8')
const tree = resolve(arg('tree') ?? defaultTree(flake8))
const repeats = Number(arg('repeats') ?? 3)
const cli = join(process.cwd(), 'bin', 'stackci.js')
if (!existsSync(join(process.cwd(), 'lib', 'cli', 'main.js'))) {
  console.error('lib/ is missing: run npm run build first')
  process.exit(2)
}
const out = mkdtempSync(join(tmpdir(), 'stackci-bench-lint-'))

/** Runs a command to completion, draining stdout; returns ms and stdout lines. */
async function timed(
  exe: string,
  args: string[],
  cwd: string
): Promise<{ ms: number; lines: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
    let lines = 0
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0 && code !== 1)
        reject(new Error(`${exe} exited with ${code}`))
      else resolve({ ms: performance.now() - started, lines })
    })
  })
}

const bare = async (): Promise<{ ms: number; lines: number }> =>
  timed(flake8, [], tree)
const ours = async (): Promise<{ ms: number; lines: number }> =>
  timed(
    process.execPath,
    [
      cli,
      'lint',
      '--root',
      tree,
      '--linter',
      `flake8: ${flake8}`,
      '--fail-on',
      'never',
      '--report',
      join(out, 'report.json'),
      '--summary',
      join(out, 'summary.md')
    ],
    tree
  )

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

console.log(
  `tree: ${tree}\nflake8: ${flake8}\nwarm-up, then ${repeats} alternating runs of each…`
)
const warm = await bare()
const times = { ours: [] as number[], bare: [] as number[] }
for (let i = 0; i < repeats; i++) {
  times.bare.push((await bare()).ms)
  times.ours.push((await ours()).ms)
  console.log(
    `  run ${i + 1}: flake8 ${(times.bare[i]! / 1000).toFixed(1)} s, stackci ${(times.ours[i]! / 1000).toFixed(1)} s`
  )
}

// What stackci itself adds: parse, sort, count and report the same findings
// in-process, from flake8's captured output (cat prints it back).
const capture = join(out, 'flake8.txt')
spawnSync('sh', ['-c', `"$1" --format=default > "$2"`, 'sh', flake8, capture], {
  cwd: tree
})
const replay: CommandLinter = {
  kind: 'command',
  name: 'flake8',
  format: formatNamed('flake8'),
  argv: ['cat', capture],
  forced: [],
  source: 'replay'
}
const started = performance.now()
const replayed = await runLint(
  {
    root: tree,
    linters: [replay],
    failOn: 'never',
    reportFile: join(out, 'replay.json')
  },
  new RecordingReporter()
)
const parseMs = performance.now() - started
const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
  totals: { all: number }
}
rmSync(out, { recursive: true, force: true })

const o = median(times.ours)
const b = median(times.bare)
console.log(
  `${warm.lines} findings from flake8; stackci parsed ${report.totals.all}; replayed through stackci's parser alone in ${parseMs.toFixed(0)} ms (${replayed.all} findings)`
)
printTable(`lint: flake8 on ${tree}`, [
  {
    metric: `wall time (median of ${repeats})`,
    ours: o / 1000,
    baseline: b / 1000,
    unit: 's',
    aim: '≤ 1.05×',
    met: o / b <= 1.05
  },
  {
    metric: 'findings',
    ours: report.totals.all,
    baseline: warm.lines,
    unit: '',
    aim: '= 1.00×',
    met: report.totals.all === warm.lines
  }
])
