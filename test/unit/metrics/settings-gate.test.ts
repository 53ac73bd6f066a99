import { join } from 'node:path'
import { ConfigError, loadStackciConfig } from '../../../src/core/index.js'
import {
  DEFAULT_SPOOL,
  evaluateGate,
  gateLevel,
  prepareJob,
  resolveMetricsSettings,
  type Comparison,
  type DispatchJob
} from '../../../src/metrics/index.js'
import { loadDefinitions, parseJob } from '../../../src/verify/index.js'
import { thrown } from '../../helpers/thrown.js'

const CONFIG = `version: 1
verify:
  definitions: stack
metrics:
  spool: state/spool
  stores:
    sqlite:
      path: state/metrics.sqlite
    influxdb:
      url: http://influx.example.org:8086
      database: ci
      retention-policy: one_year
      password-env: MY_INFLUX_PASSWORD
      tag-keys: [tract]
    squash:
      url: https://squash.example.org/
  gate:
    fail: [minimum]
    warn: [design, stretch]
    regressions: fail
  baseline:
    series: weekly
    consecutive: 2
    statistic: iqr
    accept:
      - metric: skyprobe.astrom_rms
        since: 2026-11-01
        reason: new astrometric reference catalogue
  notify:
    slack:
      channel: '#metrics'
      on: [failures, regressions]
`

describe('the metrics: section of stackci.yml', () => {
  it('loads, with paths relative to the file and credentials from the environment', () => {
    const config = loadStackciConfig(CONFIG, '/repo/stackci.yml')
    const s = resolveMetricsSettings(
      config.metrics,
      {},
      {
        INFLUXDB_USERNAME: 'writer',
        MY_INFLUX_PASSWORD: 'influx-secret',
        SQUASH_USER: 'ci',
        SQUASH_password: 'squash-secret',
        SLACK_BOT_TOKEN: 'xoxb-1'
      },
      '/repo',
      { definitions: 'stack' }
    )
    expect(s.definitions).toBe('/repo/stack')
    expect(s.spool).toBe('/repo/state/spool')
    expect(s.stores.sqlite).toEqual({ path: '/repo/state/metrics.sqlite' })
    expect(s.stores.influxdb).toEqual({
      url: 'http://influx.example.org:8086',
      database: 'ci',
      retentionPolicy: 'one_year',
      username: 'writer',
      password: 'influx-secret',
      // What a 401 tells the user to set: the names, never the values.
      credentialVars: {
        username: 'INFLUXDB_USERNAME',
        password: 'MY_INFLUX_PASSWORD'
      },
      tagKeys: ['tract']
    })
    // dispatch_verify's lower-case SQUASH_password is accepted.
    expect(s.stores.squash).toEqual({
      url: 'https://squash.example.org/',
      user: 'ci',
      password: 'squash-secret'
    })
    expect(s.gate).toEqual({
      fail: ['minimum'],
      warn: ['design', 'stretch'],
      regressions: 'fail'
    })
    expect(s.baseline).toMatchObject({
      series: 'weekly',
      consecutive: 2,
      statistic: 'iqr',
      window: 30
    })
    expect(s.baseline.acceptances).toEqual([
      {
        metric: 'skyprobe.astrom_rms',
        dataset: '',
        instrument: '',
        filter: '',
        series: '',
        since: Date.UTC(2026, 10, 1),
        reason: 'new astrometric reference catalogue'
      }
    ])
    expect(s.slack).toEqual({
      channel: '#metrics',
      token: 'xoxb-1',
      on: ['failures', 'regressions']
    })
  })

  it('reports every problem with its line, and never wants a credential in the file', () => {
    const bad = `version: 1
metrics:
  stores:
    influxdb:
      url: not a url
      database: ci
      password: hunter2
    sqlite: {}
  gate:
    regressions: sometimes
  baseline:
    consecutive: 0
    accept:
      - metric: x.y
        since: last tuesday
        reason: because
`
    const error = thrown(() =>
      loadStackciConfig(bad, 'stackci.yml')
    ) as ConfigError
    const text = error.describe()
    expect(text).toMatch(
      /stackci\.yml:5:\d+ \(metrics\.stores\.influxdb\.url\)/
    )
    expect(text).toMatch(
      /stackci\.yml:7:\d+ \(metrics\.stores\.influxdb\.password\): unknown key "password"/
    )
    expect(text).toMatch(
      /metrics\.stores\.sqlite\.path\).*missing required key/
    )
    expect(text).toMatch(/stackci\.yml:10:\d+ \(metrics\.gate\.regressions\)/)
    expect(text).toMatch(
      /stackci\.yml:12:\d+ \(metrics\.baseline\.consecutive\): must be ≥ 1/
    )
    expect(text).toMatch(
      /stackci\.yml:15:\d+ \(metrics\.baseline\.accept\[0\]\.since\)/
    )
    expect(error.problems).toHaveLength(6)
  })

  it('names every missing credential at once', () => {
    const config = loadStackciConfig(CONFIG, '/repo/stackci.yml')
    const error = thrown(() =>
      resolveMetricsSettings(config.metrics, {}, {}, '/repo')
    ) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.describe()).toContain('SQUASH_USER')
    expect(error.describe()).toContain('SQUASH_PASSWORD')
    expect(error.describe()).toContain('SLACK_BOT_TOKEN')
  })

  it('defaults: sqlite only when asked (the CLI), the spool, the gate tags, the comment on PRs', () => {
    const s = resolveMetricsSettings(
      undefined,
      {},
      {
        GITHUB_TOKEN: 't',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_REF: 'refs/pull/7/merge'
      },
      '/w',
      {
        defaultSqlite: true
      }
    )
    expect(s.stores).toEqual({ sqlite: { path: '/w/.stackci/metrics.sqlite' } })
    expect(s.spool).toBe(join('/w', DEFAULT_SPOOL))
    expect(s.gate).toEqual({
      fail: ['minimum'],
      warn: ['design'],
      regressions: 'warn'
    })
    expect(s.comment).toEqual({
      token: 't',
      repository: 'o/r',
      issue: 7,
      key: 'dispatch-metrics'
    })
    const none = resolveMetricsSettings(
      undefined,
      { sqlite: false, spool: false, prComment: false },
      {},
      '/w',
      { defaultSqlite: true }
    )
    expect(none.stores).toEqual({})
    expect(none.spool).toBeUndefined()
    expect(none.comment).toBeUndefined()
  })
})

