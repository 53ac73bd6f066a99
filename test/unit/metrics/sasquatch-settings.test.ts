import {
  ConfigError,
  RecordingReporter,
  loadStackciConfig
} from '../../../src/core/index.js'
import { settingsFrom } from '../../../src/cli/metrics-options.js'
import {
  DEFAULT_NAMESPACE,
  resolveMetricsSettings
} from '../../../src/metrics/index.js'
import {
  dispatchMetricsInputsFromAction,
  maskInputs,
  metricsOverrides
} from '../../../src/metrics/step.js'
import { thrown } from '../../helpers/thrown.js'

const config = (store: string): string => `version: 1
metrics:
  stores:
    sasquatch:
${store
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
`

describe('the sasquatch store in stackci.yml and on the command line', () => {
  it('reads url, namespace, dataset and the token from the variable token-env names', () => {
    const c = loadStackciConfig(
      config(
        'url: https://data.example.org/sasquatch-rest-proxy\nnamespace: lsst.verify.drp\ndataset: HSC/RC2/Nightly\ntoken-env: MY_SASQUATCH_TOKEN\ntimeout: 2m'
      ),
      '/repo/stackci.yml'
    )
    const s = resolveMetricsSettings(
      c.metrics,
      {},
      { MY_SASQUATCH_TOKEN: 'gt-secret' },
      '/repo'
    )
    expect(s.stores.sasquatch).toEqual({
      url: 'https://data.example.org/sasquatch-rest-proxy',
      namespace: 'lsst.verify.drp',
      dataset: 'HSC/RC2/Nightly',
      token: 'gt-secret',
      timeoutMs: 120_000
    })
  })

  it('needs the variable token-env names; SASQUATCH_TOKEN is optional', () => {
    const named = loadStackciConfig(
      config('url: https://data.example.org/proxy\ntoken-env: MY_TOKEN'),
      '/repo/stackci.yml'
    )
    const error = thrown(() =>
      resolveMetricsSettings(named.metrics, {}, {}, '/repo')
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).describe()).toMatch(
      /the sasquatch store: environment variable MY_TOKEN is not set/
    )
    const plain = loadStackciConfig(
      config('url: https://data.example.org/proxy'),
      '/repo/stackci.yml'
    )
    expect(
      resolveMetricsSettings(plain.metrics, {}, {}, '/repo').stores.sasquatch
    ).toEqual({
      url: 'https://data.example.org/proxy',
      namespace: DEFAULT_NAMESPACE
    })
    expect(
      resolveMetricsSettings(
        plain.metrics,
        {},
        { SASQUATCH_TOKEN: 'gt-1' },
        '/repo'
      ).stores.sasquatch?.token
    ).toBe('gt-1')
  })

  it('refuses a namespace Avro cannot carry, saying what one looks like', () => {
    const error = thrown(() =>
      loadStackciConfig(
        config(
          'url: https://data.example.org/proxy\nnamespace: lsst.verify-drp'
        ),
        '/repo/stackci.yml'
      )
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).describe()).toMatch(/lsst\.verify\.drp/)
  })

  it('--sasquatch, --sasquatch-namespace and --sasquatch-dataset override the file', () => {
    const c = loadStackciConfig(
      config('url: https://data.example.org/proxy\nnamespace: lsst.dm'),
      '/repo/stackci.yml'
    )
    const s = settingsFrom(
      {
        sasquatch: 'http://127.0.0.1:8082',
        sasquatchNamespace: 'lsst.debug',
        sasquatchDataset: 'ci_example'
      },
      c,
      { SASQUATCH_TOKEN: 'gt-2' }
    )
    expect(s.stores.sasquatch).toEqual({
      url: 'http://127.0.0.1:8082',
      namespace: 'lsst.debug',
      dataset: 'ci_example',
      token: 'gt-2'
    })
  })

  it('the dispatch-metrics action reads sasquatch-* inputs, the token masked', () => {
    const reporter = new RecordingReporter()
    const inputs = dispatchMetricsInputsFromAction({
      'INPUT_SASQUATCH-URL': 'https://data.example.org/proxy',
      'INPUT_SASQUATCH-NAMESPACE': 'lsst.verify.drp',
      'INPUT_SASQUATCH-DATASET': 'HSC/RC2/Nightly',
      'INPUT_SASQUATCH-TOKEN': 'gt-action-secret'
    })
    maskInputs(inputs, reporter)
    const overrides = metricsOverrides(inputs, (p) => p)
    expect(overrides).toMatchObject({
      sasquatchUrl: 'https://data.example.org/proxy',
      sasquatchNamespace: 'lsst.verify.drp',
      sasquatchDataset: 'HSC/RC2/Nightly',
      sasquatchToken: 'gt-action-secret'
    })
    reporter.info('token gt-action-secret')
    expect(reporter.text()).not.toContain('gt-action-secret')
    expect(
      resolveMetricsSettings(undefined, overrides, {}, '/w').stores.sasquatch
    ).toEqual({
      url: 'https://data.example.org/proxy',
      namespace: 'lsst.verify.drp',
      dataset: 'HSC/RC2/Nightly',
      token: 'gt-action-secret'
    })
  })
})
