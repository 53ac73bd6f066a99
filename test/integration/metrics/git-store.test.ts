/**
 * The git store against a real git smart-HTTP server (git http-backend on
 * 127.0.0.1, Basic auth as GitHub takes GITHUB_TOKEN): concurrent
 * dispatches lose nothing, the token travels as actions/checkout's header
 * and never reaches a log or a URL, failed pushes are spooled and replayed,
 * and everything is read back by `metrics export` and `metrics history`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, type CliRun } from '../../helpers/cli.js'
import { GitHttpServer, gitFiles, gitLog } from '../../helpers/git-server.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'

const TOKEN = 'ghs_T0kenThatMustNeverBeLogged1234567890'

/** A sample-stack job for night `i`, with its own values (and so its own id). */
function night(dir: string, i: number, dataset = 'field_a'): string {
  const file = join(dir, `night-${String(i).padStart(3, '0')}.verify.json`)
  writeFileSync(
    file,
    JSON.stringify({
      measurements: [
        {
          metric: 'skyprobe.astrom_rms',
          identifier: `a${i}`,
          value: 10 + i / 10,
          unit: 'marcsec',
          blob_refs: []
        },
        {
          metric: 'skyprobe.matched_fraction',
          identifier: `m${i}`,
          value: 90 + i / 100,
          unit: '%',
          blob_refs: []
        }
      ],
      blobs: [],
      meta: {
        dataset_name: dataset,
        instrument: 'SIM',
        packages: {},
        date_created: new Date(T0 + i * DAY).toISOString()
      }
    })
  )
  return file
}

interface Exported {
  jobId: string
  metric: string
  value: number
  releaseTag: string | null
  gitSha: string | null
  imageDigest: string | null
  dataset: string
  time: string
  series: string
}

const lines = (text: string): Exported[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Exported)

function expectNoToken(runs: CliRun[]): void {
  for (const r of runs) {
    expect(r.stdout).not.toContain(TOKEN)
    expect(r.stderr).not.toContain(TOKEN)
    expect(r.stderr).not.toContain(
      Buffer.from(`x-access-token:${TOKEN}`).toString('base64')
    )
  }
}

