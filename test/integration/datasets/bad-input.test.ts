/**
 * Bad input is one clear error before anything runs: no container created,
 * no results directory made.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  InputError,
  RecordingReporter,
  errorMessage
} from '../../../src/core/index.js'
import {
  newRunId,
  runDatasets,
  type DatasetRunOptions
} from '../../../src/integration/index.js'
import {
  dockerServices,
  removeTempDirs,
  tempDir,
  testEngine
} from '../../helpers/docker.js'
import { containersOfRun, makeDataset } from '../../helpers/integration.js'
import { rejection } from '../../helpers/thrown.js'

const services = dockerServices()
const engine = await testEngine()
afterAll(removeTempDirs)

const dataset = makeDataset({ 'a.txt': 'a' })

/** The error a run throws, after checking it left nothing behind. */
async function failure(options: Partial<DatasetRunOptions>): Promise<string> {
  const runId = newRunId()
  const resultsDir = join(tempDir('stackci-bad-'), 'results')
  const reporter = new RecordingReporter()
  const error = await rejection(
    runDatasets(
      engine,
      {
        image: services.baseImage,
        datasets: [{ name: 'ds', path: dataset }],
        command: ['touch', '/output/x.verify.json'],
        resultsDir,
        runId,
        pull: false,
        ...options
      },
      reporter
    )
  )
  expect(error).toBeInstanceOf(InputError)
  expect(await containersOfRun(engine, runId)).toEqual([])
  expect(existsSync(resultsDir)).toBe(false)
  expect(reporter.text('info')).not.toContain('[ds]')
  return errorMessage(error)
}

it('a missing dataset path names the dataset and the path', async () => {
  const missing = join(tempDir(), 'no', 'such', 'field_c')
  const message = await failure({
    datasets: [
      { name: 'ds', path: dataset },
      { name: 'field_c', path: missing }
    ]
  })
  expect(message).toBe(
    `${missing}: dataset field_c: no such directory\nhint: check the path (relative paths start at the workspace), and that the dataset was checked out (git lfs pull?)`
  )
})

it('an output glob escaping the output dir is refused', async () => {
  const message = await failure({
    outputs: ['**/*.verify.json', '../etc/*.verify.json']
  })
  expect(message).toMatch(
    /^outputs: "\.\.\/etc\/\*\.verify\.json" escapes the output directory\nhint: /
  )
  expect(await failure({ outputs: ['a/../../x'] })).toMatch(/escapes/)
  expect(await failure({ outputs: ['/etc/passwd'] })).toMatch(/escapes/)
})

it('an unknown image is refused, naming it and the engine', async () => {
  const image = 'stackci-test/no-such-image:nope'
  const message = await failure({ image })
  expect(message).toBe(
    `image ${image} is not on the Docker engine at ${services.host}\nhint: build it first (stackci image build, the stack-image action), check the name and tag, or pull it from its registry`
  )
})

it('an unknown image that cannot be pulled says the pull failed', async () => {
  // A registry on this machine that does not hold the image: no internet needed.
  const image = `${services.registry}/stackci-test/no-such-image:nope`
  const message = await failure({ image, pull: true })
  expect(message).toMatch(
    new RegExp(
      `^image ${image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not on the Docker engine at .*, and pulling it failed: .*(not found|manifest unknown)`
    )
  )
})

it('other bad settings are refused before anything runs', async () => {
  expect(await failure({ network: 'bad name' })).toMatch(/^network must be/)
  expect(await failure({ outputPath: '/' })).toMatch(/^output path must be/)
  expect(await failure({ datasetPath: 'relative/{dataset}' })).toMatch(
    /^dataset path must be/
  )
  expect(await failure({ parallel: 0 })).toMatch(/^parallel must be/)
  expect(await failure({ env: { 'BAD-NAME': 'x' } })).toMatch(
    /is not a variable name/
  )
})
