import { STACKCI_META } from '../../../src/core/provenance.js'
/**
 * runDatasets on the real engine, in the busybox base image: outputs
 * copied out, the read-only dataset mount, timeouts, OOM kills, non-zero
 * exits, cancels, the matrix, and no container left behind in any case.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { RecordingReporter } from '../../../src/core/index.js'
import {
  newRunId,
  runDatasets,
  type DatasetRunOptions,
  type IntegrationResult
} from '../../../src/integration/index.js'
import { parseJob } from '../../../src/verify/index.js'
import {
  dockerServices,
  removeTempDirs,
  tempDir,
  testEngine
} from '../../helpers/docker.js'
import {
  SAMPLE_JOB,
  containersOfRun,
  makeDataset,
  waitUntil
} from '../../helpers/integration.js'

const services = dockerServices()
const engine = await testEngine()
afterAll(removeTempDirs)

const dataset = makeDataset({
  'job.json': SAMPLE_JOB,
  'visits/visit_1.csv': 'id,ra,dec\n1,10.0,20.0\n'
})

interface Run {
  result: IntegrationResult
  reporter: RecordingReporter
  runId: string
  left: { id: string; state: string }[]
}

/** Runs, then lists what the engine still has of the run. */
async function run(
  command: string[],
  options: Partial<DatasetRunOptions> = {}
): Promise<Run> {
  const reporter = new RecordingReporter()
  const runId = newRunId()
  const result = await runDatasets(
    engine,
    {
      image: services.baseImage,
      datasets: [{ name: 'ds1', path: dataset }],
      command,
      resultsDir: tempDir('stackci-results-'),
      runId,
      pull: false,
      ...options
    },
    reporter
  )
  return { result, reporter, runId, left: await containersOfRun(engine, runId) }
}