describe('the gate', () => {
  it('takes the level from the spec tags: fail wins over warn', () => {
    const g = {
      fail: ['minimum'],
      warn: ['design'],
      regressions: 'warn' as const
    }
    expect(gateLevel(['minimum', 'design'], g)).toBe('fail')
    expect(gateLevel(['design'], g)).toBe('warn')
    expect(gateLevel(['stretch'], g)).toBe('info')
  })

  it('fails on fail-level specs, warns on warn-level ones, and gates regressions as configured', async () => {
    const defs = await loadDefinitions(join(process.cwd(), 'examples', 'stack'))
    const job = (astrom: number): DispatchJob =>
      prepareJob(
        parseJob(
          JSON.stringify({
            measurements: [
              {
                metric: 'skyprobe.astrom_rms',
                identifier: 'a',
                value: astrom,
                unit: 'marcsec'
              }
            ],
            meta: { dataset_name: 'field_a' }
          }),
          `astrom-${astrom}.verify.json`
        ),
        `astrom-${astrom}.verify.json`,
        defs,
        { env: {} }
      )
    const settings = {
      fail: ['minimum'],
      warn: ['design'],
      regressions: 'warn' as const
    }
    // 20 passes everything but stretch (15): informational only.
    expect(evaluateGate([job(20)], defs, [], settings)).toMatchObject({
      passed: true,
      failures: [],
      warnings: []
    })
    // 40 fails design (30) and field_a_design (25): warnings, still passing.
    const warned = evaluateGate([job(40)], defs, [], settings)
    expect(warned.passed).toBe(true)
    expect(warned.warnings.map((r) => r.result.spec.name).sort()).toEqual([
      'skyprobe.astrom_rms.design',
      'skyprobe.astrom_rms.field_a_design'
    ])
    // 70 fails minimum (60).
    const failed = evaluateGate([job(70)], defs, [], settings)
    expect(failed.passed).toBe(false)
    expect(failed.reasons).toEqual(['1 specification(s) tagged minimum failed'])
    // No fail tags: nothing fails the gate.
    expect(
      evaluateGate([job(70)], defs, [], { ...settings, fail: [] }).passed
    ).toBe(true)
    const d = job(20)
    const regression = {
      jobId: d.id,
      metric: 'skyprobe.astrom_rms',
      verdict: 'regression'
    } as Comparison
    expect(evaluateGate([d], defs, [regression], settings).passed).toBe(true)
    expect(
      evaluateGate([d], defs, [regression], {
        ...settings,
        regressions: 'fail'
      })
    ).toMatchObject({
      passed: false,
      reasons: [
        expect.stringMatching(/^1 regression\(s\): skyprobe.astrom_rms/)
      ]
    })
    expect(
      evaluateGate([d], defs, [regression], settings).rows[0]?.comparison
    ).toBe(regression)
  })
})
