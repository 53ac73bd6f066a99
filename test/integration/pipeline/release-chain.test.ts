/**
 * The release chain end to end through `stackci run`: the Jenkins
 * emulator's release jobs, the sample stack built by the real dockerd and
 * pushed as a candidate to the real registry, run on field_a, gated; then
 * promoted only when green. Each case asserts what Jenkins received and
 * what the registry holds afterwards.
 */

import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { JenkinsEmulator } from '../../emulators/jenkins/index.js'
import { runCli, type CliRun } from '../../helpers/cli.js'
import {
  dockerServices,
  registryDigest,
  removeTempDirs,
  tempDir
} from '../../helpers/docker.js'
import { pythonBaseImage } from '../../helpers/integration.js'
import {
  expectNoSecrets,
  startJenkins,
  TOKEN,
  USER
} from '../../helpers/jenkins.js'

const root = process.cwd()
const stack = join(root, 'examples', 'stack')
const services = dockerServices()
const base = pythonBaseImage()
let jenkins: JenkinsEmulator

const param = (name: string, def = ''): { name: string; default: string } => ({
  name,
  default: def
})

beforeAll(async () => {
  jenkins = await startJenkins()
  const script = {
    durationMs: 800,
    result: 'SUCCESS' as const,
    artifacts: ['results/manifest.txt'],
    artifactContents: { 'results/manifest.txt': 'BUILD=b9999\n' },
    testReport: [
      { className: 'lsst.afw.test', name: 'test_image', status: 'PASSED' },
      { className: 'lsst.afw.test', name: 'test_table', status: 'PASSED' },
      { className: 'lsst.daf.test', name: 'test_butler', status: 'SKIPPED' }
    ] as const
  }
  const common = [param('PRODUCTS'), param('STACKCI_RUN_ID')]
  jenkins.addJob('release/weekly-release', {
    parameters: [param('YEAR', '0000'), param('WEEK'), ...common],
    script: { ...script, testReport: [...script.testReport] }
  })
  jenkins.addJob('release/official-release', {
    parameters: [
      param('SOURCE_GIT_REFS'),
      param('RELEASE_GIT_TAG'),
      { name: 'O_LATEST', type: 'boolean', default: 'false' },
      ...common
    ],
    script: { ...script, testReport: [] }
  })
  jenkins.addJob('stack-os-matrix', {
    parameters: [param('REFS'), ...common],
    script: { ...script, testReport: [] }
  })
})

afterAll(async () => {
  await jenkins.stop()
  removeTempDirs()
})

/** A stackci.yml for the sample stack; `inflate` makes the astrometry 100× worse (a minimum spec fails). */
function writeConfig(
  dir: string,
  repository: string,
  inflate: boolean
): string {
  const file = join(dir, 'stackci.yml')
  // Datasets live inside the project: paths outside it are refused (#18).
  cpSync(join(stack, 'datasets'), join(dir, 'datasets'), { recursive: true })
  const command = inflate
    ? `command: "skyprobe measure {dataset_dir} --output {output_dir} && python3 -c \\"import glob, json\\nfor f in glob.glob('{output_dir}/*.verify.json'):\\n  j = json.load(open(f))\\n  [m.update(value=m['value'] * 100) for m in j['measurements'] if m['metric'] == 'skyprobe.astrom_rms']\\n  json.dump(j, open(f, 'w'))\\""\n  shell: true`
    : `command: [skyprobe, measure, '{dataset_dir}', --output, '{output_dir}']`
  writeFileSync(
    file,
    `version: 1
registry:
  repository: ${repository}
jenkins:
  url: ${jenkins.baseUrl}
  jobs:
    pr: stack-os-matrix
    weekly: release/weekly-release
    stable: release/official-release
  parameters:
    PRODUCTS: lsst_distrib
  artifacts: [manifest.txt]
image:
  context: ${stack}
  build-args-env:
    BASE_IMAGE: STACKCI_PYTHON_IMAGE
  labels:
    org.lsst.run: '{run.id}'
integration:
  datasets:
    field_a: datasets/field_a
  ${command}
  timeout: 5m
  memory: 256m
verify:
  definitions: ${stack}
metrics:
  stores:
    sqlite: { path: metrics.sqlite }
  gate: { fail: [minimum], warn: [design] }
report:
  out: report.html
profiles:
  weekly:
    steps: [jenkins-build, stack-image, integration, dispatch-metrics, report]
  fanned:
    kind: weekly
    steps: [stack-image, integration, dispatch-metrics, report, promote]
  stable:
    steps: [jenkins-build, stack-image]
  pr:
    steps: [jenkins-build, stack-image]
`
  )
  return file
}

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  CI: 'true',
  JENKINS_USER: USER,
  JENKINS_TOKEN: TOKEN,
  STACKCI_PYTHON_IMAGE: base,
  DOCKER_HOST: services.host,
  GITHUB_EVENT_PATH: '',
  GITHUB_RUN_ID: '',
  ...extra
})

