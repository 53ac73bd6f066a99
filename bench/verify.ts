/**
 * `npm run bench -- verify [--jobs N] [--per-job M]`: loads the real
 * verify_metrics fixtures and evaluates 100,000 generated measurements
 * (2,000 jobs × 50 by default) with stackci, against a bare baseline that
 * only parses the same inputs (js-yaml for the YAML, JSON.parse for the
 * jobs). Aim: stackci ≤ 3× the baseline.
 */
import jsyaml from 'js-yaml'
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkJobFiles, loadDefinitions } from '../src/verify/index.js'
import { fixturesDir } from './lib/paths.js'
import { printTable, timeIt } from './lib/table.js'

const fixtures = join(fixturesDir(), 'verify_metrics')
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i === -1 ? fallback : Number(process.argv[i + 1])
}
const jobs = arg('jobs', 2000)
const perJob = arg('per-job', 50)

function yamlFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...yamlFiles(p))
    else if (/\.ya?ml$/.test(e.name)) out.push(p)
  }
  return out
}

// A seeded generator, so every run measures the same inputs.
let seed = 42
const random = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}

const defs = await loadDefinitions(fixtures)
const measured = [...defs.specsByMetric.keys()].filter((m) =>
  defs.metrics.has(m)
)
const dir = mkdtempSync(join(tmpdir(), 'stackci-bench-verify-'))
const files: string[] = []
const filters = ['HSC-G', 'HSC-R', 'HSC-I']
for (let j = 0; j < jobs; j++) {
  const measurements = []
  for (let k = 0; k < perJob; k++) {
    const metric = measured[(j * perJob + k) % measured.length] as string
    const unit = defs.metrics.get(metric)?.unit.name ?? ''
    const spec = defs.specsByMetric.get(metric)?.[0]
    const value =
      random() < 0.01 ? null : (spec?.threshold.value ?? 1) * (0.5 + random())
    measurements.push({
      metric,
      identifier: `${j}-${k}`,
      value,
      unit,
      blob_refs: []
    })
  }
  const job = {
    measurements,
    blobs: [],
    metrics: [],
    specs: [],
    meta: {
      instrument: 'HSC',
      filter_name: filters[j % 3],
      dataset_repo_url: 'https://github.com/lsst/validation_data_hsc.git',
      dataset_name: 'validation_data_hsc',
      packages: {}
    }
  }
  const file = join(dir, `job-${String(j).padStart(5, '0')}.verify.json`)
  writeFileSync(file, JSON.stringify(job, null, 2))
  files.push(file)
}
const yaml = yamlFiles(fixtures)

let evaluated = 0
const ours = await timeIt(async () => {
  const d = await loadDefinitions(fixtures)
  evaluated = 0
  await checkJobFiles(files, d, {
    onJob: (o) => {
      evaluated += o.results?.length ?? 0
    }
  })
}, 5)
const baseline = await timeIt(async () => {
  for (const f of yaml)
    jsyaml.loadAll(readFileSync(f, 'utf8'), null, { json: true })
  await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as unknown)
  )
}, 5)
rmSync(dir, { recursive: true, force: true })

const ratio = ours.median / baseline.median
console.log(
  `${yaml.length} YAML files, ${jobs} jobs × ${perJob} = ${jobs * perJob} measurements, ${evaluated} specification results per run`
)
printTable('verify: load the fixtures and evaluate every job', [
  {
    metric: 'wall time (median of 5)',
    ours: ours.median,
    baseline: baseline.median,
    unit: 'ms',
    aim: '≤ 3×',
    met: ratio <= 3
  },
  {
    metric: 'measurements per second',
    ours: (jobs * perJob) / (ours.median / 1000),
    baseline: (jobs * perJob) / (baseline.median / 1000),
    unit: '/s'
  }
])
