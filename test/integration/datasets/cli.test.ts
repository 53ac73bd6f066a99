/**
 * `stackci dataset run` as a user types it: exit codes, the table and the
 * JSON, and an interrupt that kills and removes the containers first.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, type CliRun } from '../../helpers/cli.js'
import {
  dockerServices,
  removeTempDirs,
  tempDir,
  testEngine
} from '../../helpers/docker.js'
import {
  SAMPLE_JOB,
  makeDataset,
  waitUntil
} from '../../helpers/integration.js'
import { RUN_LABEL } from '../../../src/integration/index.js'

const services = dockerServices()
const engine = await testEngine()
afterAll(removeTempDirs)

const field = makeDataset({ 'job.json': SAMPLE_JOB })
const base = (results: string): string[] => [
  'dataset',
  'run',
  '--image',
  services.baseImage,
  '--dataset',
  `field=${field}`,
  '--results-dir',
  results,
  '--docker-host',
  services.host,
  '--no-pull',
  // The dataset is a temp dir, outside the repository this runs in.
  '--allow-outside-workspace'
]

it('exits 0 and lists the collected jobs', async () => {
  const results = tempDir('stackci-cli-')
  const r = await runCli([
    ...base(results),
    '--',
    'cp',
    '{dataset_dir}/job.json',
    '{output_dir}/field.verify.json'
  ])
  expect(r.stderr).toContain('[field] cp /datasets/field/job.json')
  expect(r.code).toBe(0)
  expect(r.stdout).toMatch(
    /^dataset +status +exit +duration +message\nfield +success +0 +\S+ +1 job\(s\), 1 file\(s\) collected\n\njob {2}.*field\.verify\.json\n$/
  )
})

it('prints JSON with --json, and exits 1 when a dataset fails', async () => {
  const results = tempDir('stackci-cli-')
  const r = await runCli([
    ...base(results),
    '--json',
    '--shell',
    '--',
    'echo partial; exit 3'
  ])
  expect(r.code).toBe(1)
  const out = JSON.parse(r.stdout) as {
    passed: boolean
    jobs: string[]
    results: Record<string, { status: string; exit_code: number; log: string }>
  }
  expect(out.passed).toBe(false)
  expect(out.jobs).toEqual([])
  expect(out.results.field).toMatchObject({
    status: 'failure',
    exit_code: 3,
    log: join(results, 'field.log')
  })
  expect(r.stderr).toContain('  | partial')
})

it('exits 2 with a clear message for bad input', async () => {
  const r = await runCli([
    'dataset',
    'run',
    '--image',
    services.baseImage,
    '--dataset',
    'field=does/not/exist',
    '--docker-host',
    services.host,
    '--',
    'true'
  ])
  expect(r.code).toBe(2)
  expect(r.stderr).toContain('does/not/exist: dataset field: no such directory')
  expect(r.stdout).toBe('')
})

it('explains itself with --help', async () => {
  const r = await runCli(['dataset', 'run', '--help'])
  expect(r.code).toBe(0)
  for (const flag of [
    '--image',
    '--dataset',
    '--outputs',
    '--timeout',
    '--memory',
    '--cpus',
    '--network',
    '--parallel',
    '--shell'
  ])
    expect(r.stdout).toContain(flag)
})

it('on SIGINT, kills and removes the container, then exits 130', async () => {
  const before = new Set(
    (
      await engine.docker.listContainers({
        all: true,
        filters: { label: [RUN_LABEL] }
      })
    ).map((c) => c.Id)
  )
  const results = tempDir('stackci-cli-')
  const child = spawn(
    process.execPath,
    ['bin/stackci.js', ...base(results), '--', 'sleep', '120'],
    { env: { ...process.env, NO_COLOR: '1' } }
  )
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const mine = async (): Promise<string[]> =>
    (
      await engine.docker.listContainers({
        all: true,
        filters: { label: [RUN_LABEL] }
      })
    )
      .filter((c) => !before.has(c.Id))
      .map((c) => `${c.Id} ${c.State}`)
  await waitUntil(async () => (await mine())[0]?.endsWith(' running') === true)
  const code = new Promise<number | null>((resolve) =>
    child.on('close', resolve)
  )
  child.kill('SIGINT')
  expect(await code).toBe(130)
  expect(stderr).toContain('cancelled; killing it')
  expect(await mine()).toEqual([])
})

/** A run on the local image, in the caller's working directory. */
const local = [
  'dataset',
  'run',
  '--image',
  services.baseImage,
  '--docker-host',
  services.host,
  '--no-pull'
]

