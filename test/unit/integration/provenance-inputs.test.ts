import { STACKCI_META } from '../../../src/core/provenance.js'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  InputError,
  JobError,
  RecordingReporter,
  errorMessage
} from '../../../src/core/index.js'
import {
  actionResultsDir,
  integrationInputsFromAction,
  integrationOptions,
  parseRunState,
  stampJobFile,
  withProvenance,
  type JobStamp
} from '../../../src/integration/index.js'
import { parseJob } from '../../../src/verify/index.js'
import { SAMPLE_JOB } from '../../helpers/integration.js'
import { rejection, thrown } from '../../helpers/thrown.js'

const provenance: JobStamp = {
  dataset: 'field_a',
  image: 'stackci/stack:sha-abc1234',
  imageId: `sha256:${'1'.repeat(64)}`,
  imageDigest: `sha256:${'2'.repeat(64)}`,
  command: 'skyprobe measure /datasets/field_a --output /output',
  durationMs: 1234.5
}

describe('provenance', () => {
  it('adds the keys to meta and nothing else changes', () => {
    const job = parseJob(SAMPLE_JOB, 'job')
    const stamped = withProvenance(
      job,
      provenance,
      'job',
      new RecordingReporter()
    )
    expect(stamped.measurements).toBe(job.measurements)
    expect(stamped.blobs).toBe(job.blobs)
    expect(stamped.meta).toEqual({
      ...job.meta,
      dataset_name: 'field_a',
      [STACKCI_META.dataset]: 'field_a',
      [STACKCI_META.image]: provenance.image,
      [STACKCI_META.imageId]: provenance.imageId,
      [STACKCI_META.imageDigest]: provenance.imageDigest,
      [STACKCI_META.command]: provenance.command,
      [STACKCI_META.duration]: 1.235
    })
    expect(job.meta.dataset_name).toBeUndefined()
  })

  it("keeps the job's own dataset_name, with a warning when it differs", () => {
    const reporter = new RecordingReporter()
    const job = parseJob(SAMPLE_JOB, 'job')
    const own = { ...job, meta: { ...job.meta, dataset_name: 'HSC/RC2' } }
    expect(
      withProvenance(own, provenance, 'job', reporter).meta.dataset_name
    ).toBe('HSC/RC2')
    expect(reporter.text('warning')).toBe(
      'job: meta.dataset_name is "HSC/RC2" but the dataset is field_a; kept the job\'s own'
    )
  })

  it('rewrites the file in the lsst.verify layout, measurements intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackci-prov-'))
    try {
      const file = join(dir, 'a.verify.json')
      writeFileSync(file, SAMPLE_JOB)
      await stampJobFile(file, provenance, new RecordingReporter())
      const text = readFileSync(file, 'utf8')
      expect(text).toMatch(/^\{\n {2}"blobs": \[\],\n {2}"measurements": \[/)
      expect(text).toContain('"value": 12.5')
      expect(parseJob(text, file).measurements).toEqual(
        parseJob(SAMPLE_JOB, 'x').measurements
      )
      writeFileSync(file, '{"measurements": {}}')
      const error = await rejection(
        stampJobFile(file, provenance, new RecordingReporter())
      )
      expect(error).toBeInstanceOf(JobError)
      expect(errorMessage(error)).toContain('measurements must be a list')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('integration inputs', () => {
  const env = {
    GITHUB_WORKSPACE: '/ws',
    RUNNER_TEMP: '/runner/tmp',
    INPUT_IMAGE: 'stackci/stack:w_2024_10',
    INPUT_DATASETS: 'field_a=data/a\n# a comment\n\nfield_b=/abs/b',
    INPUT_COMMAND: 'skyprobe measure {dataset_dir} --output "{output_dir}"',
    INPUT_OUTPUTS: '**/*.verify.json\nlogs/*.log',
    INPUT_TIMEOUT: '30m',
    INPUT_MEMORY: '2g',
    INPUT_CPUS: '1.5',
    INPUT_NETWORK: 'none',
    INPUT_PARALLEL: '2',
    INPUT_SHELL: 'false',
    INPUT_PULL: 'true',
    INPUT_ENV: 'A=1\nB=two words'
  }

  it('reads every input into typed values', () => {
    const inputs = integrationInputsFromAction(env)
    expect(inputs).toEqual({
      image: 'stackci/stack:w_2024_10',
      datasets: [
        { name: 'field_a', path: '/ws/data/a' },
        { name: 'field_b', path: '/abs/b' }
      ],
      command: [
        'skyprobe',
        'measure',
        '{dataset_dir}',
        '--output',
        '{output_dir}'
      ],
      outputs: ['**/*.verify.json', 'logs/*.log'],
      timeout: 1_800_000,
      memory: 2 * 2 ** 30,
      cpus: 1.5,
      network: 'none',
      parallel: 2,
      shell: false,
      env: { A: '1', B: 'two words' },
      user: undefined,
      workdir: undefined,
      'dataset-path': undefined,
      'output-path': undefined,
      'results-dir': undefined,
      pull: true,
      'docker-host': undefined,
      'allow-outside-workspace': false
    })
    const deps = {
      workspace: '/ws',
      resultsDir: actionResultsDir(env, '/ws')
    }
    const options = integrationOptions(inputs, deps, 'r1')
    expect(options.resultsDir).toBe('/runner/tmp/stackci-integration')
    expect(options.runId).toBe('r1')
    expect(options.workspace).toBe('/ws')
    expect(
      integrationOptions({ ...inputs, 'results-dir': 'out' }, deps, 'r')
        .resultsDir
    ).toBe('/ws/out')
    expect(
      integrationOptions(
        { ...inputs, 'allow-outside-workspace': true },
        deps,
        'r'
      ).workspace
    ).toBeUndefined()
  })

  it('names the input and the bad value', () => {
    const bad = (name: string, value: string): string =>
      errorMessage(
        thrown(() =>
          integrationInputsFromAction({
            ...env,
            [`INPUT_${name.toUpperCase()}`]: value
          })
        )
      )
    expect(bad('parallel', '0')).toBe(
      "integration: input 'parallel' must be ≥ 1, got 0"
    )
    expect(bad('cpus', 'all')).toMatch(
      /^integration: input 'cpus' must be a number/
    )
    expect(bad('timeout', 'soon')).toMatch(
      /^integration: input 'timeout' must be a duration/
    )
    expect(bad('shell', 'yes')).toBe(
      `integration: input 'shell' must be true or false, got "yes"`
    )
    expect(bad('datasets', 'field_a')).toMatch(
      /^integration: input 'datasets': 1 bad dataset\(s\)\n {2}"field_a" is not NAME=PATH/
    )
    expect(
      thrown(() => integrationInputsFromAction({ ...env, INPUT_IMAGE: '' }))
    ).toBeInstanceOf(InputError)
  })

  it('reads back the state the main step saved, and only that', () => {
    expect(
      parseRunState('{"runId":"abc123","dockerHost":"unix:///x"}')
    ).toEqual({
      runId: 'abc123',
      dockerHost: 'unix:///x'
    })
    for (const text of [
      undefined,
      '',
      'nope',
      '{"runId":"a b"}',
      '{"runId":1}'
    ])
      expect(parseRunState(text)).toBeUndefined()
  })
})
