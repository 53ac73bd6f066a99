/**
 * The promote step, last: the candidate the stack-image step pushed
 * (`candidate-<run id>`, by its digest) copied to the release tag and its
 * aliases through the registry's HTTP API. It runs only when every earlier
 * step passed; on a red run it writes nothing and says where each tag stays.
 * In collect mode (no stack-image in this process) the candidate is found
 * by the run id, which every job of one workflow run shares.
 */

import { InputError } from '../core/errors.js'
import {
  currentDigests,
  describeMove,
  promoteImage,
  type TagMove
} from '../docker/promote.js'
import { registryAuth } from '../docker/registry-auth.js'
import { releaseTags } from '../docker/release-tags.js'
import { candidateTag, pushes } from './image-step.js'
import type { RunState, StepDone } from './state.js'

function auth(run: RunState): ReturnType<typeof registryAuth> {
  const registry = run.config.registry
  if (registry === undefined) return undefined
  const env = (name: string | undefined): string | undefined =>
    name === undefined ? undefined : run.env[name] || undefined
  return registryAuth(
    registry.repository,
    env(registry['username-env']),
    env(registry['password-env']),
    run.reporter
  )
}

/** The tags promotion writes: those the image step worked out, else the release's. */
function releaseTagsOf(run: RunState): string[] {
  if (run.image !== undefined) return run.image.release.tags
  const release = run.release
  if (release === undefined)
    throw new InputError('no release to promote to in this profile')
  const written = run.config.image?.['tag-template']
  return releaseTags({
    kind: release.kind,
    date: run.options.date,
    version: release.version,
    timeZone: run.config.image?.['time-zone'],
    templates: typeof written === 'string' ? [written] : written,
    ...(run.options.now === undefined ? {} : { now: run.options.now() })
  }).tags
}

/** `w_2026_49 stays absent, w_latest stays at sha256:…` */
export function describeHeld(moves: readonly TagMove[]): string {
  return moves
    .map((m) =>
      m.before === undefined
        ? `${m.tag} stays absent`
        : `${m.tag} stays at ${m.before}`
    )
    .join(', ')
}

export async function promoteStep(run: RunState): Promise<StepDone> {
  const registry = run.config.registry
  if (registry === undefined)
    return { status: 'skipped', detail: 'no registry: nothing to promote' }
  if (!pushes(run) && run.image === undefined)
    return { status: 'skipped', detail: 'push is off: nothing to promote' }
  if (run.image !== undefined && run.image.digest === undefined)
    return {
      status: 'skipped',
      detail: 'the image was not pushed (push is off): nothing to promote'
    }
  const repository = run.image?.repository ?? registry.repository
  const from =
    run.image?.digest === undefined
      ? `${repository}:${candidateTag(run.runId)}`
      : `${repository}@${run.image.digest}`
  const tags = releaseTagsOf(run)
  const result = await promoteImage(
    { from, repository, tags, auth: auth(run), signal: run.options.signal },
    run.reporter
  )
  run.moves = result.moves
  await run.reporter.summary(
    `### Promoted \`${from}\`\n\n${result.moves.map((m) => `- ${describeMove(m)}`).join('\n')}\n`
  )
  return {
    status: 'passed',
    detail: `${tags.join(', ')} → ${result.digest ?? '?'}`
  }
}

/** Why promote did not run, with where every release tag stays. */
export async function promoteHeldBack(
  run: RunState,
  why: string
): Promise<StepDone> {
  const registry = run.config.registry
  let held = ''
  if (registry !== undefined && pushes(run)) {
    try {
      const repository = run.image?.repository ?? registry.repository
      run.moves = await currentDigests(
        repository,
        releaseTagsOf(run),
        auth(run),
        run.reporter
      )
      held = `; nothing promoted: ${describeHeld(run.moves)}`
    } catch (error) {
      held = `; nothing promoted (the tags could not be read: ${String(error)})`
    }
  }
  return { status: 'skipped', detail: `not run: ${why}${held}` }
}
