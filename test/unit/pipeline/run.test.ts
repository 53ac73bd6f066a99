import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  loadStackciConfig,
  type StackciConfig
} from '../../../src/core/config.js'
import Database from 'better-sqlite3'
import { ConfigError } from '../../../src/core/errors.js'
import { RecordingReporter } from '../../../src/core/reporter.js'
import {
  pipelineSlackMessage,
  pipelineStepReply
} from '../../../src/notify/pipeline-slack.js'
import {
  formatPipelineTable,
  runPipeline,
  type PipelineResult
} from '../../../src/pipeline/run.js'

const stack = resolve('examples', 'stack')

/** A temp dir with the sample job, its astrometry made `factor` times worse. */
function workspace(factor: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackci-pipeline-unit-'))
  const job = JSON.parse(
    readFileSync(join(stack, 'jobs', 'field_a.verify.json'), 'utf8')
  ) as { measurements: { metric: string; value: number }[] }
  for (const m of job.measurements)
    if (m.metric === 'skyprobe.astrom_rms') m.value *= factor
  writeFileSync(join(dir, 'field_a.verify.json'), JSON.stringify(job))
  return dir
}

function config(dir: string, onFailure: 'stop' | 'continue'): StackciConfig {
  const text = `version: 1
verify:
  definitions: ${stack}
  jobs: '*.verify.json'
metrics:
  stores: { sqlite: { path: metrics.sqlite } }
profiles:
  check:
    steps: [verify, dispatch-metrics]
    on-failure: ${onFailure}
`
  return loadStackciConfig(text, join(dir, 'stackci.yml'))
}

const infos = (r: RecordingReporter): string[] =>
  r.entries.filter((e) => e.level === 'info').map((e) => e.message)

describe('runPipeline', () => {
  it('runs every step in order with a progress line each, under one run id', async () => {
    const dir = workspace(1)
    const reporter = new RecordingReporter()
    const result = await runPipeline(config(dir, 'stop'), reporter, {
      env: {},
      runId: 'unit-1'
    })
    expect(result).toMatchObject({
      passed: true,
      runId: 'unit-1',
      profile: 'check'
    })
    expect(result.steps.map((s) => [s.step, s.status])).toEqual([
      ['verify', 'passed'],
      ['dispatch-metrics', 'passed']
    ])
    const lines = infos(reporter)
    expect(lines[0]).toBe(
      'stackci check: run unit-1, 2 steps: verify → dispatch-metrics'
    )
    expect(lines).toContain('[1/2] verify …')
    expect(
      lines.some((l) => /^\[2\/2\] dispatch-metrics: passed \(/.test(l))
    ).toBe(true)
  })

  it('records a red run anyway under on-failure: stop: dispatch-metrics keeps the evidence', async () => {
    const dir = workspace(100)
    const result = await runPipeline(
      config(dir, 'stop'),
      new RecordingReporter(),
      { env: {}, runId: 'unit-2' }
    )
    expect(result.passed).toBe(false)
    expect(result.steps.map((s) => [s.step, s.status, s.detail])).toEqual([
      [
        'verify',
        'failed',
        expect.stringMatching(
          /^1 job: \d+ passed, [1-9]\d* failed.*; failing: .*skyprobe\.astrom_rms\.minimum/
        )
      ],
      [
        'dispatch-metrics',
        'failed',
        expect.stringMatching(/^1 job to sqlite; [1-9]\d* failures?, /)
      ]
    ])
    // The failing value reached the history.
    const db = new Database(join(dir, 'metrics.sqlite'), { readonly: true })
    const n = db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as {
      n: number
    }
    db.close()
    expect(n.n).toBe(1)
  })

  it('verify honours the gate levels: a failing design spec warns, named, and the run passes', async () => {
    const dir = workspace(4)
    const result = await runPipeline(
      config(dir, 'stop'),
      new RecordingReporter(),
      { env: {}, runId: 'unit-levels' }
    )
    expect(result.steps[0]).toMatchObject({ step: 'verify', status: 'passed' })
    expect(result.steps[0]?.detail).toMatch(
      /failed, 0 without a value; warning: .*skyprobe\.astrom_rms\.design/
    )
    expect(result.steps[0]?.detail).not.toContain('failing:')
  })

  it('runs the rest after a failed step under on-failure: continue', async () => {
    const dir = workspace(100)
    const result = await runPipeline(
      config(dir, 'continue'),
      new RecordingReporter(),
      { env: {}, runId: 'unit-3' }
    )
    expect(result.passed).toBe(false)
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'failed'])
    expect(result.steps[1]?.detail).toMatch(
      /^1 job to sqlite; [1-9]\d* failures?, /
    )
  })

  it('fails before the first step when a directory is missing, saying paths are relative to the file', async () => {
    const dir = workspace(1)
    const text = `version: 1\nverify:\n  definitions: missing\n  jobs: '*.verify.json'\n`
    writeFileSync(join(dir, 'stackci.yml'), text)
    const c = loadStackciConfig(text, join(dir, 'stackci.yml'))
    const reporter = new RecordingReporter()
    const error = await runPipeline(c, reporter, {
      env: {},
      runId: 'unit-4b'
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).describe()).toMatch(
      /verify\.definitions.*the definitions directory missing is not a directory[\s\S]*relative to the directory it is in/
    )
    expect(reporter.text('info')).not.toContain('[1/1]')
  })

  it('turns a step that throws into an error row and goes on to say so', async () => {
    const dir = workspace(1)
    const c = loadStackciConfig(
      `version: 1\nverify:\n  definitions: ${stack}\n  jobs: 'missing/*.verify.json'\n`,
      join(dir, 'stackci.yml')
    )
    const reporter = new RecordingReporter()
    const result = await runPipeline(c, reporter, { env: {}, runId: 'unit-4' })
    expect(result.steps[0]).toMatchObject({ step: 'verify', status: 'error' })
    expect(result.steps[0]?.detail).toContain('missing')
    expect(
      reporter.entries.some(
        (e) => e.level === 'error' && e.message.startsWith('verify: ')
      )
    ).toBe(true)
  })

  it('runs nothing once cancelled', async () => {
    const dir = workspace(1)
    const controller = new AbortController()
    controller.abort()
    const result = await runPipeline(
      config(dir, 'stop'),
      new RecordingReporter(),
      { env: {}, runId: 'unit-5', signal: controller.signal }
    )
    expect(result.steps.map((s) => s.detail)).toEqual([
      'not run: the pipeline was cancelled',
      'not run: the pipeline was cancelled'
    ])
  })
})

