/**
 * `npm run bench -- dataset [--runs R] [--stars N] [--visits V] [--keep]`:
 * the sample stack's skyprobe measures one generated dataset (N stars, V
 * visits), run alternately by `stackci dataset run` and by `docker run --rm
 * -v dataset:…:ro -v out:/output --network none` (the docker CLI in
 * STACKCI_DOCKER_CLI), both as fresh processes on the same engine, and
 * prints the median wall time of each. Aim: ≤ 1.05× docker's wall time.
 *
 * Needs a running engine and the Python base image (STACKCI_PYTHON_IMAGE):
 * `source scripts/services.sh; ensure_docker; ensure_python_base_image`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { alternate, timed } from './lib/alternate.js'
import { printTable } from './lib/table.js'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const runs = arg('runs', 5)
const stars = arg('stars', 400_000)
const visits = arg('visits', 4)
const dockerCli = process.env.STACKCI_DOCKER_CLI ?? 'docker'
const host =
  process.env.STACKCI_DOCKER_HOST ??
  process.env.DOCKER_HOST ??
  'unix:///var/run/docker.sock'
const base = process.env.STACKCI_PYTHON_IMAGE
const IMAGE = 'stackci-bench/skyprobe:latest'

/** A seeded generator, so every run measures the same dataset. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return () =>
    Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
}

/** A field of `stars` stars over 1 deg², seen in `visits` visits. */
function generate(dir: string): number {
  const g = gaussian(42)
  const truth = Array.from({ length: stars }, () => [
    150 + (g() * 0.2) / Math.cos((2 * Math.PI) / 180),
    2 + g() * 0.2,
    20 + g()
  ])
  let bytes = 0
  const list = []
  for (let v = 1; v <= visits; v++) {
    const rows = ['source_id,ra,dec,mag,mag_err']
    truth.forEach(([ra = 0, dec = 0, mag = 0], i) => {
      rows.push(
        `${v * 1e6 + i},${(ra + (g() * 8) / 3.6e6).toFixed(7)},${(dec + (g() * 8) / 3.6e6).toFixed(7)},${(mag + g() * 0.005).toFixed(4)},0.0050`
      )
    })
    const text = `${rows.join('\n')}\n`
    writeFileSync(join(dir, `visit_${v}.csv`), text)
    bytes += text.length
    list.push({ visit: v, mjd: 60000 + v, file: `visit_${v}.csv` })
  }
  writeFileSync(
    join(dir, 'dataset.json'),
    JSON.stringify({
      name: 'bench',
      instrument: 'SkyprobeCam',
      filter: 'r',
      visits: list
    })
  )
  return bytes
}

async function main(): Promise<void> {
  if (base === undefined || base === '') {
    throw new Error(
      'STACKCI_PYTHON_IMAGE is not set: source scripts/services.sh; ensure_docker; ensure_python_base_image'
    )
  }
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '0' }
  const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-dataset-'))
  const data = join(dir, 'bench')
  mkdirSync(data)
  try {
    const bytes = generate(data)
    console.error(
      `dataset: ${stars} stars x ${visits} visits, ${(bytes / 2 ** 20).toFixed(1)} MiB; building ${IMAGE}`
    )
    await timed(
      dockerCli,
      [
        'build',
        '-q',
        '--build-arg',
        `BASE_IMAGE=${base}`,
        '-t',
        IMAGE,
        'examples/stack'
      ],
      env
    )
    /** argv with {dataset_dir} and {output_dir}, for both sides. */
    const measureArgv = [
      'skyprobe',
      'measure',
      '{dataset_dir}',
      '--output',
      '{output_dir}'
    ]
    const nothingArgv = [
      'python3',
      '-c',
      "open('{output_dir}/x.verify.json', 'w').write('{}')"
    ]
    const ours = async (argv: string[]): Promise<number> => {
      const results = join(dir, `ours-${Math.random().toString(36).slice(2)}`)
      const ms = await timed(
        process.execPath,
        [
          'bin/stackci.js',
          'dataset',
          'run',
          '--image',
          IMAGE,
          '--dataset',
          `bench=${data}`,
          '--results-dir',
          results,
          '--no-pull',
          '--docker-host',
          host,
          '--',
          ...argv
        ],
        env
      )
      rmSync(results, { recursive: true, force: true })
      return ms
    }
    const theirs = async (argv: string[]): Promise<number> => {
      const out = mkdtempSync(join(dir, 'docker-'))
      const filled = argv.map((a) =>
        a
          .replace('{dataset_dir}', '/datasets/bench')
          .replace('{output_dir}', '/output')
      )
      const ms = await timed(
        dockerCli,
        [
          'run',
          '--rm',
          '--network',
          'none',
          '-v',
          `${data}:/datasets/bench:ro`,
          '-v',
          `${out}:/output`,
          IMAGE,
          ...filled
        ],
        env
      )
      rmSync(out, { recursive: true, force: true })
      return ms
    }
    const [wallOurs, wallTheirs] = await alternate(
      async () => ours(measureArgv),
      async () => theirs(measureArgv),
      runs,
      'measure'
    )
    const [fixedOurs, fixedTheirs] = await alternate(
      async () => ours(nothingArgv),
      async () => theirs(nothingArgv),
      5,
      'nothing'
    )
    printTable(
      `dataset run: skyprobe on ${stars} stars x ${visits} visits, median of ${runs} (stackci dataset run vs docker run --rm -v, fresh processes)`,
      [
        {
          metric: 'wall time',
          ours: wallOurs,
          baseline: wallTheirs,
          unit: 's',
          aim: '≤ 1.05×',
          met: wallOurs <= wallTheirs * 1.05
        },
        {
          metric: 'a command that does nothing (fixed cost)',
          ours: fixedOurs,
          baseline: fixedTheirs,
          unit: 's',
          aim: 'for information'
        }
      ]
    )
  } finally {
    await timed(dockerCli, ['rmi', '-f', IMAGE], env).catch(() => 0)
    if (!process.argv.includes('--keep'))
      rmSync(dir, { recursive: true, force: true })
  }
}

await main()