describe('datasets outside the workspace (#18)', () => {
  const copy = ['cp', '{dataset_dir}/job.json', '{output_dir}/x.verify.json']
  const run = async (
    workspace: string,
    extra: string[] = []
  ): Promise<CliRun> =>
    runCli(
      [...local, '--dataset', 'escape=data/escape', ...extra, '--', ...copy],
      { cwd: workspace }
    )

  it('refuses a symlink leaving the workspace, naming the dataset and the path', async () => {
    const workspace = tempDir('stackci-ws-')
    mkdirSync(join(workspace, 'data'))
    symlinkSync(field, join(workspace, 'data', 'escape'))
    const r = await run(workspace)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      `dataset escape: ${join(workspace, 'data', 'escape')} (really ${field}) is outside the workspace ${workspace}`
    )
    expect(r.stderr).toContain('--allow-outside-workspace')
    expect(r.stdout).toBe('')
  })

  it('mounts it when allowed with --allow-outside-workspace', async () => {
    const workspace = tempDir('stackci-ws-')
    mkdirSync(join(workspace, 'data'))
    symlinkSync(field, join(workspace, 'data', 'escape'))
    const r = await run(workspace, ['--allow-outside-workspace'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^escape +success +0 /m)
  })

  it('refuses ../.. too, and allows it from stackci.yml', async () => {
    const workspace = tempDir('stackci-ws-')
    const up = await runCli(
      [
        'dataset',
        'run',
        '--image',
        services.baseImage,
        '--dataset',
        'root=../..',
        '--docker-host',
        services.host,
        '--',
        'true'
      ],
      { cwd: workspace }
    )
    expect(up.code).toBe(2)
    expect(up.stderr).toContain(
      `dataset root: ${join(workspace, '../..')} is outside the workspace ${workspace}`
    )
    writeFileSync(
      join(workspace, 'stackci.yml'),
      `version: 1\nintegration:\n  datasets: { escape: ${JSON.stringify(field)} }\n  allow-outside-workspace: true\n`
    )
    const allowed = await runCli([...local, '--', ...copy], { cwd: workspace })
    expect(allowed.code).toBe(0)
    expect(allowed.stdout).toMatch(/^escape +success +0 /m)
  })
})

it("inside a project, takes stackci.yml's integration: section as defaults; flags override", async () => {
  const workspace = tempDir('stackci-ws-')
  const inside = makeDataset({ 'job.json': SAMPLE_JOB }, workspace)
  writeFileSync(
    join(workspace, 'stackci.yml'),
    [
      'version: 1',
      'integration:',
      `  datasets: { from_file: ${JSON.stringify(inside.slice(workspace.length + 1))} }`,
      "  command: [cp, '{dataset_dir}/job.json', '{output_dir}/{dataset}.verify.json']",
      '  results-dir: out',
      '  timeout: 5m',
      ''
    ].join('\n')
  )
  const args = local
  const fromFile = await runCli(args, { cwd: workspace })
  expect(fromFile.stderr).toContain(
    '[from_file] cp /datasets/from_file/job.json /output/from_file.verify.json'
  )
  expect(fromFile.code).toBe(0)
  expect(fromFile.stdout).toContain(
    join(workspace, 'out', 'from_file', 'from_file.verify.json')
  )
  const flags = await runCli(
    [...args, '--dataset', `other=${inside}`, '--', 'false'],
    { cwd: workspace }
  )
  expect(flags.code).toBe(1)
  expect(flags.stdout).toMatch(/^other +failure +1 /m)
  const bad = await runCli([...args, '--timeout', 'soon'], { cwd: workspace })
  expect(bad.code).toBe(2)
  expect(bad.stderr).toMatch(/--timeout must be a duration/)
})