describe('the git store over git http-backend', () => {
  let server: GitHttpServer
  let dir: string
  const env = { GITHUB_TOKEN: TOKEN, GIT_TRACE: '0' }
  beforeAll(async () => {
    server = await new GitHttpServer(TOKEN).start()
  })
  afterAll(async () => {
    await server.stop()
  })
  beforeEach(() => {
    dir = tempDir()
  })

  it('8 concurrent dispatches of different jobs: every measurement is on the branch, read back by export; no token in any log', async () => {
    const bare = server.createBare('history.git')
    const url = server.url('history.git')
    const jobs = Array.from({ length: 8 }, (_, i) => night(dir, i + 1))
    const runs = await Promise.all(
      jobs.map(async (job, i) =>
        runCli(
          [
            'metrics',
            'dispatch',
            '--git',
            url,
            '--series',
            'main',
            '--release-tag',
            `d_2026_01_0${i + 1}`,
            '--git-sha',
            `abc${i}`,
            '--image-digest',
            `sha256:${String(i).repeat(64)}`,
            '--no-comment',
            '--verbose',
            job
          ],
          { cwd: dir, env }
        )
      )
    )
    for (const r of runs) expect([r.code, r.stderr]).toEqual([0, r.stderr])
    expect(gitLog(bare, 'stackci-metrics')).toHaveLength(8)
    expect(gitFiles(bare, 'stackci-metrics')).toHaveLength(8)
    const exported = await runCli(['metrics', 'export', '--git', url], {
      cwd: dir,
      env
    })
    expect(exported.code).toBe(0)
    const records = lines(exported.stdout)
    expect(records).toHaveLength(16)
    expect(new Set(records.map((r) => r.jobId)).size).toBe(8)
    for (let i = 1; i <= 8; i++) {
      expect(records).toContainEqual(
        expect.objectContaining({
          metric: 'skyprobe.astrom_rms',
          value: 10 + i / 10,
          releaseTag: `d_2026_01_0${i}`,
          gitSha: `abc${i - 1}`,
          imageDigest: `sha256:${String(i - 1).repeat(64)}`,
          dataset: 'field_a',
          series: 'main',
          time: new Date(T0 + i * DAY).toISOString()
        })
      )
    }
    expectNoToken([...runs, exported])
    // The token went as a header: every request was authorised, none
    // carried it in its URL.
    expect(server.requests.length).toBeGreaterThan(16)
    expect(server.requests.every((r) => r.authorized)).toBe(true)
    expect(server.requests.some((r) => r.url.includes(TOKEN))).toBe(false)
  })

  it('dispatching a job twice stores it once; history reads it back with verdicts', async () => {
    server.createBare('twice.git')
    const url = server.url('twice.git')
    const files = Array.from({ length: 12 }, (_, i) => night(dir, i))
    const first = await runCli(
      ['metrics', 'dispatch', '--git', url, '--series', 'main', ...files],
      { cwd: dir, env }
    )
    expect([first.code, first.stderr]).toEqual([0, first.stderr])
    const again = await runCli(
      [
        'metrics',
        'dispatch',
        '--git',
        `${url}#stackci-metrics`,
        '--series',
        'main',
        '--json',
        files[3] ?? ''
      ],
      { cwd: dir, env }
    )
    const report = JSON.parse(again.stdout) as {
      dispatch: { stores: { type: string; written: number; skipped: number }[] }
    }
    expect(report.dispatch.stores).toEqual([
      expect.objectContaining({ type: 'git', written: 0, skipped: 2 })
    ])
    const history = await runCli(
      [
        'metrics',
        'history',
        'skyprobe.astrom_rms',
        '--git',
        url,
        '--dataset',
        'field_a',
        '--instrument',
        'SIM',
        '--json'
      ],
      { cwd: dir, env }
    )
    expect([history.code, history.stderr]).toEqual([0, history.stderr])
    const points = JSON.parse(history.stdout) as {
      value: number
      verdict: string
    }[]
    expect(points.map((p) => p.value)).toEqual(
      Array.from({ length: 12 }, (_, i) => 10 + i / 10)
    )
    expect(points.at(-1)?.verdict).toBeDefined()
    const all = await runCli(
      ['metrics', 'history', '--all', '--git', url, '--json'],
      { cwd: dir, env }
    )
    expect(
      (JSON.parse(all.stdout) as { metric: string; points: number }[]).map(
        (s) => [s.metric, s.points]
      )
    ).toEqual([
      ['skyprobe.astrom_rms', 12],
      ['skyprobe.matched_fraction', 12]
    ])
    expectNoToken([first, again, history, all])
  })

  it('a push that fails is spooled, and replay sends it once the repository is there', async () => {
    const url = server.url('later.git')
    const spool = join(dir, 'spool')
    const job = night(dir, 1)
    const failed = await runCli(
      ['metrics', 'dispatch', '--git', url, '--spool', spool, job],
      { cwd: dir, env }
    )
    expect(failed.code).toBe(0)
    expect(failed.stderr).toContain('stackci metrics replay')
    const bare = server.createBare('later.git')
    const replay = await runCli(
      ['metrics', 'replay', '--git', url, '--spool', spool],
      { cwd: dir, env }
    )
    expect([replay.code, replay.stdout]).toEqual([
      0,
      `1 sent, 0 left in ${spool}\n`
    ])
    expect(gitFiles(bare, 'stackci-metrics')).toHaveLength(1)
    expectNoToken([failed, replay])
  })

  it('a wrong token fails with a hint and spools, naming no credential', async () => {
    server.createBare('denied.git')
    const spool = join(dir, 'spool')
    const r = await runCli(
      [
        'metrics',
        'dispatch',
        '--git',
        server.url('denied.git'),
        '--spool',
        spool,
        '--fail-on-spool',
        night(dir, 2)
      ],
      { cwd: dir, env: { GITHUB_TOKEN: 'ghs_wrong_token_value_123456' } }
    )
    expect(r.code).toBe(2)
    expect(r.stderr).not.toContain('ghs_wrong_token_value_123456')
    expect(r.stderr).toMatch(/git fetch failed|Authentication failed/)
  })

  it('accept records the acceptance on the branch, and history honours it', async () => {
    server.createBare('accept.git')
    const url = server.url('accept.git')
    mkdirSync(join(dir, 'jobs'))
    const files = Array.from({ length: 4 }, (_, i) =>
      night(join(dir, 'jobs'), i)
    )
    await runCli(
      ['metrics', 'dispatch', '--git', url, '--series', 'main', ...files],
      {
        cwd: dir,
        env
      }
    )
    const accepted = await runCli(
      [
        'metrics',
        'accept',
        'skyprobe.astrom_rms',
        '--git',
        url,
        '--dataset',
        'field_a',
        '--instrument',
        'SIM',
        '--since',
        '2026-01-03',
        '--reason',
        'new PSF model'
      ],
      { cwd: dir, env }
    )
    expect([accepted.code, accepted.stderr]).toEqual([0, accepted.stderr])
    expect(accepted.stdout).toContain('accepted skyprobe.astrom_rms')
    expect(
      gitFiles(join(server.root, 'accept.git'), 'stackci-metrics').filter((f) =>
        f.startsWith('acceptances/')
      )
    ).toHaveLength(1)
  })
})
