/**
 * `npm run bench -- notebook [--runs R] [--keep]`: a trivial notebook (a
 * parameters cell and one computation) executed and rendered to HTML in the
 * Python base image, alternately by `stackci notebook run` and by hand with
 * `docker run --rm --network none -v nb:ro -v out … jupyter nbconvert
 * --execute --to html` (the docker CLI in STACKCI_DOCKER_CLI), both fresh
 * processes on the same engine; prints the median wall time of each, and
 * the median CPU time (user + sys) of the client process (stackci's node,
 * the docker CLI) under /usr/bin/time when it is there, with the load.
 * Aim: ≤ 1.05× the hand-made run.
 *
 * Needs a running engine and the Python base image with Jupyter
 * (STACKCI_PYTHON_IMAGE): `source scripts/services.sh; ensure_docker;
 * ensure_python_base_image`.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { alternate, timed } from './lib/alternate.js'
import { printTable, type Row } from './lib/table.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const runs = arg('runs', 5)
const dockerCli = process.env.STACKCI_DOCKER_CLI ?? 'docker'
const host =
  process.env.STACKCI_DOCKER_HOST ??
  process.env.DOCKER_HOST ??
  'unix:///var/run/docker.sock'
const image = process.env.STACKCI_PYTHON_IMAGE

const TRIVIAL = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
  cells: [
    {
      id: 'parameters',
      cell_type: 'code',
      metadata: { tags: ['parameters'] },
      execution_count: null,
      outputs: [],
      source: 'n = 10'
    },
    {
      id: 'sum',
      cell_type: 'code',
      metadata: {},
      execution_count: null,
      outputs: [],
      source: 'print(sum(range(n)))'
    }
  ]
}

async function main(): Promise<void> {
  if (image === undefined || image === '') {
    throw new Error(
      'STACKCI_PYTHON_IMAGE is not set: source scripts/services.sh; ensure_docker; ensure_python_base_image'
    )
  }
  const env = { ...process.env, DOCKER_HOST: host }
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-notebook-'))
  const nbDir = mkdtempSync(join(dir, 'nb-'))
  const notebook = join(nbDir, 'trivial.ipynb')
  writeFileSync(notebook, JSON.stringify(TRIVIAL))
  // The client's CPU time, by /usr/bin/time: what a busy machine cannot
  // stretch the way it stretches wall time.
  const cpu: Record<'ours' | 'theirs', number[]> = { ours: [], theirs: [] }
  const cpuFile = join(dir, 'cpu.txt')
  const TIME = '/usr/bin/time'
  const withCpu = async (
    who: 'ours' | 'theirs',
    command: string,
    args: string[]
  ): Promise<number> => {
    if (!existsSync(TIME)) return timed(command, args, env)
    const ms = await timed(
      TIME,
      ['-f', '%U %S', '-o', cpuFile, command, ...args],
      env
    )
    const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/)
    cpu[who].push(Number(user) + Number(sys))
    return ms
  }
  const ours = async (): Promise<number> => {
    const out = mkdtempSync(join(dir, 'ours-'))
    const ms = await withCpu('ours', process.execPath, [
      'bin/stackci.js',
      'notebook',
      'run',
      notebook,
      '--image',
      image,
      '--out',
      out,
      '--no-pull',
      '--docker-host',
      host
    ])
    rmSync(out, { recursive: true, force: true })
    return ms
  }
  const theirs = async (): Promise<number> => {
    const out = mkdtempSync(join(dir, 'docker-'))
    const ms = await withCpu('theirs', dockerCli, [
      'run',
      '--rm',
      '--network',
      'none',
      '-v',
      `${nbDir}:/nb:ro`,
      '-v',
      `${out}:/out`,
      '-w',
      '/out',
      image,
      'jupyter',
      'nbconvert',
      '--execute',
      '--to',
      'html',
      '--output-dir',
      '/out',
      '/nb/trivial.ipynb'
    ])
    rmSync(out, { recursive: true, force: true })
    return ms
  }
  try {
    const loadBefore = loadavg()[0]?.toFixed(2) ?? '?'
    const [wallOurs, wallTheirs] = await alternate(ours, theirs, runs, 'run')
    const rows: Row[] = [
      {
        metric: 'wall time',
        ours: wallOurs,
        baseline: wallTheirs,
        unit: 's',
        aim: '≤ 1.05×',
        met: wallOurs <= wallTheirs * 1.05
      }
    ]
    // The warm-up runs are not in the medians.
    const median = (xs: number[]): number =>
      [...xs.slice(1)].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)] ??
      NaN
    if (cpu.ours.length > 1)
      rows.push({
        metric: 'client CPU time (user + sys)',
        ours: median(cpu.ours),
        baseline: median(cpu.theirs),
        unit: 's'
      })
    console.log(
      `1-min load average ${loadBefore} before, ${loadavg()[0]?.toFixed(2) ?? '?'} after, on ${availableParallelism()} CPUs`
    )
    printTable(
      `notebook run: a trivial notebook executed and rendered to HTML, median of ${runs} (stackci notebook run vs docker run … jupyter nbconvert --execute --to html, fresh processes)`,
      rows
    )
  } finally {
    if (!process.argv.includes('--keep'))
      rmSync(dir, { recursive: true, force: true })
  }
}

await main()
