/**
 * The top-level `alerts:` section of `stackci.yml`: standing rules over the
 * metric store, evaluated outside any run (`stackci alerts check|watch`).
 * It is a different key from a profile's `alerts: true`, which switches the
 * dispatch-time Slack alert of a run and keeps its meaning.
 *
 * Two shapes are accepted: a list of rules, or a mapping with `rules:` and
 * the settings every rule shares (routes, silences, the flapping guard).
 */

import {
  array,
  boolean,
  duration,
  isPlainObject,
  listOrOne,
  literal,
  number,
  object,
  optional,
  required,
  string
} from './schema.js'
import type { Infer, Schema } from './schema.js'

const nonEmpty = string({ nonEmpty: true })
const globs = listOrOne(nonEmpty)

/** Where a rule's notifications go. */
export const alertRoutesSchema = object({
  /** A Slack channel (default alerts.slack, else slack.channel). */
  slack: optional(nonEmpty),
  /** Open a GitHub issue on firing, close it on resolve (default false). */
  'github-issue': optional(boolean()),
  /** Labels of the issue (default [stackci-alert]; the severity is added). */
  labels: optional(globs)
})

/** One standing rule. */
export const alertRuleSchema = object({
  /** Unique; the first part of every alert key of the rule. */
  name: required(
    string({
      pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
      patternHint: 'letters, digits, `.`, `_` and `-`, like pa1-minimum'
    })
  ),
  kind: required(literal('threshold', 'regression', 'deadman')),
  description: optional(string()),
  /** Metric globs (default every metric). */
  metrics: optional(globs),
  /** Dataset globs (default every dataset). */
  datasets: optional(globs),
  /** The history series watched (default alerts.series). */
  series: optional(nonEmpty),
  /** A profile whose series is watched (its `series:`, else its name). */
  profile: optional(nonEmpty),
  /** threshold: specifications carrying all these tags (default [minimum]). */
  tags: optional(globs),
  /** deadman: alert when the newest point is older than this (e.g. 8d). */
  after: optional(duration()),
  /** deadman: one alert per series key, per metric, or for the whole series. */
  per: optional(literal('key', 'metric', 'series')),
  /** Consecutive evaluations with the condition before firing (default 1). */
  for: optional(number({ integer: true, min: 1, max: 1000 })),
  severity: optional(literal('critical', 'warning', 'info')),
  routes: optional(alertRoutesSchema)
})

/** A silence: matching alerts change state but notify nobody until `until`. */
export const alertSilenceSchema = object({
  /** A glob over rule names and alert keys (`pa1-*`). */
  alert: required(nonEmpty),
  until: required(
    string({
      pattern: /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/,
      patternHint: 'a date (2026-12-24) or date-time (2026-12-24T06:00:00Z)'
    })
  ),
  reason: required(nonEmpty)
})

const alertsMapping = object({
  rules: required(array(alertRuleSchema)),
  /** The default history series of the rules (default metrics.baseline.series). */
  series: optional(nonEmpty),
  /** The flapping guard: no firing↔resolved change sooner than this after the last. */
  'min-interval': optional(duration()),
  slack: optional(
    object({ channel: required(nonEmpty), 'token-env': optional(nonEmpty) })
  ),
  github: optional(
    object({
      /** `owner/repo` (default GITHUB_REPOSITORY). */
      repository: optional(
        string({ pattern: /^[^/\s]+\/[^/\s]+$/, patternHint: 'owner/repo' })
      ),
      'token-env': optional(nonEmpty)
    })
  ),
  silences: optional(array(alertSilenceSchema))
})

export type AlertsSection = Infer<typeof alertsMapping>
export type AlertRuleSection = Infer<typeof alertRuleSchema>

/** `alerts:` as a list of rules or a mapping, always read as the mapping. */
export const alertsSectionSchema: Schema<AlertsSection> = {
  description: 'a list of alert rules, or a mapping with rules:',
  validate(value, path, ctx) {
    const list = Array.isArray(value) || !isPlainObject(value)
    const section: AlertsSection | undefined = list
      ? (() => {
          const rules = array(alertRuleSchema).validate(value, path, ctx)
          return rules === undefined ? undefined : { rules }
        })()
      : alertsMapping.validate(value, path, ctx)
    if (section === undefined) return undefined
    const seen = new Set<string>()
    section.rules.forEach((rule, i) => {
      const at = list ? [...path, i] : [...path, 'rules', i]
      if (seen.has(rule.name))
        ctx.report({
          path: [...at, 'name'],
          message: `rule ${rule.name} is defined twice`,
          hint: 'rule names key the alert state: make them unique'
        })
      seen.add(rule.name)
      if (rule.kind === 'deadman' && rule.after === undefined)
        ctx.report({
          path: at,
          message: `deadman rule ${rule.name} needs after:`,
          hint: 'say how old the newest point may get, like after: 8d'
        })
    })
    return section
  }
}