describe('a dataset that succeeds', () => {
  let r: Run
  beforeAll(async () => {
    r = await run([
      'sh',
      '-c',
      'mkdir -p {output_dir}/sub && cp {dataset_dir}/job.json {output_dir}/a.verify.json && cp {dataset_dir}/job.json {output_dir}/sub/b.verify.json && echo notes > {output_dir}/notes.txt && echo "done with $STACKCI_DATASET"'
    ])
  })

  it('collects the files matching the output globs, and only those', () => {
    const [ds] = r.result.results
    expect(ds?.status).toBe('success')
    expect(ds?.exitCode).toBe(0)
    const dir = join(r.result.results[0]?.logFile ?? '', '..', 'ds1')
    expect(ds?.outputs).toEqual([
      join(dir, 'a.verify.json'),
      join(dir, 'sub', 'b.verify.json')
    ])
    expect(r.result.jobs).toEqual(ds?.outputs)
    expect(readdirSync(dir).sort()).toEqual(['a.verify.json', 'sub'])
  })

  it('stamps provenance in meta and leaves the measurements as they were', () => {
    const original = parseJob(SAMPLE_JOB, 'sample')
    const file = r.result.jobs[0] ?? ''
    const job = parseJob(readFileSync(file, 'utf8'), file)
    expect(job.measurements).toEqual(original.measurements)
    expect(job.meta).toMatchObject({
      instrument: 'Sim',
      packages: {},
      dataset_name: 'ds1',
      [STACKCI_META.dataset]: 'ds1',
      [STACKCI_META.image]: services.baseImage,
      [STACKCI_META.imageId]: r.result.image.id,
      [STACKCI_META.imageDigest]: r.result.image.digest,
      [STACKCI_META.command]: expect.stringContaining(
        "sh -c 'mkdir -p /output/sub && cp /datasets/ds1/job.json"
      ) as unknown
    })
    expect(job.meta[STACKCI_META.duration]).toBeGreaterThan(0)
    expect(r.result.image.id).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('shows the log live, prefixed by the dataset, and keeps it in a file', () => {
    expect(r.reporter.text('info')).toContain('[ds1] done with ds1')
    expect(r.reporter.entries).toContainEqual({
      level: 'group',
      message: 'Dataset ds1'
    })
    expect(readFileSync(r.result.results[0]?.logFile ?? '', 'utf8')).toBe(
      'done with ds1\n'
    )
  })

  it('leaves no container behind', () => {
    expect(r.left).toEqual([])
  })
})

describe('the dataset mount', () => {
  it('is read-only: a write inside fails', async () => {
    const r = await run([
      'sh',
      '-c',
      'echo x > {dataset_dir}/new.txt || { echo "write refused"; exit 5; }'
    ])
    const [ds] = r.result.results
    expect(ds?.status).toBe('failure')
    expect(ds?.exitCode).toBe(5)
    expect(ds?.logTail.join('\n')).toMatch(/Read-only file system/)
    expect(ds?.logTail).toContain('write refused')
    expect(readdirSync(dataset).sort()).toEqual(['job.json', 'visits'])
    expect(r.left).toEqual([])
  })
})

describe('how a container ends is told apart', () => {
  it('kills at the timeout, within 2 s of it, and reports a timeout', async () => {
    const started = Date.now()
    const r = await run(['sleep', '60'], { timeoutMs: 3000 })
    const wall = Date.now() - started
    const [ds] = r.result.results
    expect(ds?.status).toBe('timeout')
    expect(ds?.message).toBe('killed when the timeout of 3s passed')
    expect(ds?.exitCode).toBe(137)
    expect(ds?.durationMs).toBeGreaterThanOrEqual(3000)
    expect(ds?.durationMs).toBeLessThan(5000)
    expect(wall).toBeLessThan(3000 + 2000 + 3000) // + create/inspect/remove
    expect(r.left).toEqual([])
  })

  it('reports an OOM kill as an OOM', async () => {
    const r = await run(['sh', '-c', 'head -c 300m /dev/zero | tail'], {
      memory: 16 * 1024 * 1024
    })
    const [ds] = r.result.results
    expect(ds?.status).toBe('oom')
    expect(ds?.message).toBe(
      'killed for running out of memory (limit 16.0 MiB)'
    )
    expect(r.left).toEqual([])
  })

  it('reports a non-zero exit with its code and the last log lines', async () => {
    const r = await run([
      'sh',
      '-c',
      // stdout and stderr are separate pipes the engine reads side by
      // side: the pause keeps their order.
      'for i in $(seq 1 30); do echo "line $i"; done; sleep 1; echo "boom" >&2; exit 7'
    ])
    const [ds] = r.result.results
    expect(ds?.status).toBe('failure')
    expect(ds?.exitCode).toBe(7)
    expect(ds?.message).toBe('exited with code 7')
    expect(ds?.logTail).toHaveLength(20)
    expect(ds?.logTail.at(-1)).toBe('boom')
    expect(ds?.logTail).toContain('line 30')
    const error = r.reporter.text('error')
    expect(error).toContain('[ds1] failure: exited with code 7')
    expect(error).toContain('  | line 30\n  | boom')
    expect(r.left).toEqual([])
  })

  it('fails a run that exits 0 but writes no output', async () => {
    const r = await run(['true'])
    expect(r.result.results[0]?.status).toBe('failure')
    expect(r.result.results[0]?.message).toBe(
      'exited with code 0 but wrote nothing matching **/*.verify.json under /output'
    )
    expect(r.left).toEqual([])
  })

  it('fails a run whose job is not a valid verify job, naming the file', async () => {
    const r = await run([
      'sh',
      '-c',
      'echo \'{"measurements": [{"metric": "nodot", "value": "x"}]}\' > /output/bad.verify.json'
    ])
    const [ds] = r.result.results
    expect(ds?.status).toBe('failure')
    expect(ds?.message).toMatch(
      /wrote a job that is not a valid verify job: .*bad\.verify\.json is not a valid verify job/
    )
    expect(r.result.jobs).toEqual([])
    expect(r.left).toEqual([])
  })

  it('kills and removes the container when cancelled', async () => {
    const cancel = new AbortController()
    const runId = newRunId()
    const running = run(['sleep', '60'], { signal: cancel.signal, runId })
    await waitUntil(async () =>
      (await containersOfRun(engine, runId)).some((c) => c.state === 'running')
    )
    cancel.abort()
    const r = await running
    expect(r.result.results[0]?.status).toBe('cancelled')
    expect(r.result.results[0]?.durationMs).toBeLessThan(30_000)
    expect(r.left).toEqual([])
  })
})

describe('the container settings', () => {
  it('has no network by default, and the one asked for otherwise', async () => {
    const none = await run(['sh', '-c', 'ls /sys/class/net'])
    expect(none.result.results[0]?.logTail).toEqual(['lo'])
    const bridge = await run(['sh', '-c', 'ls /sys/class/net'], {
      network: 'bridge'
    })
    expect(bridge.result.results[0]?.logTail).toContain('eth0')
  })

  it('runs as the user given, in the workdir given, with the env given', async () => {
    const r = await run(
      [
        'sh',
        '-c',
        'id -u; pwd; echo "$GREETING"; cp {dataset_dir}/job.json $STACKCI_OUTPUT_DIR/x.verify.json'
      ],
      {
        user: '65534:65534',
        workdir: '/tmp',
        env: { GREETING: 'hello there' }
      }
    )
    const [ds] = r.result.results
    // The output directory is writable by any user.
    expect(ds?.status).toBe('success')
    expect(ds?.logTail).toEqual(['65534', '/tmp', 'hello there'])
    expect(ds?.outputs.map((f) => f.split('/').at(-1))).toEqual([
      'x.verify.json'
    ])
  })

  it('runs through a shell only when asked', async () => {
    const plain = await run(['echo', '$HOME', '&&', 'ls'])
    expect(plain.result.results[0]?.logTail).toEqual(['$HOME && ls'])
    const shell = await run(['echo', '"$STACKCI_DATASET"', '&&', 'echo two'], {
      shell: true
    })
    expect(shell.result.results[0]?.logTail).toEqual(['ds1', 'two'])
  })
})

describe('a dataset matrix', () => {
  it('runs at most `parallel` at once, each with its own result', async () => {
    const names = ['m1', 'm2', 'm3', 'm4']
    const runId = newRunId()
    let most = 0
    const polling = { on: true }
    const poll = (async () => {
      while (polling.on) {
        const list = await containersOfRun(engine, runId)
        most = Math.max(most, list.filter((c) => c.state === 'running').length)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    const r = await run(
      [
        'sh',
        '-c',
        'sleep 2; if [ "$STACKCI_DATASET" = m3 ]; then exit 4; fi; cp {dataset_dir}/job.json {output_dir}/{dataset}.verify.json'
      ],
      {
        runId,
        parallel: 2,
        datasets: names.map((name) => ({ name, path: dataset }))
      }
    )
    polling.on = false
    await poll
    expect(most).toBe(2)
    expect(
      r.result.results.map((d) => [d.dataset, d.status, d.exitCode])
    ).toEqual([
      ['m1', 'success', 0],
      ['m2', 'success', 0],
      ['m3', 'failure', 4],
      ['m4', 'success', 0]
    ])
    expect(r.result.passed).toBe(false)
    expect(r.result.jobs.map((f) => f.split('/').at(-1))).toEqual([
      'm1.verify.json',
      'm2.verify.json',
      'm4.verify.json'
    ])
    // Interleaved logs are prefixed, inside one group for the matrix.
    expect(r.reporter.entries.filter((e) => e.level === 'group')).toEqual([
      { level: 'group', message: 'Datasets m1, m2, m3, m4 (2 at a time)' }
    ])
    expect(r.left).toEqual([])
  })
})
