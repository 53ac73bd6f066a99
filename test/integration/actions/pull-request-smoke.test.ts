/**
 * Every action bundle (but the root one), run once as the runner runs it in
 * a job triggered by a pull request: action.yml's defaults filled in as
 * INPUT_* (hyphens kept), the recorded-shape pull_request (synchronize)
 * payload in GITHUB_EVENT_PATH with GITHUB_EVENT_NAME, GITHUB_REF
 * refs/pull/N/merge, GITHUB_SHA, the run variables, and the post steps run
 * afterwards with the state the main step saved (STATE_*). Each test
 * asserts the outputs file, the job summary and the exit codes; the deeper
 * behaviour of each action is in its own bundle test.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { parseRunState } from '../../../src/integration/index.js'
import { parseJob } from '../../../src/verify/index.js'
import { GitHubEmulator } from '../../emulators/github/server.js'
import type { JenkinsEmulator } from '../../emulators/jenkins/index.js'
import {
  inputEnv,
  pullRequestEvent,
  runActionSteps,
  type ActionRun
} from '../../helpers/actions.js'
import {
  dockerServices,
  removeImages,
  removeTempDirs,
  tempDir,
  testEngine,
  uniqueName
} from '../../helpers/docker.js'
import {
  SAMPLE_JOB,
  containersOfRun,
  makeDataset
} from '../../helpers/integration.js'
import {
  TOKEN,
  USER,
  expectNoSecrets,
  startJenkins
} from '../../helpers/jenkins.js'
import { flake8Path, git } from '../../helpers/lint.js'

const root = process.cwd()
const stack = join(root, 'examples', 'stack')
const services = dockerServices()
const engine = await testEngine()
const images: string[] = []
afterAll(async () => {
  await removeImages(engine, images)
  removeTempDirs()
})

/** The PR test/fixtures/events describes: #1234 of lsst/skyprobe. */
const PR = 1234

/** What a log reader sees: ::add-mask:: lines are consumed by the runner. */
const shown = (run: ActionRun): string =>
  [
    ...run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs)
  ].join('\n')

/** The actions this file runs; the root action (actions/pipeline) has its own. */
const SMOKED = [
  'dispatch-metrics',
  'integration',
  'jenkins-build',
  'lint',
  'stack-image',
  'verify'
]

it('smoke-tests every action bundle but the root one', () => {
  const actions = readdirSync(join(root, 'actions'))
    .filter((a) => existsSync(join(root, 'actions', a, 'action.yml')))
    .filter((a) => a !== 'pipeline')
    .sort()
  expect(actions).toEqual(SMOKED)
})

it('the runner mangles input names: upper case, spaces to _, hyphens kept', () => {
  expect(
    inputEnv({ 'fail-on': 'error', 'only changed': 'true', jobs: 'x' })
  ).toEqual({
    'INPUT_FAIL-ON': 'error',
    INPUT_ONLY_CHANGED: 'true',
    INPUT_JOBS: 'x'
  })
})

it('verify: checks the jobs, writes its five outputs and the summary', async () => {
  const workspace = tempDir('stackci-ws-')
  mkdirSync(join(workspace, 'out'))
  writeFileSync(
    join(workspace, 'out', 'field_a.verify.json'),
    readFileSync(join(stack, 'jobs', 'field_a.verify.json'))
  )
  const { main, post } = await runActionSteps(
    'verify',
    { definitions: stack, jobs: 'out/*.verify.json' },
    { cwd: workspace }
  )
  expect(post).toBeUndefined()
  expect(main.stderr).toBe('')
  expect(main.code).toBe(0)
  expect(main.outputs).toEqual({
    passed: expect.stringMatching(/^[1-9]\d*$/) as unknown,
    failed: '0',
    'no-value': '0',
    jobs: '1',
    report: join(main.dir, 'stackci-verify-report.json')
  })
  expect(main.summary).toContain(
    `✅ Verification: ${main.outputs.passed} passed, 0 failed`
  )
})

