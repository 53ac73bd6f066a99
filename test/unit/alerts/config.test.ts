import { loadStackciConfig } from '../../../src/core/config.js'
import { ConfigError } from '../../../src/core/errors.js'
import { resolveAlertSettings } from '../../../src/alerts/index.js'
import { thrown } from '../../helpers/thrown.js'

describe('alerts: in stackci.yml', () => {
  it('takes a list of rules, or a mapping with rules and shared settings', () => {
    const list = loadStackciConfig(
      'version: 1\nalerts:\n  - { name: weekly-deadman, kind: deadman, profile: weekly, after: 8d }\n',
      'stackci.yml'
    )
    expect(list.alerts?.rules[0]?.after).toBe(8 * 86_400_000)
    const mapping = loadStackciConfig(
      `version: 1
slack: { channel: '#dm-builds' }
profiles:
  weekly: { steps: [dispatch-metrics], series: w, alerts: true }
alerts:
  min-interval: 2h
  rules:
    - name: pa1
      kind: threshold
      metrics: ['validate_drp.PA1*']
      for: 3
      routes: { github-issue: true }
    - { name: weekly-deadman, kind: deadman, profile: weekly, after: 8d }
  silences:
    - { alert: 'pa1*', until: 2026-12-24, reason: known }
`,
      'stackci.yml'
    )
    expect(mapping.profiles?.weekly?.alerts).toBe(true)
    const settings = resolveAlertSettings(mapping.alerts!, mapping, {
      series: 'main'
    })
    expect(settings.minIntervalMs).toBe(2 * 3_600_000)
    expect(
      settings.rules.map((r) => [r.name, r.series, r.for, r.routes.slack])
    ).toEqual([
      ['pa1', 'main', 3, '#dm-builds'],
      ['weekly-deadman', 'w', 1, '#dm-builds']
    ])
    const pa1 = settings.rules[0]!
    expect(
      pa1.selects({
        metric: 'validate_drp.PA1',
        dataset: '',
        instrument: '',
        filter: ''
      })
    ).toBe(true)
    expect(
      pa1.selects({
        metric: 'validate_drp.AM1',
        dataset: '',
        instrument: '',
        filter: ''
      })
    ).toBe(false)
    expect(settings.silences[0]?.until).toBe(Date.UTC(2026, 11, 24))
  })

  it('reports every problem at once with its line', () => {
    const e = thrown(() =>
      loadStackciConfig(
        `version: 1
alerts:
  rules:
    - { name: a, kind: deadman }
    - { name: a, kind: treshold }
`,
        'stackci.yml'
      )
    )
    expect(e).toBeInstanceOf(ConfigError)
    const text = (e as ConfigError).problems.map(
      (p) => `${p.where.line}: ${p.message}`
    )
    expect(text).toEqual([
      '5: must be one of "threshold", "regression", "deadman", got string "treshold"'
    ])
    const second = thrown(() =>
      loadStackciConfig(
        'version: 1\nalerts:\n  rules:\n    - { name: a, kind: deadman }\n    - { name: a, kind: threshold }\n',
        'stackci.yml'
      )
    ) as ConfigError
    expect(second.problems.map((p) => `${p.where.line}: ${p.message}`)).toEqual(
      ['4: deadman rule a needs after:', '5: rule a is defined twice']
    )
  })
})
