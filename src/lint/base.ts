/**
 * What a pull request is compared with in changed-lines mode: an explicit
 * base ref, else the event's base (GitHub pull_request / merge_group events,
 * a Jenkins multibranch change request), else nothing — a push, a schedule
 * or a laptop run reports every finding.
 */

import { readFile } from 'node:fs/promises'
import type { Env } from '../core/env.js'
import { InputError } from '../core/errors.js'

export interface BaseChoice {
  /** A commit-ish to diff against, or undefined: report everything. */
  base?: string
  /** Why, for the log and the summary. */
  reason: string
}

interface EventPayload {
  pull_request?: { base?: { sha?: unknown; ref?: unknown } }
  merge_group?: { base_sha?: unknown }
}

async function readEvent(path: string): Promise<EventPayload> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as EventPayload
  } catch (error) {
    throw new InputError(
      `cannot read the event payload ${path}: ${(error as Error).message}`,
      {
        hint: 'GITHUB_EVENT_PATH must name the runner’s event JSON file'
      }
    )
  }
}

/** Picks the base (see the module comment). */
export async function resolveBase(
  explicit: string | undefined,
  env: Env
): Promise<BaseChoice> {
  if (explicit !== undefined && explicit !== '') {
    return { base: explicit, reason: `compared with ${explicit}` }
  }
  const event = env.GITHUB_EVENT_NAME
  if (event !== undefined && /^pull_request/.test(event)) {
    const payload =
      env.GITHUB_EVENT_PATH === undefined
        ? {}
        : await readEvent(env.GITHUB_EVENT_PATH)
    const sha = payload.pull_request?.base?.sha
    if (typeof sha === 'string' && sha !== '') {
      return {
        base: sha,
        reason: `a ${event} event: compared with its base ${sha.slice(0, 12)}`
      }
    }
    const ref = env.GITHUB_BASE_REF
    if (ref !== undefined && ref !== '') {
      return {
        base: `origin/${ref}`,
        reason: `a ${event} event: compared with origin/${ref}`
      }
    }
  }
  if (event === 'merge_group') {
    const payload =
      env.GITHUB_EVENT_PATH === undefined
        ? {}
        : await readEvent(env.GITHUB_EVENT_PATH)
    const sha = payload.merge_group?.base_sha
    if (typeof sha === 'string' && sha !== '') {
      return {
        base: sha,
        reason: `a merge_group event: compared with ${sha.slice(0, 12)}`
      }
    }
  }
  const target = env.CHANGE_TARGET
  if (target !== undefined && target !== '') {
    return {
      base: `origin/${target}`,
      reason: `a Jenkins change request: compared with origin/${target}`
    }
  }
  return {
    reason:
      event === undefined
        ? 'no base ref and no pull request: every finding is reported'
        : `a ${event} event has no base: every finding is reported`
  }
}
