/**
 * One evaluation pass — the single evaluator behind both doors
 * (`stackci alerts check` runs it once, `stackci alerts watch` in a loop):
 * observe every alert key, move each state, claim each change in the
 * store, and announce what this evaluator won. A failed announcement is
 * released, so the next pass tries it again; a claim lost to another
 * evaluator is theirs to announce.
 */

import type { Reporter } from '../core/reporter.js'
import { errorMessage } from '../core/errors.js'
import type { BaselineSettings } from '../metrics/history.js'
import type { AlertNotice } from '../notify/index.js'
import type { Definitions } from '../verify/index.js'
import { observe, type AlertObservation } from './evaluate.js'
import type { AlertNotifier } from './notifier.js'
import { activeSilence, type AlertRule, type AlertSettings } from './rules.js'
import type { AlertSource } from './source.js'
import {
  advance,
  initialState,
  type AlertState,
  type AlertStateStore,
  type AlertStatus
} from './state.js'

export interface AlertsPassDeps {
  source: AlertSource
  state: AlertStateStore
  notifier: AlertNotifier
  clock: { now(): number }
  reporter: Reporter
}

export interface AlertsPassInputs {
  settings: AlertSettings
  definitions?: Definitions
  baseline: BaselineSettings
}

export interface AlertChange {
  key: string
  subject: string
  from: AlertStatus
  to: AlertStatus
  /** The notification this evaluator sent for it. */
  announced?: 'firing' | 'resolved'
  /** The silence that kept it quiet. */
  silencedBy?: string
}

export interface AlertsPassResult {
  /** Epoch ms of the pass. */
  at: number
  /** Alert keys observed. */
  observed: number
  /** Alerts whose condition holds now. */
  active: number
  changes: AlertChange[]
  /** Alerts firing after the pass. */
  firing: { key: string; subject: string; since: number; summary: string }[]
  /** Alerts counting evaluations towards `for:`. */
  pending: { key: string; subject: string; count: number; for: number }[]
  /** Changes another evaluator claimed first. */
  lost: number
  /** Announcements that failed (retried next pass). */
  failed: { key: string; error: string }[]
}

function notice(
  rule: AlertRule,
  obs: AlertObservation,
  state: AlertState,
  store: string
): AlertNotice {
  return {
    rule: rule.name,
    key: obs.key,
    kind: rule.kind,
    severity: rule.severity,
    subject: obs.subject,
    summary: obs.summary,
    ...(rule.description === undefined
      ? {}
      : { description: rule.description }),
    since: state.firingSince ?? state.changedAt,
    store
  }
}

/** Claims in one batch where the store can. */
async function claimAll(
  state: AlertStateStore,
  changes: { prev: AlertState; next: AlertState }[]
): Promise<boolean[]> {
  if (changes.length === 0) return []
  if (state.claimAll !== undefined) return state.claimAll(changes)
  const out: boolean[] = []
  for (const c of changes) out.push(await state.claim(c.prev, c.next))
  return out
}

/** Runs one pass. Throws only when the store cannot be read or written. */
export async function runAlertsPass(
  inputs: AlertsPassInputs,
  deps: AlertsPassDeps
): Promise<AlertsPassResult> {
  const { settings } = inputs
  const now = deps.clock.now()
  const states = await deps.state.load()
  await deps.source.refresh?.()
  const observations = await observe(deps.source, {
    rules: settings.rules,
    ...(inputs.definitions === undefined
      ? {}
      : { definitions: inputs.definitions }),
    baseline: inputs.baseline,
    now
  })
  const rules = new Map(settings.rules.map((r) => [r.name, r]))
  // An alert its rule no longer selects (a key gone, a selector narrowed)
  // is over: it resolves instead of firing forever.
  const seen = new Set(observations.map((o) => o.key))
  for (const s of states.values())
    if (
      !seen.has(s.key) &&
      rules.has(s.rule) &&
      (s.status === 'firing' || s.status === 'pending')
    )
      observations.push({
        key: s.key,
        rule: s.rule,
        subject: s.key.slice(s.rule.length + 1),
        active: false,
        summary: 'no longer selected by its rule'
      })
  const result: AlertsPassResult = {
    at: now,
    observed: observations.length,
    active: 0,
    changes: [],
    firing: [],
    pending: [],
    lost: 0,
    failed: []
  }
  // Every state move first, then one batch of claims, then the
  // announcements of the claims this evaluator won.
  const planned = []
  for (const obs of observations) {
    if (obs.active) result.active++
    const stored = states.get(obs.key)
    // A key never stored that sees nothing stays ok: nothing to do.
    if (stored === undefined && !obs.active) continue
    const rule = rules.get(obs.rule) as AlertRule
    const prev = stored ?? initialState(obs.key, obs.rule)
    const silence = activeSilence(settings.silences, obs.rule, obs.key, now)
    const t = advance(prev, obs, {
      now,
      for: rule.for,
      minIntervalMs: settings.minIntervalMs,
      silenced: silence !== undefined
    })
    planned.push({ obs, rule, prev, silence, t })
  }
  const claimed = planned.flatMap((p) =>
    p.t === undefined ? [] : [{ prev: p.prev, next: p.t.next }]
  )
  const won = await claimAll(deps.state, claimed)
  let c = 0
  for (const { obs, rule, prev, silence, t } of planned) {
    let current = prev
    if (t !== undefined) {
      if (won[c++] !== true) {
        result.lost++
        continue
      }
      current = t.next
      const change: AlertChange = {
        key: obs.key,
        subject: obs.subject,
        from: prev.status,
        to: t.next.status,
        ...(silence === undefined
          ? {}
          : { silencedBy: `${silence.pattern} (${silence.reason})` })
      }
      if (t.announce !== undefined) {
        const n = notice(
          rule,
          obs,
          t.announce === 'resolved' ? prev : t.next,
          deps.source.label
        )
        try {
          const delivery =
            t.announce === 'firing'
              ? await deps.notifier.firing(n, rule, prev)
              : await deps.notifier.resolved(n, rule, prev, now)
          await deps.state.recordDelivery(obs.key, delivery)
          change.announced = t.announce
        } catch (error) {
          await deps.state.releaseAnnouncement(obs.key)
          result.failed.push({ key: obs.key, error: errorMessage(error) })
          deps.reporter.warning(
            `alert ${obs.key}: the ${t.announce} notification failed (tried again next pass): ${errorMessage(error)}`
          )
        }
      }
      if (change.from !== change.to || change.announced !== undefined)
        result.changes.push(change)
    }
    if (current.status === 'firing')
      result.firing.push({
        key: obs.key,
        subject: obs.subject,
        since: current.firingSince ?? current.changedAt,
        summary: obs.summary
      })
    else if (current.status === 'pending')
      result.pending.push({
        key: obs.key,
        subject: obs.subject,
        count: current.count,
        for: rule.for
      })
  }
  await deps.state.flush?.()
  return result
}