it('lint: keeps the findings on the lines the pull request changed', async () => {
  const workspace = tempDir('stackci-ws-')
  mkdirSync(join(workspace, 'pkg'))
  // Debt on main: an unused import, not the pull request's business.
  writeFileSync(join(workspace, 'pkg', 'old.py'), 'import os\n')
  git(workspace, 'init', '-q', '-b', 'main')
  git(workspace, 'add', '-A')
  git(workspace, 'commit', '-q', '-m', 'main')
  const base = git(workspace, 'rev-parse', 'HEAD').trim()
  git(workspace, 'checkout', '-q', '-b', 'tickets/DM-48213')
  writeFileSync(
    join(workspace, 'pkg', 'new.py'),
    `"""Added."""\n\nvalue = missing_name\nLONG = "${'x'.repeat(100)}"\n`
  )
  git(workspace, 'add', '-A')
  git(workspace, 'commit', '-q', '-m', 'pull request')
  const head = git(workspace, 'rev-parse', 'HEAD').trim()
  const { main, post } = await runActionSteps(
    'lint',
    { linters: `flake8: ${flake8Path()}`, 'metrics-job': 'lint.verify.json' },
    {
      cwd: workspace,
      event: pullRequestEvent({ baseSha: base, headSha: head })
    }
  )
  expect(post).toBeUndefined()
  // The default fail-on (error) fails the step on the undefined name.
  expect(main.code).toBe(1)
  expect(main.outputs).toMatchObject({
    findings: '2',
    errors: '1',
    warnings: '1',
    notices: '0',
    total: '3',
    report: join(main.dir, 'stackci-lint-report.json')
  })
  expect(JSON.parse(main.outputs.counts ?? '')).toEqual({
    flake8: { E501: 1, F401: 1, F821: 1 }
  })
  expect(main.stdout).toContain(
    "::error title=flake8 F821,file=pkg/new.py,line=3,col=9::undefined name 'missing_name'"
  )
  expect(main.stdout).not.toContain('file=pkg/old.py')
  expect(main.summary).toContain(
    '### ❌ Lint: 1 error, 1 warning, 0 notices on changed lines'
  )
  const job = parseJob(
    readFileSync(join(workspace, 'lint.verify.json'), 'utf8'),
    'lint.verify.json'
  )
  expect(job.measurements.map((m) => [m.metric, m.value])).toEqual([
    ['lint.flake8_violations', 3]
  ])
})

describe('jenkins-build', () => {
  let jenkins: JenkinsEmulator
  beforeAll(async () => {
    jenkins = await startJenkins({ timeScale: 1, quietPeriodMs: 0 })
  })
  afterAll(async () => {
    await jenkins.stop()
  })

  it('builds with the PR refs, then its post step finds nothing to stop', async () => {
    jenkins.addJob('stack-os-matrix', {
      parameters: [{ name: 'REFS' }],
      script: { durationMs: 300 }
    })
    const { main, post } = await runActionSteps(
      'jenkins-build',
      {
        url: jenkins.baseUrl,
        user: USER,
        token: TOKEN,
        job: 'stack-os-matrix',
        parameters: 'REFS=tickets/DM-48213'
      },
      { cwd: tempDir('stackci-ws-') }
    )
    expect(main.stderr).toBe('')
    expect(main.code).toBe(0)
    expect(main.outputs).toEqual({
      'queue-url': `${jenkins.baseUrl}/queue/item/1/`,
      'build-number': '1',
      'build-url': `${jenkins.rootUrl}job/stack-os-matrix/1/`,
      result: 'SUCCESS',
      duration: '300',
      // The build published no JUnit report: the test counts are empty.
      'tests-passed': '',
      'tests-failed': '',
      'tests-skipped': ''
    })
    expect(main.summary).toContain(
      `✅ Jenkins **stack-os-matrix** [#1](${main.outputs['build-url']}) **SUCCESS**`
    )
    expect(JSON.parse(main.state['jenkins-build'] ?? '')).toMatchObject({
      build: 1,
      done: true
    })
    expect(post?.code).toBe(0)
    expect(post?.stdout).toContain('nothing to stop: the step finished')
    expect(post?.outputs).toEqual({})
    expect(jenkins.requestsTo('stop', 'POST')).toHaveLength(0)
    for (const run of [main, post]) if (run) expectNoSecrets(shown(run))
  })
})

