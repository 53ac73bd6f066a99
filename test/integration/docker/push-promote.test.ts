import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RecordingReporter } from '../../../src/core/index.js'
import {
  pullImage,
  runStackImage,
  type StackImageOptions
} from '../../../src/docker/index.js'
import {
  dockerServices,
  imageIds,
  registryDigest,
  removeImages,
  removeTempDirs,
  tempDir,
  testEngine,
  uniqueName
} from '../../helpers/docker.js'
import { RegistryProxy } from '../../helpers/registry-proxy.js'

const services = dockerServices()
const engine = await testEngine()
const cleanup: string[] = []

afterAll(async () => {
  await removeImages(engine, cleanup)
  removeTempDirs()
})

/** A context whose image differs by the STAMP build arg. */
function context(): string {
  const dir = tempDir('stackci-push-')
  writeFileSync(
    join(dir, 'Dockerfile'),
    `FROM ${services.baseImage}\nARG STAMP\nRUN echo "$STAMP" > /stamp\n`
  )
  return dir
}

async function build(
  options: Partial<StackImageOptions> & Pick<StackImageOptions, 'release'>,
  reporter = new RecordingReporter()
): Promise<Awaited<ReturnType<typeof runStackImage>>> {
  const result = await runStackImage(
    engine,
    { context: context(), push: true, noCache: true, env: {}, ...options },
    reporter
  )
  cleanup.push(...result.tags)
  return result
}

describe('push', () => {
  it('pushes every tag, reports the digest the registry holds, and pulls back by digest', async () => {
    const path = uniqueName('stackci-test/push')
    const repo = `${services.registry}/${path}`
    const result = await build({
      release: { kind: 'sha', version: 'ABCDEF1234', branch: 'tickets/DM-1' },
      registry: repo,
      buildArgs: { STAMP: 'push' },
      env: {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'lsst/stack',
        GITHUB_SHA: 'abcdef1234',
        GITHUB_RUN_ID: '99',
        BUILD_URL: 'https://ci.example.org/job/stack-os-matrix/7/'
      }
    })
    expect(result.tags).toEqual([`${repo}:sha-abcdef1`, `${repo}:tickets-DM-1`])
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    for (const tag of ['sha-abcdef1', 'tickets-DM-1']) {
      expect(await registryDigest(services.registry, path, tag)).toBe(
        result.digest
      )
    }

    await removeImages(engine, result.tags)
    await expect(
      engine.docker.getImage(result.imageId).inspect()
    ).rejects.toMatchObject({
      statusCode: 404
    })
    const byDigest = `${repo}@${result.digest ?? ''}`
    await pullImage(engine, byDigest, undefined, new RecordingReporter())
    cleanup.push(byDigest)
    const pulled = await engine.docker.getImage(byDigest).inspect()
    expect(pulled.Id).toBe(result.imageId)
    expect(pulled.RepoDigests).toContain(byDigest)
    expect(pulled.Config.Labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/lsst/stack',
      'org.opencontainers.image.revision': 'abcdef1234',
      'org.opencontainers.image.version': 'sha-abcdef1',
      'org.opencontainers.image.title': path.split('/').pop(),
      'stackci.jenkins.build-url':
        'https://ci.example.org/job/stack-os-matrix/7/',
      'stackci.github.run-url': 'https://github.com/lsst/stack/actions/runs/99',
      'stackci.release.kind': 'sha'
    })
    expect(pulled.Config.Labels['org.opencontainers.image.created']).toMatch(
      /^\d{4}-\d\d-\d\dT/
    )
  })

  it('retries a registry 503 on the manifest and succeeds', async () => {
    const proxy = new RegistryProxy(services.registry)
    await proxy.start()
    try {
      proxy.inject({
        method: 'PUT',
        path: /\/manifests\//,
        status: 503,
        times: 1
      })
      const reporter = new RecordingReporter()
      const repo = `${proxy.address}/${uniqueName('stackci-test/flaky')}`
      const result = await build(
        {
          release: { kind: 'pr', version: '12' },
          registry: repo,
          buildArgs: { STAMP: 'flaky' }
        },
        reporter
      )
      expect(result.digest).toMatch(/^sha256:/)
      expect(proxy.log.filter((l) => l.includes('(injected)'))).toHaveLength(1)
      expect(reporter.text('warning')).toMatch(
        /push .*pr-12 failed \(attempt 1\).*503.*retrying in/s
      )
    } finally {
      await proxy.stop()
    }
  })

  it('does not retry a registry 401 and says the registry wants credentials', async () => {
    const proxy = new RegistryProxy(services.registry)
    await proxy.start()
    try {
      proxy.inject({
        method: 'PUT',
        path: /\/manifests\//,
        status: 401,
        times: 10
      })
      const reporter = new RecordingReporter()
      const repo = `${proxy.address}/${uniqueName('stackci-test/denied')}`
      await expect(
        build(
          { release: { kind: 'pr', version: '13' }, registry: repo },
          reporter
        )
      ).rejects.toThrow(
        /push of .*:pr-13 failed: .*(unauthorized|authentication required)/i
      )
      expect(proxy.log.filter((l) => l.includes('(injected)'))).toHaveLength(1)
      expect(reporter.text('warning')).not.toMatch(/retrying/)
      cleanup.push(`${repo}:pr-13`)
    } finally {
      await proxy.stop()
    }
  })
})

