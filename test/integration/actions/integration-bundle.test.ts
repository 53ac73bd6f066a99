/**
 * Smoke test of the committed integration bundles (main and post), run the
 * way the runner runs them: child processes with INPUT_* variables and the
 * runner's files in a temp directory. The post step is tried the hard way:
 * the main step is killed (SIGKILL) while its container runs.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseRunState } from '../../../src/integration/index.js'
import { parseJob } from '../../../src/verify/index.js'
import {
  inputEnv,
  parseCommandFile,
  runActionBundle,
  type ActionRun
} from '../../helpers/actions.js'
import {
  dockerServices,
  removeTempDirs,
  tempDir,
  testEngine
} from '../../helpers/docker.js'
import {
  SAMPLE_JOB,
  containersOfRun,
  makeDataset,
  waitUntil
} from '../../helpers/integration.js'

const services = dockerServices()
const engine = await testEngine()
afterAll(removeTempDirs)

const main = join(process.cwd(), 'actions/integration/dist/index.cjs')
const post = join(process.cwd(), 'actions/integration/dist/post.cjs')
const workspace = tempDir('stackci-ws-')
const field = makeDataset({ 'job.json': SAMPLE_JOB }, workspace)

async function runMain(inputs: Record<string, string>): Promise<ActionRun> {
  return runActionBundle(
    main,
    {
      image: services.baseImage,
      'docker-host': services.host,
      outputs: '**/*.verify.json',
      timeout: '1h',
      network: 'none',
      parallel: '1',
      ...inputs
    },
    { cwd: workspace, dir: tempDir('stackci-run-') }
  )
}

it('runs the datasets and writes the outputs, the state and the summary', async () => {
  const result = await runMain({
    datasets: `field_a=${field}\n# a comment\nfield_b=${field}`,
    command: 'cp {dataset_dir}/job.json "{output_dir}/{dataset}.verify.json"',
    parallel: '2'
  })
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  expect(Object.keys(result.outputs).sort()).toEqual(['jobs', 'results'])
  const jobs = JSON.parse(result.outputs.jobs ?? '') as string[]
  expect(jobs).toEqual([
    join(result.dir, 'stackci-integration', 'field_a', 'field_a.verify.json'),
    join(result.dir, 'stackci-integration', 'field_b', 'field_b.verify.json')
  ])
  for (const job of jobs) {
    expect(parseJob(readFileSync(job, 'utf8'), job).meta).toMatchObject({
      'stackci.image': services.baseImage
    })
  }
  const results = JSON.parse(result.outputs.results ?? '') as Record<
    string,
    { status: string; exit_code: number; duration: number }
  >
  expect(Object.keys(results)).toEqual(['field_a', 'field_b'])
  expect(results.field_a).toMatchObject({ status: 'success', exit_code: 0 })
  expect(results.field_a?.duration).toBeGreaterThan(0)
  expect(result.summary).toMatch(
    /### Integration datasets: 2\/2 succeeded[\s\S]*\| field_a \| ✅ success \| 0 \|[\s\S]*\| field_b \| ✅ success \| 0 \|/
  )
  expect(result.stdout).toContain('[field_a] cp /datasets/field_a/job.json')
  const state = parseRunState(result.state.integration)
  expect(state?.dockerHost).toBe(services.host)
  expect(await containersOfRun(engine, state?.runId ?? '')).toEqual([])
})

it('fails the step naming each dataset that did not succeed', async () => {
  const result = await runMain({
    datasets: `good=${field}\nslow=${field}`,
    command:
      '["sh", "-c", "if [ $STACKCI_DATASET = slow ]; then sleep 30; fi; cp {dataset_dir}/job.json {output_dir}/x.verify.json"]',
    timeout: '2s'
  })
  expect(result.code).toBe(1)
  expect(result.stdout).toContain(
    '::error::1 of 2 dataset(s) did not succeed: slow (timeout: killed when the timeout of 2s passed)'
  )
  expect(JSON.parse(result.outputs.results ?? '')).toMatchObject({
    good: { status: 'success' },
    slow: { status: 'timeout', exit_code: 137 }
  })
  expect(JSON.parse(result.outputs.jobs ?? '')).toHaveLength(1)
  expect(result.summary).toMatch(/\| slow \| ⏱️ timeout \| 137 \|/)
})