async function stackci(
  dir: string,
  args: string[],
  extra: Record<string, string> = {}
): Promise<CliRun> {
  const r = await runCli(['run', ...args, 'stackci.yml'], {
    cwd: dir,
    env: env(extra)
  })
  expectNoSecrets(r.stdout + r.stderr)
  if (process.env.CHAIN_DEBUG !== undefined) console.log(r.stdout, r.stderr)
  return r
}

/** What Jenkins received in its last queued build of `job`. */
function lastParams(job: string): Record<string, string> {
  const item = [...jenkins.model.items.values()]
    .filter((i) => i.job.fullName === job)
    .at(-1)
  return Object.fromEntries(item?.params ?? [])
}

function repositoryFor(name: string): { repository: string; path: string } {
  const path = `chain-${name}-${randomBytes(3).toString('hex')}/skyprobe`
  return { repository: `${services.registry}/${path}`, path }
}

async function tagsOf(path: string): Promise<string[]> {
  const r = await fetch(`http://${services.registry}/v2/${path}/tags/list`)
  if (r.status === 404) return []
  return ((await r.json()) as { tags: string[] | null }).tags?.sort() ?? []
}

/** A fresh repository and config, then `stackci run ARGS` in it. */
async function release(
  name: string,
  inflate: boolean,
  args: string[]
): Promise<{ dir: string; path: string; r: CliRun }> {
  const dir = tempDir(`stackci-chain-${name}-`)
  const { repository, path } = repositoryFor(name)
  writeConfig(dir, repository, inflate)
  return { dir, path, r: await stackci(dir, args) }
}

describe('weekly', () => {
  it('red: a minimum spec fails, exit 1, nothing promoted, the evidence kept', async () => {
    const { dir, path, r } = await release('red', true, [
      '--profile',
      'weekly',
      '--date',
      '2026-12-03',
      '--run-id',
      'wk-red-1'
    ])
    expect(r.code).toBe(1)
    expect(lastParams('release/weekly-release')).toMatchObject({
      YEAR: '2026',
      WEEK: '49',
      PRODUCTS: 'lsst_distrib',
      STACKCI_RUN_ID: 'wk-red-1'
    })
    expect(await tagsOf(path)).toEqual(['candidate-wk-red-1'])
    expect(r.stdout).toMatch(/❌ dispatch-metrics\s+failed/)
    expect(r.stdout).toMatch(
      /⏭️ promote\s+skipped\s+\S+\s+not run: dispatch-metrics did not pass; nothing promoted: w_2026_49 stays absent, w_latest stays absent/
    )
    // Under the closing table: the specification that failed the gate.
    expect(r.stdout).toMatch(/\ndispatch-metrics:\n- \S+: \S+.* [<>]=? \S+/)
    // The red run's evidence: the report, and the failing value recorded.
    expect(r.stdout).toMatch(/✅ report\s+passed/)
    expect(existsSync(join(dir, 'report.html'))).toBe(true)
    const db = new Database(join(dir, 'metrics.sqlite'), { readonly: true })
    const jobs = db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as {
      n: number
    }
    db.close()
    expect(jobs.n).toBe(1)
  })

  it('green: w_2026_49 and w_latest get the candidate digest; Jenkins results reach the run', async () => {
    const { dir, path, r } = await release('green', false, [
      '--profile',
      'weekly',
      '--date',
      '2026-12-03',
      '--run-id',
      'wk-green-1'
    ])
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.code).toBe(0)
    expect(lastParams('release/weekly-release')).toMatchObject({
      YEAR: '2026',
      WEEK: '49'
    })
    const candidate = await registryDigest(
      services.registry,
      path,
      'candidate-wk-green-1'
    )
    expect(candidate).toMatch(/^sha256:/)
    expect(await registryDigest(services.registry, path, 'w_2026_49')).toBe(
      candidate
    )
    expect(await registryDigest(services.registry, path, 'w_latest')).toBe(
      candidate
    )
    expect(r.stdout).toMatch(
      new RegExp(
        `✅ promote\\s+passed\\s+\\S+\\s+w_2026_49, w_latest → ${candidate ?? ''}`
      )
    )
    // The JUnit summary and the named artifact.
    expect(r.stdout).toMatch(
      /jenkins-build\s+passed.*tests: 2 passed, 0 failed, 1 skipped; 1 artifact downloaded/
    )
    expect(
      readFileSync(
        join(dir, '.stackci', 'runs', 'wk-green-1', 'jenkins', 'manifest.txt'),
        'utf8'
      )
    ).toBe('BUILD=b9999\n')
    // Integration ran the pushed digest; the metrics carry it.
    const db = new Database(join(dir, 'metrics.sqlite'), { readonly: true })
    const job = db.prepare('SELECT image_digest FROM jobs').get() as {
      image_digest: string
    }
    db.close()
    expect(job.image_digest).toBe(candidate)
  })
})

