/**
 * `stackci image build` inside a project, as a new adopter runs it: a git
 * checkout with a `stackci.yml`, no flags. The `image:` section gives the
 * defaults (flags override), the commit comes from git as `stackci run`
 * takes it, the image is named after the project when there is no registry,
 * and the untagged images earlier builds of that project left (found by
 * their `stackci.project` label) are pruned — only those.
 */

import { execFileSync } from 'node:child_process'
import { basename, join, resolve } from 'node:path'
import { mkdirSync, writeFileSync } from 'node:fs'
import { RecordingReporter } from '../../../src/core/reporter.js'
import { PROJECT_LABEL, buildImage } from '../../../src/docker/index.js'
import {
  dockerServices,
  removeImages,
  removeTempDirs,
  run,
  tempDir,
  testEngine
} from '../../helpers/docker.js'

const services = dockerServices()
const engine = await testEngine()
const cleanup: string[] = []
afterAll(async () => {
  await removeImages(engine, cleanup)
  removeTempDirs()
})

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim()

/** A git checkout with a stackci.yml whose image: section says everything. */
function project(): { dir: string; name: string; short: string } {
  const dir = tempDir('stackci-adopter-')
  mkdirSync(join(dir, 'stack'))
  writeFileSync(
    join(dir, 'stack', 'Dockerfile'),
    'ARG BASE_IMAGE=scratch\nFROM ${BASE_IMAGE}\nARG STAMP\nRUN echo "$STAMP" > /stamp\n'
  )
  writeFileSync(
    join(dir, 'stackci.yml'),
    [
      'version: 1',
      'image:',
      '  context: stack',
      "  tag-template: ['{tag}', 'al9-{tag}']",
      "  build-args: { STAMP: 'from the file at {git.short}' }",
      '  build-args-env: { BASE_IMAGE: STACKCI_TEST_BASE }',
      '  labels: { org.example.team: dm }',
      ''
    ].join('\n')
  )
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '.')
  git(
    dir,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.org',
    'commit',
    '-qm',
    'stack'
  )
  return {
    dir,
    name: basename(dir).toLowerCase(),
    short: git(dir, 'rev-parse', '--short=7', 'HEAD')
  }
}

/** The CLI in `cwd`, with no GitHub context (a laptop). */
async function stackci(
  cwd: string,
  args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('GITHUB_') && k !== 'CI') env[k] = v
  return run(
    process.execPath,
    [resolve('bin/stackci.js'), 'image', 'build', ...args],
    {
      cwd,
      env: {
        ...env,
        NO_COLOR: '1',
        STACKCI_TEST_BASE: services.baseImage,
        DOCKER_HOST: services.host
      }
    }
  )
}

async function stamp(image: string): Promise<string> {
  const container = await engine.docker.createContainer({
    Image: image,
    Cmd: ['cat', '/stamp']
  })
  try {
    await container.start()
    await container.wait()
    const logs = await container.logs({ stdout: true })
    // Multiplexed frames: 8-byte headers before each chunk.
    return logs.subarray(8).toString('utf8').trim()
  } finally {
    await container.remove({ force: true })
  }
}

const exists = async (ref: string): Promise<boolean> =>
  engine.docker
    .getImage(ref)
    .inspect()
    .then(
      () => true,
      () => false
    )

it('builds what image: says with no flags, named after the project, the commit from git', async () => {
  const p = project()
  const refs = [`${p.name}:sha-${p.short}`, `${p.name}:al9-sha-${p.short}`]
  cleanup.push(...refs)
  const result = await stackci(p.dir, ['--json'])
  expect(result.code).toBe(0)
  const json = JSON.parse(result.stdout) as { tags: string[]; image: string }
  expect(json.tags).toEqual(refs)
  expect(json.image).toBe(refs[0])
  expect(await stamp(refs[0] ?? '')).toBe(`from the file at ${p.short}`)
  const labels = (await engine.docker.getImage(refs[0] ?? '').inspect()).Config
    .Labels
  expect(labels).toMatchObject({
    'org.example.team': 'dm',
    [PROJECT_LABEL]: p.name
  })

  // Flags override the file.
  const flagged = await stackci(p.dir, [
    '--build-arg',
    'STAMP=from a flag',
    '--tag-template',
    'flagged-{tag}',
    '--json'
  ])
  expect(flagged.code).toBe(0)
  const ref = `${p.name}:flagged-sha-${p.short}`
  cleanup.push(ref)
  expect((JSON.parse(flagged.stdout) as { tags: string[] }).tags).toEqual([ref])
  expect(await stamp(ref)).toBe('from a flag')
})

it('with --kind sha outside a GitHub run takes the commit from git, marking a dirty tree', async () => {
  const p = project()
  writeFileSync(
    join(p.dir, 'stack', 'Dockerfile'),
    'FROM scratch\n# edited\n',
    {
      flag: 'a'
    }
  )
  const result = await stackci(p.dir, [
    '--kind',
    'sha',
    '--tag-template',
    '{tag}'
  ])
  const ref = `${p.name}:sha-${p.short}-dirty`
  cleanup.push(ref)
  expect(result.code).toBe(0)
  expect(result.stderr).toContain(
    'the work tree has uncommitted changes: tagging the image sha-<commit>-dirty'
  )
  expect(result.stdout).toContain(`tag       ${ref}`)
  expect(await exists(ref)).toBe(true)
})

it("prunes the project's own untagged leftovers by label, and no one else's", async () => {
  const p = project()
  const refs = [`${p.name}:sha-${p.short}`, `${p.name}:al9-sha-${p.short}`]
  cleanup.push(...refs)
  const first = await stackci(p.dir, ['--build-arg', 'STAMP=first'])
  expect(first.code).toBe(0)
  const old = (await engine.docker.getImage(refs[0] ?? '').inspect()).Id
  // Someone else's untagged image, labelled as another project's.
  const other = await buildImage(
    engine,
    {
      context: join(p.dir, 'stack'),
      tags: [],
      buildArgs: { BASE_IMAGE: services.baseImage, STAMP: 'other' },
      labels: { [PROJECT_LABEL]: `${p.name}-other` }
    },
    new RecordingReporter()
  )
  cleanup.push(other.imageId)
  // The second build takes the tags: the first image is left untagged.
  const second = await stackci(p.dir, ['--build-arg', 'STAMP=second'])
  expect(second.code).toBe(0)
  expect(second.stderr).toMatch(
    new RegExp(
      `pruned \\d+ untagged image layer\\(s\\) of earlier ${p.name} builds`
    )
  )
  expect(await exists(old)).toBe(false)
  expect(await exists(refs[0] ?? '')).toBe(true)
  expect(await stamp(refs[0] ?? '')).toBe('second')
  expect(await exists(other.imageId)).toBe(true)
})
