import {
  failureMessage,
  integrationOutputs,
  integrationSummary,
  integrationTable,
  type DatasetResult,
  type IntegrationResult
} from '../../../src/integration/index.js'

const result = (results: DatasetResult[]): IntegrationResult => ({
  runId: 'r1',
  image: {
    ref: 'stackci/stack:sha-abc1234',
    id: 'sha256:aaa',
    digest: 'sha256:bbb',
    defaultArgv: []
  },
  results,
  jobs: results.flatMap((r) => r.jobs),
  passed: results.every((r) => r.status === 'success')
})

const ok: DatasetResult = {
  dataset: 'field_a',
  status: 'success',
  exitCode: 0,
  durationMs: 1500,
  message: '1 job(s), 1 file(s) collected',
  jobs: ['/r/field_a/skyprobe_field_a.verify.json'],
  outputs: ['/r/field_a/skyprobe_field_a.verify.json'],
  logFile: '/r/field_a.log',
  logTail: ['wrote /output/skyprobe_field_a.verify.json']
}
const oom: DatasetResult = {
  dataset: 'field_b',
  status: 'oom',
  exitCode: 137,
  durationMs: 700,
  message: 'killed for running out of memory (limit 16.0 MiB)',
  jobs: [],
  outputs: [],
  logFile: '/r/field_b.log',
  logTail: ['allocating | a lot', 'Killed']
}

describe('integration outputs and summary', () => {
  it('writes jobs as a JSON list and results as JSON by dataset', () => {
    const out = integrationOutputs(result([ok, oom]))
    expect(JSON.parse(out.jobs)).toEqual(ok.jobs)
    expect(JSON.parse(out.results)).toEqual({
      field_a: {
        status: 'success',
        exit_code: 0,
        duration: 1.5,
        message: ok.message,
        jobs: ok.jobs,
        outputs: ok.outputs,
        log: '/r/field_a.log'
      },
      field_b: {
        status: 'oom',
        exit_code: 137,
        duration: 0.7,
        message: oom.message,
        jobs: [],
        outputs: [],
        log: '/r/field_b.log'
      }
    })
  })

  it('has a row per dataset, and the last lines of the failed ones', () => {
    const md = integrationSummary(result([ok, oom]))
    expect(md).toContain('### Integration datasets: 1/2 succeeded')
    expect(md).toContain(
      '| field_a | ✅ success | 0 | 1.5s | 1 | 1 job(s), 1 file(s) collected |'
    )
    expect(md).toContain(
      '| field_b | 💥 oom | 137 | 700ms | 0 | killed for running out of memory (limit 16.0 MiB) |'
    )
    expect(md).toContain('<summary>field_b: the last log lines</summary>')
    expect(md).toContain('allocating | a lot\nKilled')
    expect(md).not.toContain('field_a: the last log lines')
  })

  it('names every failed dataset in one line, and prints a table', () => {
    expect(failureMessage(result([ok, oom]))).toBe(
      '1 of 2 dataset(s) did not succeed: field_b (oom: killed for running out of memory (limit 16.0 MiB))'
    )
    expect(integrationTable(result([ok, oom]))).toBe(
      [
        'dataset  status   exit  duration  message',
        'field_a  success  0     1.5s      1 job(s), 1 file(s) collected',
        'field_b  oom      137   700ms     killed for running out of memory (limit 16.0 MiB)',
        '',
        'job  /r/field_a/skyprobe_field_a.verify.json',
        ''
      ].join('\n')
    )
  })
})
