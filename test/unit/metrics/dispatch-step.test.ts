import { loadStackciConfig } from '../../../src/core/config.js'
import { InputError } from '../../../src/core/errors.js'
import { RecordingReporter } from '../../../src/core/index.js'
import {
  DEFAULT_BASELINE,
  dispatchMetricsInputsFromAction,
  dispatchMetricsInputsFromConfig,
  dispatchMetricsInputsFromFlags,
  dispatchMetricsSettings,
  maskInputs,
  metricsOverrides
} from '../../../src/metrics/index.js'

const thrown = (f: () => unknown): unknown => {
  try {
    f()
  } catch (error) {
    return error
  }
  return undefined
}

describe('the dispatch-metrics step: one reader over three sources', () => {
  it('an action input and its CLI flag give the same overrides', () => {
    const action = dispatchMetricsInputsFromAction({
      INPUT_GIT: 'https://github.com/org/stack.git#history',
      'INPUT_INFLUXDB-URL': 'http://127.0.0.1:8086',
      'INPUT_INFLUXDB-DATABASE': 'ci',
      'INPUT_BASELINE-SERIES': 'weekly',
      'INPUT_FAIL-TAGS': 'minimum, stretch',
      'INPUT_MIN-SAMPLES': '5',
      'INPUT_FAIL-ON-GATE': 'false'
    })
    const flags = dispatchMetricsInputsFromFlags({
      git: 'https://github.com/org/stack.git#history',
      influxdb: 'http://127.0.0.1:8086',
      influxdbDb: 'ci',
      baseline: 'weekly',
      failTags: ['minimum', 'stretch'],
      minSamples: '5',
      gate: false
    })
    const at = (p: string): string => `/w/${p}`
    expect(metricsOverrides(flags, at)).toEqual(metricsOverrides(action, at))
    expect(metricsOverrides(action, at)).toMatchObject({
      gitUrl: 'https://github.com/org/stack.git',
      gitBranch: 'history',
      influxdbUrl: 'http://127.0.0.1:8086',
      baselineSeries: 'weekly',
      failTags: ['minimum', 'stretch'],
      minSamples: 5
    })
    expect(action['fail-on-gate']).toBe(false)
    expect(flags['fail-on-gate']).toBe(false)
  })

  it('words a bad value the same way, naming the source', () => {
    const a = thrown(() =>
      dispatchMetricsInputsFromAction({ INPUT_REGRESSIONS: 'loud' })
    )
    const f = thrown(() =>
      dispatchMetricsInputsFromFlags({ regressions: 'loud' })
    )
    expect(a).toBeInstanceOf(InputError)
    expect((a as Error).message).toBe(
      `dispatch-metrics: input 'regressions' must be one of fail, warn, ignore, got "loud"`
    )
    expect((f as Error).message).toBe(
      '--regressions must be one of fail, warn, ignore, got "loud"'
    )
    expect(
      (thrown(() => dispatchMetricsInputsFromFlags({ window: '0' })) as Error)
        .message
    ).toBe('--window must be ≥ 1, got 0')
  })

  it('the git input is a git store; its token is the github-token input, masked', () => {
    const inputs = dispatchMetricsInputsFromAction({
      INPUT_GIT: 'https://github.com/org/stack.git',
      'INPUT_GITHUB-TOKEN': 'ghs_action_token'
    })
    const reporter = new RecordingReporter()
    maskInputs(inputs, reporter)
    reporter.info('token ghs_action_token')
    expect(reporter.text()).not.toContain('ghs_action_token')
    const settings = dispatchMetricsSettings(inputs, {
      env: {},
      workspace: '/w'
    })
    expect(settings.stores.git).toEqual({
      url: 'https://github.com/org/stack.git',
      branch: 'stackci-metrics',
      token: 'ghs_action_token',
      cacheDir: '/w/.stackci/git'
    })
    // GITHUB_TOKEN, when the job sets it, wins as for --git.
    expect(
      dispatchMetricsSettings(inputs, {
        env: { GITHUB_TOKEN: 'ghs_env' },
        workspace: '/w'
      }).stores.git?.token
    ).toBe('ghs_env')
  })

  it('a profile sets its series and regressions, and turns off what it leaves out', () => {
    const config = loadStackciConfig(
      [
        'version: 1',
        'slack:',
        '  channel: "#dm-builds"',
        'metrics:',
        '  stores:',
        '    sqlite: { path: m.sqlite }'
      ].join('\n'),
      '/repo/stackci.yml'
    )
    const quiet = dispatchMetricsInputsFromConfig(
      config,
      {
        series: 'weekly',
        regressions: 'fail',
        alerts: false,
        stores: ['influxdb']
      },
      { env: { SLACK_BOT_TOKEN: 'xoxb-1' } }
    )
    expect(quiet).toMatchObject({
      series: 'weekly',
      regressions: 'fail',
      comment: false,
      sqlite: false
    })
    expect(quiet['slack-channel']).toBeUndefined()
    const loud = dispatchMetricsInputsFromConfig(
      config,
      {},
      {
        env: { SLACK_BOT_TOKEN: 'xoxb-1' },
        slackThread: { channel: 'C1', ts: '1.2' },
        provenance: { 'image-digest': 'sha256:abc' }
      }
    )
    expect(loud).toMatchObject({
      'slack-channel': 'C1',
      'slack-token': 'xoxb-1',
      'slack-thread-ts': '1.2',
      'image-digest': 'sha256:abc',
      comment: true
    })
    expect(loud.sqlite).toBeUndefined()
  })

  it('the flags a CLI gives inside a project take the file as their defaults', () => {
    const config = loadStackciConfig(
      'version: 1\nmetrics:\n  spool: spool-here\n  gate:\n    regressions: fail\n',
      '/repo/stackci.yml'
    )
    const settings = dispatchMetricsSettings(
      dispatchMetricsInputsFromFlags({}),
      {
        env: {},
        workspace: '/elsewhere',
        config,
        defaultSqlite: true
      }
    )
    expect(settings.spool).toBe('/repo/spool-here')
    expect(settings.gate.regressions).toBe('fail')
    expect(settings.stores.sqlite?.path).toBe('/repo/.stackci/metrics.sqlite')
    expect(settings.baseline.minSamples).toBe(DEFAULT_BASELINE.minSamples)
  })
})
