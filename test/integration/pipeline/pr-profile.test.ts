/**
 * The `pr` profile end to end, through the committed root action bundle as
 * the runner runs it on a pull_request event: lint (real flake8), the
 * Jenkins emulator's stack-os-matrix, the sample stack built by the real
 * dockerd and pushed to the local registry, both datasets run in it, the
 * measurements sent to SQLite and the real influxd, a Slack thread on the
 * Slack emulator and a check run on the GitHub emulator. One run id must
 * appear in every one of them.
 */

import { randomBytes } from 'node:crypto'
import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { GitHubEmulator } from '../../emulators/github/server.js'
import type { JenkinsEmulator } from '../../emulators/jenkins/index.js'
import { SlackEmulator } from '../../emulators/slack/server.js'
import { runActionBundle } from '../../helpers/actions.js'
import { runCli } from '../../helpers/cli.js'
import {
  dockerServices,
  registryDigest,
  removeImages,
  removeTempDirs,
  tempDir,
  testEngine
} from '../../helpers/docker.js'
import {
  dropTestDatabases,
  influxQuery,
  influxEnv,
  influxUrl,
  uniqueDatabase
} from '../../helpers/influxdb.js'
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
const influx = influxUrl()
const engine = await testEngine()
const SLACK_TOKEN = 'xoxb-test-token'
const GITHUB_TOKEN = 'ghs_actions_token_for_the_pipeline'
const images: string[] = []
/** stack-os-matrix's parameters (those the pipeline sets, and REFS). */
const PARAMETERS = [
  { name: 'PRODUCTS', default: 'lsst_distrib' },
  { name: 'REFS', default: '' },
  { name: 'STACKCI_RUN_ID', default: '' }
]

let jenkins: JenkinsEmulator
let slack: SlackEmulator
let github: GitHubEmulator

beforeAll(async () => {
  jenkins = await startJenkins()
  slack = new SlackEmulator({
    tokens: [SLACK_TOKEN],
    channels: [{ name: 'dm-builds' }],
    rateLimits: false
  })
  await slack.start()
  github = new GitHubEmulator({
    tokens: {
      [GITHUB_TOKEN]: { kind: 'actions', login: 'github-actions[bot]' }
    }
  })
  await github.start()
})

afterAll(async () => {
  await jenkins.stop()
  await slack.stop()
  await github.stop()
  await removeImages(engine, images)
  await dropTestDatabases()
  removeTempDirs()
})

/** A stackci.yml for the sample stack, pointed at the test's services. */
function writeConfig(
  dir: string,
  database: string,
  repository: string
): string {
  const file = join(dir, 'stackci.yml')
  // Datasets live inside the project: paths outside it are refused (#18).
  cpSync(join(stack, 'datasets'), join(dir, 'datasets'), { recursive: true })
  writeFileSync(
    file,
    `version: 1
registry:
  repository: ${repository}
jenkins:
  url: ${jenkins.baseUrl}
  jobs:
    pr: stack-os-matrix
  parameters:
    PRODUCTS: lsst_distrib
slack:
  channel: '#dm-builds'
  api-url: ${slack.url}/api/
github:
  token-env: PIPELINE_GITHUB_TOKEN
  api-url: ${github.url}
lint:
  linters: [flake8]
  paths: [${stack}/python]
  only-changed: false
image:
  context: ${stack}
  build-args-env:
    BASE_IMAGE: STACKCI_PYTHON_IMAGE
integration:
  datasets:
    field_a: datasets/field_a
    field_b: datasets/field_b
  command: [skyprobe, measure, '{dataset_dir}', --output, '{output_dir}']
  timeout: 5m
  memory: 256m
  parallel: 2
verify:
  definitions: ${stack}
metrics:
  stores:
    sqlite: { path: metrics.sqlite }
    influxdb: { url: '${influx}', database: ${database}, create-database: true }
  gate: { fail: [minimum], warn: [design] }
profiles:
  pr:
    steps: [lint, jenkins-build, stack-image, integration, dispatch-metrics]
  pr-strict:
    steps: [lint, jenkins-build, stack-image, integration, dispatch-metrics]
    jenkins-job: stack-os-matrix
    on-failure: stop
`
  )
  return file
}

