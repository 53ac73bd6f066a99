import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runActionBundle, type ActionRun } from '../../helpers/actions.js'
import {
  dockerServices,
  registryDigest,
  removeImages,
  removeTempDirs,
  tempDir,
  testEngine,
  uniqueName
} from '../../helpers/docker.js'

/**
 * The stack-image action as the runner runs it: the committed bundle as a
 * child process, inputs in INPUT_* variables, the runner's files in a temp
 * directory, a pull_request event on disk.
 */
const services = dockerServices()
const engine = await testEngine()
const cleanup: string[] = []
afterAll(async () => {
  await removeImages(engine, cleanup)
  removeTempDirs()
})

async function runAction(inputs: Record<string, string>): Promise<ActionRun> {
  const workspace = tempDir('stackci-action-')
  mkdirSync(join(workspace, 'stack'))
  writeFileSync(
    join(workspace, 'stack', 'Dockerfile'),
    `FROM ${services.baseImage}\nARG STAMP\nRUN echo "$STAMP" > /stamp\n`
  )
  return runActionBundle(
    join(process.cwd(), 'actions/stack-image/dist/index.cjs'),
    {
      context: 'stack',
      'docker-host': services.host,
      'build-args': 'STAMP=from the action',
      push: 'true',
      ...inputs
    },
    {
      cwd: workspace,
      dir: tempDir('stackci-action-run-'),
      event: {
        pull_request: {
          number: 42,
          head: { sha: 'feedfacecafe0123', ref: 'x' }
        }
      },
      env: {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'lsst/stack',
        GITHUB_SHA: '0000000000000000000000000000000000000000',
        GITHUB_RUN_ID: '4242'
      }
    }
  )
}

it('builds, pushes and writes the four outputs and the summary', async () => {
  const path = uniqueName('stackci-test/action')
  const repo = `${services.authRegistry}/${path}`
  const result = await runAction({
    kind: 'pr',
    registry: repo,
    username: services.user,
    password: services.password,
    'tag-template': '{tag}\nal9-{tag}',
    labels: 'org.example.team=dm'
  })
  cleanup.push(`${repo}:pr-42`, `${repo}:al9-pr-42`)
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  expect(Object.keys(result.outputs).sort()).toEqual([
    'digest',
    'image',
    'image-id',
    'tags'
  ])
  expect(result.outputs.image).toBe(`${repo}:pr-42`)
  expect(result.outputs.tags).toBe(`${repo}:pr-42\n${repo}:al9-pr-42`)
  expect(result.outputs['image-id']).toMatch(/^sha256:[0-9a-f]{64}$/)
  expect(result.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  expect(
    await registryDigest(services.authRegistry, path, 'al9-pr-42', {
      user: services.user,
      password: services.password
    })
  ).toBe(result.outputs.digest)
  expect(result.summary).toContain(`### Stack image \`${repo}:pr-42\``)
  expect(result.summary).toContain(result.outputs.digest)
  expect(result.stdout).toMatch(/::group::Build /)
  // ::add-mask:: lines hand the secret to the runner, which hides them.
  const shown = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
  const everything = `${shown}${result.stderr}${result.summary}${JSON.stringify(result.outputs)}`
  expect(everything).not.toContain(services.password)
  const labels = (await engine.docker.getImage(`${repo}:pr-42`).inspect())
    .Config.Labels
  expect(labels).toMatchObject({
    'org.example.team': 'dm',
    'stackci.github.run-url': 'https://github.com/lsst/stack/actions/runs/4242'
  })
})

it('fails the step with a clear message on a wrong password, and never prints it', async () => {
  const wrong = 'not-the-password-Zq81'
  const result = await runAction({
    kind: 'sha',
    registry: `${services.authRegistry}/stackci-test/action`,
    username: services.user,
    password: wrong
  })
  expect(result.code).toBe(1)
  expect(result.stdout).toMatch(
    /::error::registry 127\.0\.0\.1:\d+ refused the credentials of user "stackci"/
  )
  expect(result.stdout).toContain(`::add-mask::${wrong}`)
  const shown = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')
  expect(`${shown}${result.stderr}${result.summary}`).not.toContain(wrong)
  expect(result.outputs).toEqual({})
})

it('names the bad input', async () => {
  const result = await runAction({ kind: 'monthly' })
  expect(result.code).toBe(1)
  expect(result.stdout).toContain(
    '::error::stack-image: input \'kind\' must be one of daily, weekly, release, rc, pr, sha, got "monthly"'
  )
})
