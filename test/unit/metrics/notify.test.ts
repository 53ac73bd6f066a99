import { join } from 'node:path'
import {
  DEFAULT_BASELINE,
  SqliteStore,
  compareWithHistory,
  evaluateGate,
  prepareJob,
  type DispatchJob,
  type MetricsOutcome
} from '../../../src/metrics/index.js'
import {
  COMMENT_LIMIT,
  commentMarker,
  escapeMrkdwn,
  metricsComment,
  metricsMarkdown,
  metricsSlackMessage
} from '../../../src/notify/index.js'
import {
  loadDefinitions,
  parseJob,
  type Definitions
} from '../../../src/verify/index.js'
import { DAY, T0 } from '../../helpers/metrics.js'

let defs: Definitions
beforeAll(async () => {
  defs = await loadDefinitions(join(process.cwd(), 'examples', 'stack'))
})

function job(
  i: number,
  astrom: number,
  series = 'main',
  source = `night-${i}.verify.json`
): DispatchJob {
  return prepareJob(
    parseJob(
      JSON.stringify({
        measurements: [
          {
            metric: 'skyprobe.astrom_rms',
            identifier: `a${i}`,
            value: astrom,
            unit: 'marcsec'
          },
          {
            metric: 'skyprobe.phot_rms',
            identifier: `p${i}`,
            value: 8 + (i % 3) * 0.1,
            unit: 'mmag'
          }
        ],
        meta: { dataset_name: 'field_a', instrument: 'SIM', run: i }
      }),
      source
    ),
    source,
    defs,
    {
      env: {},
      series,
      dateCreated: T0 + i * DAY,
      provenance: {
        workflowRunUrl: 'https://github.com/o/r/actions/runs/1',
        gitSha: 'abcdef0123'
      }
    }
  )
}

/** 40 nights at 14 ± 0.2 marcsec, then the job under test. */
async function outcome(
  current: DispatchJob,
  fail: string[] = ['minimum']
): Promise<MetricsOutcome> {
  const store = new SqliteStore(':memory:')
  for (let i = 0; i < 40; i++)
    await store.write(job(i, 14 + ((i * 7) % 5) * 0.1))
  const comparisons = await compareWithHistory(
    [current],
    store,
    defs,
    DEFAULT_BASELINE
  )
  await store.close()
  const gate = evaluateGate([current], defs, comparisons, {
    fail,
    warn: ['design'],
    regressions: 'warn'
  })
  return {
    passed: gate.passed,
    jobs: [current],
    gate,
    comparisons,
    dispatch: {
      jobs: 1,
      spooled: 1,
      stores: [
        {
          type: 'sqlite',
          label: 'sqlite m',
          written: 2,
          skipped: 0,
          spooled: 0,
          errors: []
        },
        {
          type: 'influxdb',
          label: 'influxdb x',
          written: 0,
          skipped: 0,
          spooled: 1,
          errors: ['down']
        }
      ]
    },
    baselineSeries: 'main',
    historyStore: 'sqlite m',
    dryRun: false
  }
}