describe('the closing table and the Slack messages', () => {
  const result: PipelineResult = {
    passed: false,
    runId: 'gh-1-1',
    profile: 'pr',
    steps: [
      { step: 'lint', status: 'passed', detail: '0 findings', durationMs: 812 },
      {
        step: 'jenkins-build',
        status: 'skipped',
        detail: 'no URL',
        durationMs: 0
      },
      {
        step: 'stack-image',
        status: 'error',
        detail: 'no <engine> & co',
        durationMs: 65_000
      }
    ]
  }

  it('aligns the columns as a terminal shows them, and ends with the verdict', () => {
    const lines = formatPipelineTable(result).split('\n')
    expect(lines).toHaveLength(4)
    const detailAt = lines
      .slice(0, 3)
      .map((l) =>
        l.replace(/\uFE0F/g, '').search(/(0 findings|no URL|no <engine>)/)
      )
    expect(new Set(detailAt).size).toBe(1)
    expect(lines[3]).toBe('❌ failed: stackci pr, run gh-1-1')
  })

  it('names the run in every message and escapes mrkdwn', () => {
    const parent = pipelineSlackMessage({
      runId: 'gh-1-1',
      profile: 'pr',
      subject: 'lsst/stack@abc1234 · PR #4 <b>',
      steps: result.steps
    })
    expect(parent.text).toBe('stackci pr running (run gh-1-1)')
    const body = JSON.stringify(parent.blocks)
    expect(body).toContain('PR #4 &lt;b&gt;')
    expect(body).toContain('no &lt;engine&gt; &amp; co')
    expect(body).toContain('run id `gh-1-1`')
    const done = pipelineSlackMessage({
      runId: 'gh-1-1',
      profile: 'pr',
      steps: [],
      passed: true
    })
    expect(done.text).toBe('stackci pr passed (run gh-1-1)')
    const reply = pipelineStepReply('gh-1-1', {
      step: 'stack-image',
      status: 'error',
      detail: 'boom',
      durationMs: 65_000
    })
    expect(reply.text).toBe('stack-image error (run gh-1-1)')
    expect(JSON.stringify(reply.blocks)).toContain('(1 min 5 s)')
  })
})