it('stack-image: tags the image pr-N from the event and labels it with the run', async () => {
  const workspace = tempDir('stackci-ws-')
  mkdirSync(join(workspace, 'stack'))
  writeFileSync(
    join(workspace, 'stack', 'Dockerfile'),
    `FROM ${services.baseImage}\nRUN echo pr > /stamp\n`
  )
  const repo = `${services.authRegistry}/${uniqueName('stackci-test/pr')}`
  images.push(`${repo}:pr-${PR}`)
  const { main, post } = await runActionSteps(
    'stack-image',
    {
      context: 'stack',
      kind: 'pr',
      registry: repo,
      username: services.user,
      password: services.password,
      push: 'true',
      'docker-host': services.host
    },
    { cwd: workspace }
  )
  expect(post).toBeUndefined()
  expect(main.stderr).toBe('')
  expect(main.code).toBe(0)
  expect(main.outputs).toEqual({
    image: `${repo}:pr-${PR}`,
    tags: `${repo}:pr-${PR}`,
    digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown,
    'image-id': expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown
  })
  expect(main.summary).toContain(`### Stack image \`${repo}:pr-${PR}\``)
  expect(shown(main)).not.toContain(services.password)
  const labels = (await engine.docker.getImage(`${repo}:pr-${PR}`).inspect())
    .Config.Labels
  expect(labels).toMatchObject({
    'org.opencontainers.image.revision':
      'e6a1f0c2d4b6a8e0c2d4f6a8b0c2d4e6f8a0b2c4',
    'stackci.github.run-url':
      'https://github.com/lsst/skyprobe/actions/runs/12045678901/attempts/2'
  })
})

it('integration: runs a dataset, then its post step has no container left to remove', async () => {
  const workspace = tempDir('stackci-ws-')
  const field = makeDataset({ 'job.json': SAMPLE_JOB }, workspace)
  const { main, post } = await runActionSteps(
    'integration',
    {
      image: services.baseImage,
      datasets: `field_a=${field}`,
      command: 'cp {dataset_dir}/job.json "{output_dir}/{dataset}.verify.json"',
      'docker-host': services.host
    },
    { cwd: workspace }
  )
  expect(main.stderr).toBe('')
  expect(main.code).toBe(0)
  expect(JSON.parse(main.outputs.jobs ?? '')).toEqual([
    join(main.dir, 'stackci-integration', 'field_a', 'field_a.verify.json')
  ])
  expect(JSON.parse(main.outputs.results ?? '')).toMatchObject({
    field_a: { status: 'success', exit_code: 0 }
  })
  expect(main.summary).toMatch(/### Integration datasets: 1\/1 succeeded/)
  const runId = parseRunState(main.state.integration)?.runId ?? ''
  expect(runId).not.toBe('')
  expect(post?.code).toBe(0)
  expect(post?.stdout).toContain(
    `nothing to clean up: run ${runId} left no container`
  )
  expect(post?.outputs).toEqual({})
  expect(await containersOfRun(engine, runId)).toEqual([])
})

it('dispatch-metrics: stores the jobs in series pr/N and comments on the pull request', async () => {
  const github = new GitHubEmulator({ repos: { 'lsst/skyprobe': undefined } })
  await github.start()
  try {
    const workspace = tempDir('stackci-ws-')
    // The workspace installed better-sqlite3 (npm install better-sqlite3@12).
    symlinkSync(join(root, 'node_modules'), join(workspace, 'node_modules'))
    mkdirSync(join(workspace, 'out'))
    writeFileSync(
      join(workspace, 'out', 'field_a.verify.json'),
      readFileSync(join(stack, 'jobs', 'field_a.verify.json'))
    )
    const { main, post } = await runActionSteps(
      'dispatch-metrics',
      {
        jobs: 'out/*.verify.json',
        definitions: stack,
        sqlite: '.stackci/metrics.sqlite'
      },
      {
        cwd: workspace,
        // github-token defaults to ${{ github.token }}: the runner's token.
        githubToken: 'ghs_app_token',
        env: { GITHUB_API_URL: github.url }
      }
    )
    expect(post).toBeUndefined()
    expect(main.stdout).not.toMatch(/::error::/)
    expect(main.code).toBe(0)
    expect(main.outputs).toMatchObject({
      passed: 'true',
      failures: '0',
      jobs: '1',
      spooled: '0',
      report: join(main.dir, 'stackci-metrics-report.json'),
      'comment-url': expect.stringMatching(
        new RegExp(`/lsst/skyprobe/pull/${PR}#issuecomment-\\d+$`)
      ) as unknown
    })
    expect(main.summary).toMatch(/^### ✅ Metrics gate passed/)
    const report = JSON.parse(
      readFileSync(main.outputs.report ?? '', 'utf8')
    ) as { jobs: { series: string }[] }
    expect(report.jobs[0]?.series).toBe(`pr/${PR}`)
    expect(github.comments.map((c) => [c.repo, c.issue])).toEqual([
      ['lsst/skyprobe', PR]
    ])
    expect(shown(main)).not.toContain('ghs_app_token')
    rmSync(join(workspace, 'node_modules'))
  } finally {
    await github.stop()
  }
})