describe('promote', () => {
  it('publishes the tested image under release tags and moves the alias, with no new image', async () => {
    const path = uniqueName('stackci-test/promote')
    const repo = `${services.registry}/${path}`
    const tested = await build({
      release: { kind: 'sha', version: '1234567890' },
      registry: repo,
      buildArgs: { STAMP: 'tested' }
    })
    const previous = await build({
      release: { kind: 'weekly', date: '2020-12-24' },
      registry: repo,
      buildArgs: { STAMP: 'last week' }
    })
    expect(previous.tags).toEqual([`${repo}:w_2020_52`, `${repo}:w_latest`])
    expect(previous.imageId).not.toBe(tested.imageId)

    const before = await imageIds(engine)
    const reporter = new RecordingReporter()
    const promoted = await runStackImage(
      engine,
      {
        release: { kind: 'weekly', date: '2020-12-31' },
        context: '/nonexistent',
        registry: repo,
        push: true,
        promoteFrom: `${repo}:sha-1234567`
      },
      reporter
    )
    cleanup.push(...promoted.tags)
    expect(promoted.imageId).toBe(tested.imageId)
    expect(promoted.digest).toBe(tested.digest)
    expect(promoted.tags).toEqual([`${repo}:w_2021_01`, `${repo}:w_latest`])
    expect(promoted.moves).toEqual([
      { tag: 'w_2021_01', after: tested.digest },
      { tag: 'w_latest', before: previous.digest, after: tested.digest }
    ])
    expect(await imageIds(engine)).toEqual(before)
    expect(await registryDigest(services.registry, path, 'w_latest')).toBe(
      tested.digest
    )
    expect(await registryDigest(services.registry, path, 'w_2020_52')).toBe(
      previous.digest
    )
    expect(reporter.text('info')).toMatch(
      /w_latest: moved [0-9a-f]{12} → [0-9a-f]{12}/
    )
    expect(reporter.text()).not.toMatch(/Step \d+\//)

    // From the registry by digest, with nothing local: nothing pulled.
    await removeImages(engine, [...tested.tags, ...promoted.tags])
    const local = await imageIds(engine)
    const release = await runStackImage(
      engine,
      {
        release: { kind: 'release', version: '26.0.0' },
        context: '/nonexistent',
        registry: repo,
        push: true,
        promoteFrom: `${repo}@${tested.digest ?? ''}`
      },
      new RecordingReporter()
    )
    cleanup.push(...release.tags, `${repo}@${tested.digest ?? ''}`)
    expect(release.imageId).toBe(tested.imageId)
    expect(release.digest).toBe(tested.digest)
    expect(release.tags).toEqual([`${repo}:v26_0_0`, `${repo}:o_latest`])
    expect(await imageIds(engine)).toEqual(local)
  })

  it('names an image its registry does not hold', async () => {
    await expect(
      runStackImage(
        engine,
        {
          release: { kind: 'pr', version: '5' },
          context: '.',
          registry: `${services.registry}/stackci-test/none`,
          push: true,
          promoteFrom: `${services.registry}/stackci-test/none:missing`
        },
        new RecordingReporter()
      )
    ).rejects.toThrow(
      /image to promote 127\.0\.0\.1:\d+\/stackci-test\/none:missing is not in its registry/
    )
  })
})
