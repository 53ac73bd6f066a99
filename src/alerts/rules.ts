/**
 * Alert rules as the evaluator uses them: the `alerts:` section of
 * stackci.yml resolved against the rest of the file (the series a profile
 * writes, the default Slack channel), with compiled selectors and silences.
 */

import type { AlertsSection } from '../core/alerts-schema.js'
import type { StackciConfig } from '../core/config.js'
import { globToRegExp } from '../core/glob.js'
import { parseDateCreated } from '../metrics/environment.js'
import type { SeriesKey } from '../metrics/record.js'

export type AlertKind = 'threshold' | 'regression' | 'deadman'
export type Severity = 'critical' | 'warning' | 'info'

/** A series key with the history series it belongs to. */
export interface WatchedKey extends SeriesKey {
  series: string
}

export interface AlertRule {
  name: string
  kind: AlertKind
  description?: string
  /** The history series watched. */
  series: string
  /** Does a series key fall under the rule's selector? */
  selects: (key: SeriesKey) => boolean
  /** threshold: the specification tags a failing spec must carry. */
  tags: string[]
  /** deadman: the age (ms) past which the newest point is too old. */
  afterMs: number
  per: 'key' | 'metric' | 'series'
  for: number
  severity: Severity
  routes: { slack?: string; githubIssue: boolean; labels: string[] }
}

export interface Silence {
  matches: (rule: string, key: string) => boolean
  /** Epoch ms. */
  until: number
  reason: string
  pattern: string
}

export interface AlertSettings {
  rules: AlertRule[]
  silences: Silence[]
  minIntervalMs: number
  /** GitHub issues go to this `owner/repo`. */
  repository?: string
}

function anyOf(
  patterns: readonly string[] | undefined
): (s: string) => boolean {
  if (patterns === undefined || patterns.length === 0) return () => true
  const res = patterns.map(globToRegExp)
  return (s) => res.some((re) => re.test(s))
}

/** `2026-12-24` (midnight UTC) or a date-time, as epoch ms. */
export function parseUntil(text: string, what: string): number {
  return parseDateCreated(/T/.test(text) ? text : `${text}T00:00:00Z`, what)
}

/** The rules, silences and guard of a validated `alerts:` section. */
export function resolveAlertSettings(
  section: AlertsSection,
  config: Pick<StackciConfig, 'profiles' | 'slack'>,
  defaults: { series: string; repository?: string }
): AlertSettings {
  const slack = section.slack?.channel ?? config.slack?.channel
  const rules = section.rules.map((r): AlertRule => {
    const profile =
      r.profile === undefined ? undefined : config.profiles?.[r.profile]
    const series =
      r.series ??
      (r.profile === undefined ? undefined : (profile?.series ?? r.profile)) ??
      section.series ??
      defaults.series
    const metric = anyOf(r.metrics)
    const dataset = anyOf(r.datasets)
    const routeSlack = r.routes?.slack ?? slack
    return {
      name: r.name,
      kind: r.kind,
      ...(r.description === undefined ? {} : { description: r.description }),
      series,
      selects: (k) => metric(k.metric) && dataset(k.dataset),
      tags: r.tags ?? ['minimum'],
      afterMs: r.after ?? 0,
      per: r.per ?? 'series',
      for: r.for ?? 1,
      severity: r.severity ?? 'warning',
      routes: {
        ...(routeSlack === undefined ? {} : { slack: routeSlack }),
        githubIssue: r.routes?.['github-issue'] ?? false,
        labels: r.routes?.labels ?? ['stackci-alert']
      }
    }
  })
  const silences = (section.silences ?? []).map((s, i): Silence => {
    const re = globToRegExp(s.alert)
    return {
      matches: (rule, key) => re.test(rule) || re.test(key),
      until: parseUntil(s.until, `alerts.silences[${i}].until`),
      reason: s.reason,
      pattern: s.alert
    }
  })
  const repository = section.github?.repository ?? defaults.repository
  return {
    rules,
    silences,
    minIntervalMs: section['min-interval'] ?? 0,
    ...(repository === undefined ? {} : { repository })
  }
}

/** The silence covering an alert at `now`, if any. */
export function activeSilence(
  silences: readonly Silence[],
  rule: string,
  key: string,
  now: number
): Silence | undefined {
  return silences.find((s) => now < s.until && s.matches(rule, key))
}
