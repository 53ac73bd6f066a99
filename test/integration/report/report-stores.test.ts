/**
 * `stackci report` from any store: the same jobs dispatched at once to a
 * SQLite file, a git store (git http-backend on 127.0.0.1) and the real
 * influxd render the same trends — every point's time, value and status,
 * per metric and line — and the same pass/fail per dataset. Then the report
 * is published to a Pages branch of a real bare repository: one page per
 * profile and an index of past reports, concurrent publishers both kept.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentReporter } from '../../../src/core/index.js'
import {
  readStoreSettingsHistory,
  unitsOf,
  type HistoryChoice,
  type StoreSettings
} from '../../../src/metrics/index.js'
import {
  buildReportModel,
  type ReportModel
} from '../../../src/report/index.js'
import { loadDefinitions } from '../../../src/verify/index.js'
import { runCli } from '../../helpers/cli.js'
import { GitHttpServer, gitFiles } from '../../helpers/git-server.js'
import {
  dropTestDatabases,
  influxAdmin,
  influxEnv,
  influxUrl,
  uniqueDatabase
} from '../../helpers/influxdb.js'
import { DAY, T0, tempDir } from '../../helpers/metrics.js'

const examples = join(process.cwd(), 'examples', 'stack')
const template = JSON.parse(
  readFileSync(join(examples, 'jobs', 'field_a.verify.json'), 'utf8')
) as {
  measurements: { metric: string; value: number }[]
  meta: Record<string, unknown>
}

/** Night `i` of a dataset, its values drifting (some past the thresholds). */
function night(dir: string, i: number, dataset: string): string {
  const job = structuredClone(template)
  job.measurements.forEach((m, k) => {
    m.value = m.value * (1 + ((i * 7 + k * 3) % 11) / 5)
  })
  job.meta = {
    ...job.meta,
    dataset_name: dataset,
    'stackci.dataset': dataset,
    date_created: new Date(T0 + i * DAY).toISOString()
  }
  const file = join(dir, `${dataset}-${i}.verify.json`)
  writeFileSync(file, JSON.stringify(job))
  return file
}

/** What a trend shows: per metric and line, each point's time, value, status. */
function trends(model: ReportModel): unknown {
  return {
    metrics: model.metrics.map((m) => ({
      metric: m.metric,
      unit: m.unit,
      counts: m.counts,
      lines: m.lines.map((l) => ({
        label: l.label,
        points: l.points.map((p) => [p.time, p.value, p.status])
      }))
    })),
    datasets: model.datasets.map((d) => [d.label, d.counts])
  }
}

describe('stackci report from sqlite, git and influxdb', () => {
  let server: GitHttpServer
  let dir: string
  let gitUrl: string
  let sqlite: string
  const database = uniqueDatabase('stackci_report_stores')
  beforeAll(async () => {
    server = await new GitHttpServer().start()
    server.createBare('history.git')
    server.createBare('site.git')
    gitUrl = server.url('history.git')
    dir = tempDir()
    sqlite = join(dir, 'metrics.sqlite')
    const files = [1, 2, 3, 4, 5, 6].flatMap((i) => [
      night(dir, i, 'field_a'),
      night(dir, i, 'field_b')
    ])
    const r = await runCli(
      [
        'metrics',
        'dispatch',
        '--definitions',
        examples,
        '--sqlite',
        sqlite,
        '--git',
        gitUrl,
        '--influxdb',
        influxUrl(),
        '--influxdb-db',
        database,
        '--series',
        'main',
        '--no-gate',
        '--no-comment',
        ...files
      ],
      { cwd: dir, env: influxEnv() }
    )
    if (r.code !== 0) throw new Error(`dispatch failed: ${r.stderr}`)
  })
  afterAll(async () => {
    await server.stop()
    await dropTestDatabases()
  })

  it('renders the same trends from each store (a model per store, compared)', async () => {
    const definitions = await loadDefinitions(examples)
    const stores: StoreSettings = {
      sqlite: { path: sqlite },
      git: { url: gitUrl, branch: 'stackci-metrics', cacheDir: join(dir, 'c') },
      influxdb: { url: influxUrl(), database, ...influxAdmin() }
    }
    const models: Record<string, unknown> = {}
    for (const choice of ['sqlite', 'git', 'influxdb'] as HistoryChoice[]) {
      const history = await readStoreSettingsHistory(
        stores,
        choice,
        {},
        {
          reporter: silentReporter,
          ...unitsOf(definitions)
        }
      )
      expect(history.jobs).toHaveLength(12)
      models[choice] = trends(
        buildReportModel(history, definitions, {
          title: 't',
          gate: { fail: ['minimum'], warn: ['design'] },
          now: () => T0
        })
      )
    }
    const sqliteModel = models.sqlite as { metrics: { lines: unknown[] }[] }
    expect(sqliteModel.metrics.length).toBeGreaterThanOrEqual(4)
    expect(sqliteModel.metrics[0]?.lines).toHaveLength(2)
    expect(models.git).toEqual(models.sqlite)
    expect(models.influxdb).toEqual(models.sqlite)
  })

  it('the CLI summarises the same report from --store, --git and --influxdb', async () => {
    const common = ['report', '--definitions', examples, '--json']
    const runs = await Promise.all(
      [
        ['--store', sqlite],
        ['--git', gitUrl],
        ['--influxdb', influxUrl(), '--influxdb-db', database]
      ].map(async (flags, i) =>
        runCli([...common, ...flags, '--out', join(dir, `r${i}.html`)], {
          cwd: dir,
          env: influxEnv()
        })
      )
    )
    const summaries = runs.map((r) => {
      expect([r.code, r.stderr]).toEqual([0, r.stderr])
      const { out: _out, ...summary } = JSON.parse(r.stdout) as {
        out: string
      }
      return summary
    })
    expect(summaries[1]).toEqual(summaries[0])
    expect(summaries[2]).toEqual(summaries[0])
  })

  it('publishes to a Pages branch: a page per profile, an index of past reports, concurrent runs both kept', async () => {
    const site = server.url('site.git')
    const publish = async (profile: string, runId: string): Promise<void> => {
      const r = await runCli(
        [
          'report',
          '--git',
          gitUrl,
          '--definitions',
          examples,
          '--out',
          join(dir, `${profile}-${runId}.html`),
          '--publish',
          `${site}#gh-pages`,
          '--profile',
          profile,
          '--run-id',
          runId
        ],
        { cwd: dir }
      )
      expect([r.code, r.stderr]).toEqual([0, r.stderr])
    }
    await publish('daily', 'run-1')
    await Promise.all([publish('daily', 'run-2'), publish('weekly', 'run-3')])
    const files = gitFiles(join(server.root, 'site.git'), 'gh-pages')
    expect(files).toEqual(
      expect.arrayContaining([
        '.nojekyll',
        'index.html',
        'daily/index.html',
        'weekly/index.html'
      ])
    )
    const runs = files.filter((f) => /\/runs\//.test(f))
    expect(runs).toHaveLength(3)
    expect(
      runs.map((f) => f.replace(/.*-(run-\d)\.html$/, '$1')).sort()
    ).toEqual(['run-1', 'run-2', 'run-3'])
  })
})
