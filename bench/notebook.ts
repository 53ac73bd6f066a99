/**
 * `npm run bench -- notebook [--runs R] [--keep]`: a trivial notebook (a
 * parameters cell and one computation) executed and rendered to HTML in the
 * Python base image, alternately by `stackci notebook run` and by hand with
 * `docker run --rm --network none -v nb:ro -v out … jupyter nbconvert
 * --execute --to html` (the docker CLI in STACKCI_DOCKER_CLI), both fresh
 * processes on the same engine; prints the median wall time of each.
 * Aim: ≤ 1.05× the hand-made run.
 *
 * Needs a running engine and the Python base image with Jupyter
 * (STACKCI_PYTHON_IMAGE): `source scripts/services.sh; ensure_docker;
 * ensure_python_base_image`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { alternate, timed } from './lib/alternate.js'
import { printTable } from './lib/table.js'

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
  const ours = async (): Promise<number> => {
    const out = mkdtempSync(join(dir, 'ours-'))
    const ms = await timed(
      process.execPath,
      [
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
      ],
      env
    )
    rmSync(out, { recursive: true, force: true })
    return ms
  }
  const theirs = async (): Promise<number> => {
    const out = mkdtempSync(join(dir, 'docker-'))
    const ms = await timed(
      dockerCli,
      [
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
      ],
      env
    )
    rmSync(out, { recursive: true, force: true })
    return ms
  }
  try {
    const [wallOurs, wallTheirs] = await alternate(ours, theirs, runs, 'run')
    printTable(
      `notebook run: a trivial notebook executed and rendered to HTML, median of ${runs} (stackci notebook run vs docker run … jupyter nbconvert --execute --to html, fresh processes)`,
      [
        {
          metric: 'wall time',
          ours: wallOurs,
          baseline: wallTheirs,
          unit: 's',
          aim: '≤ 1.05×',
          met: wallOurs <= wallTheirs * 1.05
        }
      ]
    )
  } finally {
    if (!process.argv.includes('--keep'))
      rmSync(dir, { recursive: true, force: true })
  }
}

await main()