/** A pull_request event shaped as GitHub sends it (the fields we read). */
function pullRequestEvent(number: number, sha: string): unknown {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      title: 'DM-48123: tighten astrometric matching',
      html_url: `https://github.com/lsst/stack/pull/${number}`,
      head: { ref: 'tickets/DM-48123', sha, repo: { full_name: 'lsst/stack' } },
      base: {
        ref: 'main',
        sha: randomBytes(20).toString('hex'),
        repo: { full_name: 'lsst/stack' }
      }
    },
    repository: {
      full_name: 'lsst/stack',
      name: 'stack',
      owner: { login: 'lsst' }
    },
    sender: { login: 'a-developer' }
  }
}

function runnerEnv(runId: number, number: number): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REPOSITORY: 'lsst/stack',
    GITHUB_REF: `refs/pull/${number}/merge`,
    GITHUB_SHA: randomBytes(20).toString('hex'),
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_HEAD_REF: 'tickets/DM-48123',
    GITHUB_BASE_REF: 'main',
    JENKINS_USER: USER,
    JENKINS_TOKEN: TOKEN,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    PIPELINE_GITHUB_TOKEN: GITHUB_TOKEN,
    STACKCI_PYTHON_IMAGE: base,
    DOCKER_HOST: services.host,
    PATH: process.env.PATH ?? ''
  }
}

