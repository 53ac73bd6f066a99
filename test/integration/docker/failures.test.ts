import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  DockerError,
  errorMessage,
  RecordingReporter
} from '../../../src/core/index.js'
import {
  BuildStepError,
  buildImage,
  runStackImage
} from '../../../src/docker/index.js'
import {
  dockerServices,
  registryDigest,
  removeImages,
  removeTempDirs,
  run,
  tempDir,
  testEngine,
  uniqueName
} from '../../helpers/docker.js'

const services = dockerServices()
const engine = await testEngine()
const cleanup: string[] = []
afterAll(async () => {
  await removeImages(engine, cleanup)
  removeTempDirs()
})

const FAILING = (base: string): string =>
  [
    '# a stack image that fails on line 8',
    `FROM ${base}`,
    'ARG GREETING=hello',
    '',
    'RUN echo "$GREETING from step 3" \\',
    ' && echo second line',
    '# a comment between steps',
    'RUN echo "about to fail" && \\',
    '    exit 7',
    'RUN echo never'
  ].join('\n')

function failingContext(): string {
  const dir = tempDir('stackci-fail-')
  writeFileSync(join(dir, 'Dockerfile'), `${FAILING(services.baseImage)}\n`)
  return dir
}

describe('a failing Dockerfile step', () => {
  it('is a BuildStepError naming the step, its line and the last log lines', async () => {
    const dir = failingContext()
    const error = await buildImage(
      engine,
      { context: dir, tags: [] },
      new RecordingReporter()
    ).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(BuildStepError)
    expect(error).toBeInstanceOf(DockerError)
    const e = error as BuildStepError
    expect(e.step).toEqual({ index: 4, total: 5 })
    expect(e.instruction).toMatchObject({ keyword: 'RUN', line: 8, endLine: 9 })
    expect(e.where).toEqual({ file: join(dir, 'Dockerfile'), line: 8 })
    expect(e.logTail).toContain('about to fail')
    const text = errorMessage(e)
    expect(text).toMatch(
      /Dockerfile:8: docker build step 4\/5 `RUN echo "about to fail" && exit 7` failed: The command '\/bin\/sh -c echo "about to fail" && +exit 7' returned a non-zero code: 7/
    )
    expect(text).toMatch(
      /last lines of the build log:\n(.*\n)*\s+\| about to fail/
    )
  })

  it('makes stackci image build exit 1 with the step and line on stderr', async () => {
    const dir = failingContext()
    const result = await run(
      process.execPath,
      [
        'bin/stackci.js',
        'image',
        'build',
        dir,
        '--kind',
        'sha',
        '--version',
        'abc1234',
        '--docker-host',
        services.host
      ],
      { env: { ...process.env, NO_COLOR: '1' } }
    )
    expect(result.code).toBe(1)
    // The engine counts each label as one more step at the end.
    expect(result.stderr).toMatch(
      /Dockerfile:8: docker build step 4\/\d+ `RUN echo "about to fail" && exit 7` failed/
    )
    expect(result.stderr).toContain('| about to fail')
  })

  it('reports a missing target stage before building', async () => {
    await expect(
      buildImage(
        engine,
        { context: failingContext(), tags: [], target: 'tests' },
        new RecordingReporter()
      )
    ).rejects.toThrow(/target stage "tests" is not in the Dockerfile/)
  })
})

describe('registry credentials', () => {
  const WRONG = `wrong-${Math.random().toString(36).slice(2)}-password`

  it('a wrong password is a clear error before any build, and never shown', async () => {
    const reporter = new RecordingReporter()
    const dir = tempDir('stackci-auth-')
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${services.baseImage}\n`)
    const error = await runStackImage(
      engine,
      {
        release: { kind: 'pr', version: '1' },
        context: dir,
        registry: `${services.authRegistry}/stackci-test/auth`,
        username: services.user,
        password: WRONG,
        push: true
      },
      reporter
    ).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(DockerError)
    const text = errorMessage(error)
    expect(text).toMatch(
      new RegExp(
        `registry 127\\.0\\.0\\.1:\\d+ refused the credentials of user "${services.user}"`
      )
    )
    expect(text).toMatch(/hint: check the username and the password/)
    expect(reporter.text()).not.toMatch(/Step 1\//)
    const everything = `${text}\n${reporter.text()}\n${JSON.stringify(error)}`
    expect(everything).not.toContain(WRONG)
    expect(everything).not.toContain(
      Buffer.from(WRONG).toString('base64').slice(0, 12)
    )
  })

  it.each([
    ['STACKCI_REGISTRY_PASSWORD', false],
    ['--password-stdin', true]
  ])(
    'the CLI with a wrong password from %s exits 2 without showing it',
    async (_how, stdin) => {
      const dir = tempDir('stackci-auth-')
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${services.baseImage}\n`)
      const result = await run(
        process.execPath,
        [
          'bin/stackci.js',
          '--verbose',
          'image',
          'build',
          dir,
          '--kind',
          'pr',
          '--version',
          '2',
          '--push',
          '--registry',
          `${services.authRegistry}/stackci-test/auth`,
          '--username',
          services.user,
          '--docker-host',
          services.host,
          ...(stdin ? ['--password-stdin'] : [])
        ],
        {
          env: stdin
            ? { ...process.env }
            : { ...process.env, STACKCI_REGISTRY_PASSWORD: WRONG },
          input: stdin ? `${WRONG}\n` : ''
        }
      )
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/refused the credentials of user "stackci"/)
      expect(result.stdout + result.stderr).not.toContain(WRONG)
    }
  )

  it('the right password pushes to the registry that needs it', async () => {
    const dir = tempDir('stackci-auth-')
    writeFileSync(
      join(dir, 'Dockerfile'),
      `FROM ${services.baseImage}\nRUN echo auth > /auth\n`
    )
    const path = uniqueName('stackci-test/auth')
    const reporter = new RecordingReporter()
    const result = await runStackImage(
      engine,
      {
        release: { kind: 'daily', date: '2024-03-11T07:30:00Z' },
        context: dir,
        registry: `${services.authRegistry}/${path}`,
        username: services.user,
        password: services.password,
        push: true
      },
      reporter
    )
    cleanup.push(...result.tags)
    expect(result.tags.map((t) => t.split(':').pop())).toEqual([
      'd_2024_03_11',
      'd_latest'
    ])
    expect(
      await registryDigest(services.authRegistry, path, 'd_2024_03_11', {
        user: services.user,
        password: services.password
      })
    ).toBe(result.digest)
    expect(reporter.text()).not.toContain(services.password)
  })
})
