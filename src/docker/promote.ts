/**
 * Promotion: build once, test the image, then publish that same image
 * under its release tags and move the aliases (`w_latest`, `o_latest`, …)
 * to it, with no rebuild. The image is found locally or pulled (by tag or
 * digest), tagged, pushed, and checked to still be the same image id; every
 * alias move is reported with the digest it had before.
 */

import { DockerError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { engineCall, engineStatus, type DockerEngine } from './client.js'
import {
  pullImage,
  pushTags,
  remoteDigest,
  type PushOptions,
  type RegistryAuth
} from './registry.js'

export interface PromoteOptions extends PushOptions {
  /** The image to promote: a local name, an id, `repo:tag` or `repo@sha256:…`. */
  from: string
  /** Where to publish it. */
  repository: string
  tags: readonly string[]
  /** Push the tags (default true); false only tags locally. */
  push?: boolean
  auth?: RegistryAuth | undefined
}

export interface TagMove {
  tag: string
  /** The digest the tag had in the registry before, if any. */
  before?: string
  /** The digest it has now (pushed), if pushed. */
  after?: string
}

export interface PromoteResult {
  imageId: string
  digest?: string
  moves: TagMove[]
}

async function inspectId(
  engine: DockerEngine,
  ref: string,
  reporter: Reporter
): Promise<string | undefined> {
  try {
    const info = await engineCall(
      engine,
      `inspect ${ref}`,
      async () => engine.docker.getImage(ref).inspect(),
      reporter
    )
    return info.Id
  } catch (error) {
    if (engineStatus((error as { cause?: unknown }).cause) === 404)
      return undefined
    throw error
  }
}

/** Finds (or pulls) the image to promote; returns its id. */
export async function resolveImage(
  engine: DockerEngine,
  from: string,
  auth: RegistryAuth | undefined,
  reporter: Reporter
): Promise<string> {
  const local = await inspectId(engine, from, reporter)
  if (local !== undefined) return local
  const hint =
    'give promote-from as an image this engine built, or one its registry holds'
  try {
    await pullImage(engine, from, auth, reporter)
  } catch (error) {
    throw new DockerError(
      `image to promote ${from} is not local, and pulling it failed: ${(error as Error).message}`,
      { hint, cause: error }
    )
  }
  const pulled = await inspectId(engine, from, reporter)
  if (pulled === undefined)
    throw new DockerError(
      `image to promote ${from} is not there after pulling it`,
      { hint }
    )
  return pulled
}

/** Promotes an image; see the module comment. */
export async function promoteImage(
  engine: DockerEngine,
  options: PromoteOptions,
  reporter: Reporter
): Promise<PromoteResult> {
  const imageId = await resolveImage(
    engine,
    options.from,
    options.auth,
    reporter
  )
  reporter.info(`promoting ${options.from} (${imageId}) without rebuilding`)
  const push = options.push !== false
  const moves: TagMove[] = []
  for (const tag of options.tags) {
    const ref = `${options.repository}:${tag}`
    const move: TagMove = { tag }
    if (push) {
      try {
        const before = await remoteDigest(engine, ref, options.auth, reporter)
        if (before !== undefined) move.before = before
      } catch (error) {
        // Only the audit line needs it; the promotion goes on.
        reporter.warning(
          `could not read the current digest of ${ref}: ${String(error)}`
        )
      }
    }
    await engineCall(
      engine,
      `tag ${imageId} as ${ref}`,
      async (abortSignal) => {
        await engine.docker
          .getImage(imageId)
          .tag({ repo: options.repository, tag, abortSignal })
      },
      reporter
    )
    moves.push(move)
  }
  let digest: string | undefined
  if (push) {
    const pushed = await pushTags(
      engine,
      options.repository,
      options.tags,
      options.auth,
      reporter,
      options
    )
    for (const [i, p] of pushed.entries()) {
      const move = moves[i]
      if (move !== undefined) move.after = p.digest
    }
    digest = pushed[0]?.digest
  }
  // The promise of promotion: every tag is the very image that was tested.
  for (const tag of options.tags) {
    const id = await inspectId(engine, `${options.repository}:${tag}`, reporter)
    if (id !== imageId) {
      throw new DockerError(
        `${options.repository}:${tag} is ${id ?? 'missing'} after promotion, not ${imageId}`,
        { hint: 'another build tagged it at the same time; promote again' }
      )
    }
  }
  for (const m of moves) reporter.info(describeMove(m))
  return digest === undefined ? { imageId, moves } : { imageId, digest, moves }
}

/** `w_latest: sha256:aaa… → sha256:bbb…` and friends. */
export function describeMove(move: TagMove): string {
  const short = (d: string): string => d.replace(/^sha256:/, '').slice(0, 12)
  if (move.after === undefined) return `${move.tag}: tagged locally`
  if (move.before === undefined)
    return `${move.tag}: new → ${short(move.after)}`
  if (move.before === move.after)
    return `${move.tag}: unchanged (${short(move.after)})`
  return `${move.tag}: moved ${short(move.before)} → ${short(move.after)}`
}