describe('the Markdown report', () => {
  it('shows the gate, every spec with its value, threshold, delta vs baseline and level', async () => {
    const o = await outcome(job(40, 64.2))
    const md = metricsMarkdown(o)
    expect(md).toMatch(/^### ❌ Metrics gate failed/)
    expect(md).toContain('> ❌ 1 specification(s) tagged minimum failed')
    expect(md).toContain(
      '| Status | Specification | Value | Threshold | Δ vs baseline | Gate |'
    )
    // Failing fail-level rows first.
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| ❌') || l.startsWith('| ✅'))
    expect(rows[0]).toBe(
      '| ❌ | `skyprobe.astrom_rms.minimum` | 64.20 marcsec | <= 60.0 marcsec | +50.00 (+352.1 %) ⚠️ | fail |'
    )
    expect(rows).toContain(
      '| ✅ | `skyprobe.phot_rms.minimum` | 8.10 mmag | <= 30.0 mmag | +0.00 (+0.0 %) | fail |'
    )
    expect(md).toContain('influxdb x: 0 written, **1 spooled**')
    expect(md).toContain('run `stackci metrics replay`')
  })

  it('draws a mermaid xychart-beta trend per key metric, with the threshold line', async () => {
    const md = metricsMarkdown(await outcome(job(40, 14.1)), {
      trendPoints: 10
    })
    const charts = md.split('```mermaid').slice(1)
    expect(charts).toHaveLength(2)
    const astrom = charts.find((c) => c.includes('skyprobe.astrom_rms')) ?? ''
    const lines = astrom.split('\n').map((l) => l.trim())
    expect(lines[1]).toBe('xychart-beta')
    expect(lines[2]).toMatch(
      /^title "skyprobe\.astrom_rms \[field_a · SIM\] \(main vs baseline\)"$/
    )
    expect(lines[3]).toMatch(/^x-axis \["01-31", .*"this run"\]$/)
    expect(lines[3]?.split(',').length).toBe(11)
    expect(lines[4]).toMatch(/^y-axis "marcsec" [\d.]+ --> [\d.]+$/)
    expect(lines[5]).toMatch(/^line \[[\d., ]+, 14\.1\]$/)
    // The fail-level threshold (60 marcsec) as a flat line.
    expect(lines[6]).toBe(`line [${Array(11).fill('60').join(', ')}]`)
  })

  it('marks a regression and lists it with its baseline', async () => {
    const store = new SqliteStore(':memory:')
    for (let i = 0; i < 40; i++)
      await store.write(job(i, 14 + ((i * 7) % 5) * 0.1))
    for (let i = 40; i < 42; i++) await store.write(job(i, 19))
    const current = job(42, 19)
    const comparisons = await compareWithHistory(
      [current],
      store,
      defs,
      DEFAULT_BASELINE
    )
    const gate = evaluateGate([current], defs, comparisons, {
      fail: ['minimum'],
      warn: [],
      regressions: 'warn'
    })
    const o: MetricsOutcome = {
      passed: true,
      jobs: [current],
      gate,
      comparisons,
      dispatch: undefined,
      baselineSeries: 'main',
      historyStore: 'sqlite',
      dryRun: false
    }
    const md = metricsMarkdown(o)
    expect(md).toContain('+4.80 (+33.8 %) 🔺 regression')
    expect(md).toMatch(
      /\| 🔺 regression \| skyprobe\.astrom_rms \[field_a · SIM\] \| 19\.00 marcsec \| 14\.20 marcsec \| .* \| 3 \|/
    )
    const slack = metricsSlackMessage(o)
    expect(slack?.text).toBe('⚠️ Metrics: 1 regression on main')
    expect(JSON.stringify(slack?.blocks)).toContain('(3 runs in a row)')
    await store.close()
  })
})

describe('the sticky PR comment', () => {
  it('starts with its hidden marker and stays under GitHub’s limit', async () => {
    const o = await outcome(job(40, 64.2))
    const body = metricsComment(o, 'nightly', {
      runUrl: 'https://github.com/o/r/actions/runs/1'
    })
    expect(body.startsWith(`${commentMarker('nightly')}\n### ❌`)).toBe(true)
    expect(commentMarker('a-->b')).toBe('<!-- stackci:metrics:ab -->')
    expect(body).toContain(
      'Updated by [this run](https://github.com/o/r/actions/runs/1)'
    )
    const many = {
      ...o,
      gate: o.gate && { ...o.gate, rows: Array(3000).fill(o.gate.rows[0]) }
    }
    expect(metricsComment(many, 'k').length).toBeLessThanOrEqual(COMMENT_LIMIT)
  })
})

describe('the Slack alert', () => {
  it('is only sent for excursions and regressions', async () => {
    expect(metricsSlackMessage(await outcome(job(40, 14.1)))).toBeUndefined()
    expect(
      metricsSlackMessage(await outcome(job(40, 40)), [
        'failures',
        'regressions'
      ])
    ).toBeUndefined()
  })

  it('lists the excursions in Block Kit within Slack’s limits, escaped, with links', async () => {
    const o = await outcome(job(40, 64.2, 'main', '<b>&night.verify.json'))
    const m = metricsSlackMessage(o)
    expect(m?.text).toBe('❌ Metrics: 1 failing, 2 warnings on main')
    const [header, section, context] = m?.blocks ?? []
    expect(header).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: m?.text, emoji: true }
    })
    const text = (section as { text: { text: string } }).text.text
    expect(text).toContain(
      '❌ *skyprobe.astrom_rms.minimum* (&lt;b&gt;&amp;night.verify.json): 64.20 marcsec, needs &lt;= 60.0 marcsec'
    )
    expect(text).toContain('⚠️ *skyprobe.astrom_rms.design*')
    expect(text.length).toBeLessThanOrEqual(3000)
    expect(JSON.stringify(context)).toContain(
      '<https://github.com/o/r/actions/runs/1|workflow run>'
    )
    expect(JSON.stringify(context)).toContain('commit abcdef0')
    expect(escapeMrkdwn('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d')
  })
})
