import { Readable } from 'node:stream'
import { DockerError, errorMessage } from '../../../src/core/index.js'
import {
  BuildLog,
  BuildStepError,
  engineMessages,
  parseDockerfile
} from '../../../src/docker/index.js'

async function collect(chunks: string[]): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const m of engineMessages(
    Readable.from(chunks.map((c) => Buffer.from(c)))
  )) {
    out.push(m)
  }
  return out
}

describe('engineMessages', () => {
  it('splits JSON messages cut anywhere across chunks', async () => {
    expect(
      await collect([
        '{"stream":"Step 1/2 : FROM',
        ' x\\n"}\n{"aux":',
        '{"ID":"sha256:1"}}\n',
        'plain text'
      ])
    ).toEqual([
      { stream: 'Step 1/2 : FROM x\n' },
      { aux: { ID: 'sha256:1' } },
      { stream: 'plain text\n' }
    ])
  })
})

describe('BuildLog', () => {
  const dockerfile = parseDockerfile(
    'FROM base\n\nRUN a \\\n  && b\nRUN exit 3\n'
  )

  it('follows steps, lines and the image id', () => {
    const steps: string[] = []
    const lines: string[] = []
    const log = new BuildLog({
      onStep: (i, n, t) => steps.push(`${i}/${n} ${t}`),
      onLine: (l) => lines.push(l)
    })
    log.add({ stream: 'Step 1/3 : FROM base\n ---> ab' })
    log.add({ stream: 'c\n' })
    log.add({ status: 'Pulling fs layer', id: 'abc' })
    log.add({ status: 'Downloading', id: 'abc', progress: '[=>  ]' })
    log.add({ aux: { ID: 'sha256:feed' } })
    log.end()
    expect(steps).toEqual(['1/3 FROM base'])
    expect(lines).toEqual([
      'Step 1/3 : FROM base',
      ' ---> abc',
      'abc: Pulling fs layer'
    ])
    expect(log.imageId).toBe('sha256:feed')
  })

  it("drops the classic builder's colour around a RUN step's stderr", () => {
    const lines: string[] = []
    const log = new BuildLog({ onLine: (l) => lines.push(l) })
    log.add({
      stream: '\u001b[91m------\u001b[0m\u001b[91m\nRan 6 tests in 0.006s\n'
    })
    log.add({ stream: '\n\u001b[0m\u001b[91mOK\n\u001b[0m' })
    log.end()
    expect(lines).toEqual(['------', 'Ran 6 tests in 0.006s', '', 'OK'])
  })

  it('fails with the step, its line and the log tail', () => {
    const log = new BuildLog()
    for (let i = 0; i < 30; i++) log.add({ stream: `noise ${i}\n` })
    log.add({ stream: 'Step 3/3 : RUN exit 3\n ---> Running in 1\n' })
    log.add({ stream: 'about to fail' })
    log.add({
      errorDetail: {
        code: 3,
        message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3"
      },
      error: 'x'
    })
    const error = log.failure('docker/Dockerfile', dockerfile.instructions)
    expect(error).toBeInstanceOf(BuildStepError)
    expect(error).toBeInstanceOf(DockerError)
    expect(error.step).toEqual({ index: 3, total: 3 })
    expect(error.instruction?.line).toBe(5)
    expect(error.logTail).toHaveLength(20)
    expect(error.logTail.at(-1)).toBe('about to fail')
    expect(errorMessage(error)).toMatch(
      /^docker\/Dockerfile:5: docker build step 3\/3 `RUN exit 3` failed: The command '\/bin\/sh -c exit 3' returned a non-zero code: 3\nhint: the last lines of the build log:\n {2}\| noise 13\n/
    )
  })

  it('points at the line of a parse error before any step', () => {
    const log = new BuildLog()
    log.add({
      error: 'Dockerfile parse error line 7: unknown instruction: FORM'
    })
    const error = log.failure('Dockerfile', [])
    expect(error.step).toBeUndefined()
    expect(error.where).toEqual({ file: 'Dockerfile', line: 7 })
    expect(error.message).toMatch(
      /failed before its first step: Dockerfile parse error line 7/
    )
  })
})
