/**
 * The whole chain on the sample stack, through the committed action
 * bundles: stack-image builds examples/stack on the locally made Python
 * base, integration runs skyprobe on field_a and field_b in it, and the
 * collected jobs pass `stackci verify check` against the sample specs.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseJob, type Job } from '../../../src/verify/index.js'
import { runActionBundle } from '../../helpers/actions.js'
import { runCli } from '../../helpers/cli.js'
import {
  dockerServices,
  removeImages,
  removeTempDirs,
  tempDir,
  testEngine
} from '../../helpers/docker.js'
import { pythonBaseImage } from '../../helpers/integration.js'

const services = dockerServices()
const base = pythonBaseImage()
const engine = await testEngine()
const root = process.cwd()
const built: string[] = []
afterAll(async () => {
  await removeImages(engine, built)
  removeTempDirs()
})

const measured = (job: Job, metric: string): number | undefined =>
  job.measurements.find((m) => m.metric === `skyprobe.${metric}`)?.value

it('builds with stack-image, runs both datasets with integration, and the jobs pass verify check', async () => {
  const sha = randomBytes(20).toString('hex')
  const image = await runActionBundle(
    join(root, 'actions/stack-image/dist/index.cjs'),
    {
      context: 'examples/stack',
      kind: 'sha',
      version: sha,
      'build-args': `BASE_IMAGE=${base}\nSKYPROBE_GIT_SHA=${sha}`,
      'docker-host': services.host
    },
    { cwd: root, dir: tempDir('stackci-image-run-') }
  )
  expect(image.stdout).not.toContain('::error::')
  expect(image.code).toBe(0)
  const ref = image.outputs.image ?? ''
  built.push(ref)
  expect(ref).toBe(`stackci/stack:sha-${sha.slice(0, 7)}`)
  // The package tested itself while the image was built.
  expect(image.stdout).toMatch(/Ran 6 tests in [\d.]+s\s+OK/)

  const run = await runActionBundle(
    join(root, 'actions/integration/dist/index.cjs'),
    {
      image: ref,
      datasets:
        'field_a=examples/stack/datasets/field_a\nfield_b=examples/stack/datasets/field_b',
      command: 'skyprobe measure {dataset_dir} --output {output_dir}',
      outputs: '**/*.verify.json',
      timeout: '5m',
      memory: '256m',
      cpus: '1',
      network: 'none',
      parallel: '2',
      pull: 'false',
      'docker-host': services.host
    },
    { cwd: root, dir: tempDir('stackci-integration-run-') }
  )
  expect(run.stdout).not.toContain('::error::')
  expect(run.code).toBe(0)
  const jobs = JSON.parse(run.outputs.jobs ?? '') as string[]
  expect(jobs.map((j) => j.split('/').slice(-2).join('/'))).toEqual([
    'field_a/skyprobe_field_a.verify.json',
    'field_b/skyprobe_field_b.verify.json'
  ])
  expect(run.summary).toMatch(/Integration datasets: 2\/2 succeeded/)

  const check = await runCli([
    'verify',
    'check',
    '--definitions',
    'examples/stack',
    ...jobs
  ])
  expect(check.stderr).toBe('')
  expect(check.code).toBe(0)
  expect(check.stdout).toContain(
    '2 jobs: 18 passed, 0 failed, 0 without a value'
  )
  expect(check.stdout).toContain('skyprobe.astrom_rms.field_a_design')
  expect(check.stdout).toContain('skyprobe.phot_rms.field_b_design')

  const [a, b] = jobs.map((f) => parseJob(readFileSync(f, 'utf8'), f))
  expect(a?.meta).toMatchObject({
    dataset_name: 'field_a',
    instrument: 'SkyprobeCam',
    filter_name: 'r',
    packages: { skyprobe: { name: 'skyprobe', git_sha: sha } },
    'stackci.image': ref,
    'stackci.command': 'skyprobe measure /datasets/field_a --output /output'
  })
  expect(b?.meta).toMatchObject({ dataset_name: 'field_b', filter_name: 'i' })

  // The committed example job (what `npm run demo` checks) is this run's
  // output: the datasets and the code are deterministic, the run time not.
  const committed = parseJob(
    readFileSync('examples/stack/jobs/field_a.verify.json', 'utf8'),
    'field_a.verify.json'
  )
  for (const metric of [
    'astrom_rms',
    'phot_rms',
    'matched_fraction',
    'n_matched'
  ]) {
    expect([metric, measured(committed, metric)]).toEqual([
      metric,
      a === undefined ? undefined : measured(a, metric)
    ])
  }
})
