/**
 * The run identifier: one id for one pipeline run, carried end to end — a
 * Jenkins build parameter, an image label, the metrics' `meta`, the Slack
 * thread and the check run's name — so any of them leads to the others.
 */

import { InputError } from '../core/errors.js'
import type { Env } from '../core/env.js'

/** Lower-case letters, digits, `.`, `_` and `-`; it names containers too. */
const RUN_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/

/** Checks an id given by hand (`--run-id`, the `run-id` input). */
export function checkRunId(id: string, what = 'run id'): string {
  const trimmed = id.trim()
  if (!RUN_ID.test(trimmed)) {
    throw new InputError(
      `${what} ${JSON.stringify(id)} is not usable: it names containers and Jenkins parameters`,
      {
        hint: 'use 1–63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit'
      }
    )
  }
  return trimmed
}

/**
 * The id of this run: the one given, else the workflow run and its attempt
 * (`gh-7012345678-1`: a re-run is a new run), else Jenkins' build tag, else
 * a new local one (`local-20261128t0215-3fa2`).
 */
export function pipelineRunId(
  env: Env,
  given?: string,
  now: Date = new Date()
): string {
  if (given !== undefined && given.trim() !== '') return checkRunId(given)
  const run = env.GITHUB_RUN_ID
  if (run !== undefined && /^\d+$/.test(run)) {
    const attempt = env.GITHUB_RUN_ATTEMPT ?? '1'
    return `gh-${run}-${/^\d+$/.test(attempt) ? attempt : '1'}`
  }
  const tag = env.BUILD_TAG
  if (tag !== undefined && tag.trim() !== '') {
    const safe = tag
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 63)
    if (RUN_ID.test(safe)) return safe
  }
  const stamp = now
    .toISOString()
    .slice(0, 16)
    .replace(/[-:]/g, '')
    .toLowerCase()
  // Told apart from another run in the same minute, not a secret: no need
  // to load node:crypto before the plan line.
  const salt = Math.floor(Math.random() * 0x10000)
  return `local-${stamp}-${salt.toString(16).padStart(4, '0')}`
}
