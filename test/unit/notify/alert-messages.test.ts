import {
  alertFiringSlack,
  alertIssue,
  alertIssueMarker,
  alertResolvedComment,
  alertResolvedSlack,
  type AlertNotice
} from '../../../src/notify/index.js'

const notice: AlertNotice = {
  rule: 'pa1-minimum',
  key: 'pa1-minimum:validate_drp.PA1|HSC RC2|HSC|HSC-I@main',
  kind: 'threshold',
  severity: 'critical',
  subject: 'validate_drp.PA1 [HSC RC2 · HSC · HSC-I] on main',
  summary:
    '25.3 mmag on 2026-12-01 fails validate_drp.PA1.minimum (<= 20 mmag) & <more>',
  since: Date.UTC(2026, 11, 1, 6),
  store: 'sqlite .stackci/metrics.sqlite'
}

describe('standing alert messages', () => {
  it('says what fired, since when, with Slack mrkdwn escaped', () => {
    const m = alertFiringSlack(notice)
    expect(m.text).toBe(
      '🚨 validate_drp.PA1 [HSC RC2 · HSC · HSC-I] on main fails its specification'
    )
    expect(JSON.stringify(m.blocks)).toContain('&amp; &lt;more&gt;')
    expect(JSON.stringify(m.blocks)).toContain(
      'firing since 2026-12-01T06:00:00Z'
    )
  })

  it('says how long it lasted when it resolves', () => {
    const at = Date.UTC(2026, 11, 2, 8, 30)
    expect(
      alertResolvedSlack({ ...notice, summary: '18 mmag passes minimum' }, at)
        .text
    ).toBe(
      '✅ Resolved: validate_drp.PA1 [HSC RC2 · HSC · HSC-I] on main (pa1-minimum) after 26h30m: 18 mmag passes minimum'
    )
    expect(alertResolvedComment(notice, at)).toMatch(
      /^✅ Resolved at 2026-12-02T08:30:00Z after 26h30m: /
    )
  })

  it('ties the issue to its alert key and labels it with the severity', () => {
    const issue = alertIssue(notice, ['stackci-alert'])
    expect(issue.labels).toEqual(['stackci-alert', 'severity:critical'])
    expect(issue.body.endsWith(alertIssueMarker(notice.key))).toBe(true)
  })
})
