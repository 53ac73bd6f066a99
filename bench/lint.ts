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
const repeats = Number(arg('repeats') ?? 4)
const cli = join(process.cwd(), 'bin', 'stackci.js')
if (!existsSync(join(process.cwd(), 'lib', 'cli', 'main.js'))) {
  console.error('lib/ is missing: run npm run build first')
  process.exit(2)
}
const out = mkdtempSync(join(tmpdir(), 'stackci-bench-lint-'))

interface Timing {
  ms: number
  /** User + system CPU of the command and every process under it. */
  cpuMs: number
  lines: number
}

// bash's `times` prints the CPU its waited-for children used (flake8's
// worker processes roll up into flake8, flake8 into stackci): contention
// from other processes on the machine does not count there.
const TIMES = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/

/** Runs a command to completion, draining stdout; wall and CPU time. */
async function timed(
  exe: string,
  args: string[],
  cwd: string
): Promise<Timing> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      [
        '-c',
        '"$@" 2>/dev/null; code=$?; times >&2; exit $code',
        'bash',
        exe,
        ...args
      ],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let lines = 0
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = performance.now() - started
      const t = TIMES.exec(stderr.trimEnd())
      if (code !== 0 && code !== 1)
        reject(new Error(`${exe} exited with ${code}`))
      else if (t === null)
        reject(new Error(`no CPU times from bash: ${stderr}`))
      else {
        const cpu = (m: string | undefined, sec: string | undefined): number =>
          (Number(m) * 60 + Number(sec)) * 1000
        resolve({ ms, cpuMs: cpu(t[1], t[2]) + cpu(t[3], t[4]), lines })
      }
    })
  })
}

const bare = async (): Promise<Timing> => timed(flake8, [], tree)
const ours = async (): Promise<Timing> =>
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
  `tree: ${tree}\nflake8: ${flake8}\nwarm-up, then ${repeats} runs of each in ABBA order…`
)
const warm = await bare()
const times = { ours: [] as Timing[], bare: [] as Timing[] }
for (let i = 0; i < repeats; i++) {
  // Alternate which goes first, so a load that rises or falls during the
  // benchmark favours neither.
  if (i % 2 === 0) {
    times.bare.push(await bare())
    times.ours.push(await ours())
  } else {
    times.ours.push(await ours())
    times.bare.push(await bare())
  }
  const b = times.bare[i]!
  const o = times.ours[i]!
  console.log(
    `  run ${i + 1}: flake8 ${(b.ms / 1000).toFixed(1)} s wall, ${(b.cpuMs / 1000).toFixed(1)} s CPU; stackci ${(o.ms / 1000).toFixed(1)} s wall, ${(o.cpuMs / 1000).toFixed(1)} s CPU`
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

const o = median(times.ours.map((t) => t.ms))
const b = median(times.bare.map((t) => t.ms))
const oc = median(times.ours.map((t) => t.cpuMs))
const bc = median(times.bare.map((t) => t.cpuMs))
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
    metric: `CPU time, all processes (median of ${repeats})`,
    ours: oc / 1000,
    baseline: bc / 1000,
    unit: 's',
    aim: '≤ 1.05×',
    met: oc / bc <= 1.05
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