it('refuses bad inputs by name, before running anything', async () => {
  const result = await runMain({ datasets: `f=${field}`, memory: 'lots' })
  expect(result.code).toBe(1)
  expect(result.stdout).toContain(
    `::error::integration: input 'memory' must be a size like 512m, 2g or 1.5GiB, got "lots"`
  )
  expect(result.state).toEqual({})
  const command = await runMain({ datasets: `f=${field}`, command: 'a | b' })
  expect(command.stdout).toContain(
    `::error::integration: input 'command': "|" at column 3 is shell syntax`
  )
})

it('refuses a dataset outside the workspace unless allow-outside-workspace is set', async () => {
  const outside = makeDataset({ 'job.json': SAMPLE_JOB })
  const refused = await runMain({ datasets: `far=${outside}`, command: 'true' })
  expect(refused.code).toBe(1)
  expect(refused.stdout).toContain(
    `::error::dataset far: ${outside} is outside the workspace ${workspace}`
  )
  expect(refused.stdout).toContain('allow-outside-workspace')
  const allowed = await runMain({
    datasets: `far=${outside}`,
    command: 'cp {dataset_dir}/job.json "{output_dir}/far.verify.json"',
    'allow-outside-workspace': 'true'
  })
  expect(allowed.code).toBe(0)
  expect(JSON.parse(allowed.outputs.results ?? '')).toMatchObject({
    far: { status: 'success' }
  })
})

it('the post step removes the containers of a main step that was killed', async () => {
  const dir = tempDir('stackci-run-')
  const stateFile = join(dir, 'state')
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const child = spawn(process.execPath, [main], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: dir,
      ...files,
      ...inputEnv({
        image: services.baseImage,
        datasets: `field=${field}`,
        command: 'sleep 300',
        'docker-host': services.host
      })
    }
  })
  const exited = new Promise((resolve) => child.on('close', resolve))
  const saved = (): string =>
    parseCommandFile(readFileSync(stateFile, 'utf8')).integration ?? ''
  await waitUntil(async () => Promise.resolve(saved() !== ''))
  const runId = parseRunState(saved())?.runId ?? ''
  await waitUntil(async () =>
    (await containersOfRun(engine, runId)).some((c) => c.state === 'running')
  )
  // The runner gave up on the step: no chance to clean up.
  child.kill('SIGKILL')
  await exited
  expect(await containersOfRun(engine, runId)).toHaveLength(1)

  const cleanup = await runActionBundle(
    post,
    {},
    { cwd: workspace, state: { integration: saved() } }
  )
  expect(cleanup.code).toBe(0)
  expect(cleanup.stdout).toContain(
    `removed 1 container(s) left by run ${runId}`
  )
  expect(await containersOfRun(engine, runId)).toEqual([])
  expect(existsSync(join(dir, 'stackci-integration', 'field.log'))).toBe(true)
})

it('the post step has nothing to do after a finished or unstarted run', async () => {
  const none = await runActionBundle(post, {}, { cwd: workspace })
  expect(none.code).toBe(0)
  expect(none.stdout).toContain('nothing to clean up: no run was started')
  const done = await runActionBundle(
    post,
    {},
    {
      cwd: workspace,
      state: {
        integration: JSON.stringify({
          runId: 'abc123',
          dockerHost: services.host
        })
      }
    }
  )
  expect(done.code).toBe(0)
  expect(done.stdout).toContain(
    'nothing to clean up: run abc123 left no container'
  )
})