it('pr: Jenkins gets REFS = the head branch; nothing but the candidate is pushed', async () => {
  const dir = tempDir('stackci-chain-pr-')
  const { repository, path } = repositoryFor('pr')
  writeConfig(dir, repository, false)
  const event = join(dir, 'event.json')
  writeFileSync(
    event,
    JSON.stringify({
      number: 42,
      pull_request: {
        number: 42,
        head: { ref: 'tickets/DM-48123', sha: 'b'.repeat(40) },
        base: { ref: 'main', sha: 'c'.repeat(40) }
      }
    })
  )
  const r = await stackci(dir, ['--profile', 'pr', '--run-id', 'pr-42-1'], {
    GITHUB_EVENT_PATH: event,
    GITHUB_EVENT_NAME: 'pull_request'
  })
  expect(r.code).toBe(0)
  expect(lastParams('stack-os-matrix')).toMatchObject({
    REFS: 'tickets/DM-48123'
  })
  expect(await tagsOf(path)).toEqual(['candidate-pr-42-1'])
})

describe('stable', () => {
  it('29.0.0: RELEASE_GIT_TAG and O_LATEST=true; v29_0_0 and o_latest promoted', async () => {
    const { path, r } = await release('stable', false, [
      '--profile',
      'stable',
      '--version',
      '29.0.0',
      '--run-id',
      'stable-1'
    ])
    expect(r.code).toBe(0)
    expect(lastParams('release/official-release')).toMatchObject({
      RELEASE_GIT_TAG: '29.0.0',
      O_LATEST: 'true'
    })
    const candidate = await registryDigest(
      services.registry,
      path,
      'candidate-stable-1'
    )
    expect(await tagsOf(path)).toEqual([
      'candidate-stable-1',
      'o_latest',
      'v29_0_0'
    ])
    expect(await registryDigest(services.registry, path, 'o_latest')).toBe(
      candidate
    )
  })

  it('29.0.0-rc1: O_LATEST=false, no o_latest', async () => {
    const { path, r } = await release('rc', false, [
      '--profile',
      'stable',
      '--version',
      '29.0.0-rc1',
      '--run-id',
      'rc-1'
    ])
    expect(r.code).toBe(0)
    expect(lastParams('release/official-release')).toMatchObject({
      RELEASE_GIT_TAG: 'v29.0.0.rc1',
      O_LATEST: 'false'
    })
    expect(await tagsOf(path)).toEqual(['candidate-rc-1', 'v29_0_0_rc1'])
  })
})

it('collect mode: dispatch-metrics and promote on the jobs of two separate stackci dataset runs', async () => {
  const dir = tempDir('stackci-chain-fanout-')
  const { repository, path } = repositoryFor('fanout')
  writeConfig(dir, repository, false)
  const date = ['--date', '2026-12-03', '--run-id', 'gh-55-1']
  // The build job: the candidate only.
  const build = await stackci(dir, [
    '--profile',
    'fanned',
    '--steps',
    'stack-image',
    ...date
  ])
  expect(build.code).toBe(0)
  expect(await tagsOf(path)).toEqual(['candidate-gh-55-1'])
  // One runner per dataset, each on the candidate.
  for (const dataset of ['field_a', 'field_b']) {
    const r = await runCli(
      [
        'dataset',
        'run',
        '--image',
        `${repository}:candidate-gh-55-1`,
        '--dataset',
        `${dataset}=${join(dir, 'datasets', dataset)}`,
        '--results-dir',
        join(dir, 'jobs', dataset),
        '--',
        'skyprobe',
        'measure',
        '{dataset_dir}',
        '--output',
        '{output_dir}'
      ],
      { cwd: dir, env: env() }
    )
    expect(r.code).toBe(0)
  }
  // The collect job.
  const collect = await stackci(dir, [
    '--profile',
    'fanned',
    '--steps',
    'dispatch-metrics,report,promote',
    '--jobs',
    'jobs/**/*.verify.json',
    ...date
  ])
  expect(collect.stderr).not.toMatch(/error/i)
  expect(collect.code).toBe(0)
  expect(collect.stdout).toMatch(
    /✅ dispatch-metrics\s+passed\s+\S+\s+2 jobs to sqlite/
  )
  const db = new Database(join(dir, 'metrics.sqlite'), { readonly: true })
  const datasets = db
    .prepare('SELECT dataset FROM jobs ORDER BY dataset')
    .all() as { dataset: string }[]
  db.close()
  expect(datasets.map((d) => d.dataset)).toEqual(['field_a', 'field_b'])
  const candidate = await registryDigest(
    services.registry,
    path,
    'candidate-gh-55-1'
  )
  expect(await registryDigest(services.registry, path, 'w_latest')).toBe(
    candidate
  )
})