it('runs the pr profile from the root action; one run id in Jenkins, the image, the metrics and Slack', async () => {
  jenkins.addJob('stack-os-matrix', {
    parameters: PARAMETERS,
    script: {
      durationMs: 1500,
      result: 'SUCCESS',
      log: [
        {
          at: 500,
          text: '[2026-11-28T02:00:00Z] eups distrib install lsst_distrib\n'
        }
      ]
    }
  })
  const dir = tempDir('stackci-pipeline-pr-')
  const database = uniqueDatabase('stackci_pipeline')
  const repository = `${services.registry}/pipeline-${randomBytes(3).toString('hex')}/skyprobe`
  writeConfig(dir, database, repository)
  const sha = randomBytes(20).toString('hex')
  const workflowRun = 7_000_000_000 + Math.floor(Math.random() * 1e6)
  const runId = `gh-${workflowRun}-2`

  const r = await runActionBundle(
    join(root, 'actions', 'pipeline', 'dist', 'index.cjs'),
    { config: 'stackci.yml', profile: 'pr' },
    {
      cwd: dir,
      env: {
        ...runnerEnv(workflowRun, 42),
        ...influxEnv(),
        GITHUB_WORKSPACE: dir
      },
      event: pullRequestEvent(42, sha)
    }
  )
  const log = r.stdout + r.stderr
  expect(r.stdout).not.toContain('::error::')
  expect(r.code).toBe(0)
  expect(r.outputs['run-id']).toBe(runId)
  expect(r.outputs.passed).toBe('true')
  const steps = JSON.parse(r.outputs.steps ?? '[]') as {
    step: string
    status: string
  }[]
  expect(steps.map((s) => `${s.step}:${s.status}`)).toEqual([
    'lint:passed',
    'jenkins-build:passed',
    'stack-image:passed',
    'integration:passed',
    'dispatch-metrics:passed'
  ])
  // A progress line per step, and the closing table.
  for (const [i, step] of [
    'lint',
    'jenkins-build',
    'stack-image',
    'integration',
    'dispatch-metrics'
  ].entries())
    expect(log).toMatch(new RegExp(`\\[${i + 1}/5\\] ${step}: passed`))
  expect(r.summary).toContain(`passed: stackci pr, run ${runId}`)

  // Jenkins got the run id as a build parameter (and the shared ones).
  const item = [...jenkins.model.items.values()].at(-1)
  expect(item?.params).toEqual(
    expect.arrayContaining([
      ['STACKCI_RUN_ID', runId],
      ['PRODUCTS', 'lsst_distrib'],
      ['REFS', 'tickets/DM-48123']
    ])
  )

  // The image: pushed as the run's candidate only (no promote step in pr),
  // labelled with the run id and the Jenkins build.
  const ref = r.outputs.image ?? ''
  images.push(...(JSON.parse(r.outputs.tags ?? '[]') as string[]))
  expect(ref).toBe(`${repository}:candidate-${runId}`)
  const inspected = await engine.docker.getImage(ref).inspect()
  const labels = inspected.Config.Labels
  expect(labels['stackci.run-id']).toBe(runId)
  expect(labels['stackci.profile']).toBe('pr')
  expect(labels['stackci.jenkins.build-url']).toBe(
    `${jenkins.baseUrl}/job/stack-os-matrix/1/`
  )
  const [registry = '', ...path] = repository.split('/')
  expect(r.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  expect(
    await registryDigest(registry, path.join('/'), `candidate-${runId}`)
  ).toBe(r.outputs.digest)
  expect(await registryDigest(registry, path.join('/'), 'pr-42')).toBe(
    undefined
  )

  // The metrics: both jobs in SQLite with the run id and provenance in meta;
  // the same measurements in the real influxd.
  const db = new Database(join(dir, 'metrics.sqlite'), { readonly: true })
  const jobs = db
    .prepare(
      "SELECT dataset, image_digest, jenkins_build_url, meta FROM jobs WHERE dataset != '' ORDER BY dataset"
    )
    .all() as {
    dataset: string
    image_digest: string
    jenkins_build_url: string
    meta: string
  }[]
  db.close()
  expect(jobs.map((j) => j.dataset)).toEqual(['field_a', 'field_b'])
  for (const j of jobs) {
    expect(
      (JSON.parse(j.meta) as Record<string, unknown>)['stackci.run_id']
    ).toBe(runId)
    expect(j.image_digest).toBe(r.outputs.digest)
    expect(j.jenkins_build_url).toBe(
      `${jenkins.baseUrl}/job/stack-os-matrix/1/`
    )
  }
  const points = await influxQuery(
    database,
    'SELECT COUNT("astrom_rms") FROM "skyprobe"'
  )
  expect(points.results[0]?.series?.[0]?.values[0]).toEqual(
    expect.arrayContaining([2])
  )

  // Slack: one parent message for the run, updated to passed, a reply per step.
  const parents = slack.channelMessages('dm-builds')
  expect(parents).toHaveLength(1)
  const parent = parents[0]
  expect(parent?.text).toBe(`stackci pr passed (run ${runId})`)
  const thread = slack.thread('dm-builds', parent?.ts ?? '')
  expect(thread.map((m) => m.text)).toEqual(
    [
      'lint',
      'jenkins-build',
      'stack-image',
      'integration',
      'dispatch-metrics'
    ].map((s) => `${s} passed (run ${runId})`)
  )

  // GitHub: a check run named after the run, on the PR head, completed.
  expect(github.checkRuns).toHaveLength(1)
  expect(github.checkRuns[0]).toMatchObject({
    name: `stackci pr · ${runId}`,
    head_sha: sha,
    external_id: runId,
    status: 'completed',
    conclusion: 'success'
  })
  // What a log reader sees: the runner hides `::add-mask::` lines, and each
  // secret was registered there before use.
  const shown = log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
  expectNoSecrets(shown + r.summary)
  expect(shown).not.toContain(SLACK_TOKEN)
  expect(shown).not.toContain(GITHUB_TOKEN)
  for (const secret of [TOKEN, SLACK_TOKEN, GITHUB_TOKEN])
    expect(log).toContain(`::add-mask::${secret}`)
})

it('stops at a failed Jenkins build under on-failure: stop, and says so everywhere', async () => {
  jenkins.addJob('stack-os-matrix', {
    parameters: PARAMETERS,
    script: { durationMs: 800, result: 'FAILURE' }
  })
  const dir = tempDir('stackci-pipeline-stop-')
  const database = uniqueDatabase('stackci_pipeline')
  const repository = `${services.registry}/pipeline-${randomBytes(3).toString('hex')}/skyprobe`
  const config = writeConfig(dir, database, repository)
  const sha = randomBytes(20).toString('hex')
  const eventFile = join(dir, 'event.json')
  writeFileSync(eventFile, JSON.stringify(pullRequestEvent(43, sha)))
  const r = await runCli(
    ['run', '--profile', 'pr-strict', '--run-id', 'strict-1', config],
    {
      cwd: dir,
      env: {
        ...runnerEnv(1, 43),
        ...influxEnv(),
        GITHUB_EVENT_PATH: eventFile
      }
    }
  )
  expect(r.stderr).toContain('[2/5] jenkins-build: failed')
  expect(r.code).toBe(1)
  expect(r.stderr).toContain(
    '[3/5] stack-image: skipped, not run: jenkins-build did not pass (on-failure: stop)'
  )
  expect(r.stdout).toMatch(/❌ jenkins-build\s+failed/)
  expect(r.stdout).toContain('❌ failed: stackci pr-strict, run strict-1')
  const parent = slack
    .channelMessages('dm-builds')
    .find((m) => m.text.includes('strict-1'))
  expect(parent?.text).toBe('stackci pr-strict failed (run strict-1)')
  expect(
    github.checkRuns.find((c) => c.external_id === 'strict-1')
  ).toMatchObject({ status: 'completed', conclusion: 'failure', head_sha: sha })
  expectNoSecrets(r.stdout + r.stderr)
})
