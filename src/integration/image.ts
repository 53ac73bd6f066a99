/**
 * The image datasets run in: found on the engine (or pulled, as `docker
 * run` does, unless told not to) before anything else happens, so an
 * unknown image is one clear error rather than one failure per dataset.
 */

import { InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import {
  engineCall,
  engineStatus,
  type DockerEngine
} from '../docker/client.js'
import { pullImage } from '../docker/registry.js'

export interface ImageInfo {
  /** As given. */
  ref: string
  /** `sha256:…`: the image configuration's digest. */
  id: string
  /** The registry's manifest digest, when the image came from one; else the id. */
  digest: string
  /** What runs when no command is given: ENTRYPOINT then CMD. */
  defaultArgv: string[]
}

async function inspect(
  engine: DockerEngine,
  ref: string,
  reporter: Reporter
): Promise<ImageInfo | undefined> {
  try {
    const info = await engineCall(
      engine,
      `inspect image ${ref}`,
      async () => engine.docker.getImage(ref).inspect(),
      reporter
    )
    // RepoDigests hold `repo@sha256:…`; prefer the one of this repository.
    const repo = ref.replace(/@.*$/, '').replace(/:[^/:]*$/, '')
    const digests = info.RepoDigests
    const mine =
      digests.find((d) => d.startsWith(`${repo}@`)) ?? digests[0] ?? undefined
    return {
      ref,
      id: info.Id,
      digest: mine === undefined ? info.Id : mine.slice(mine.indexOf('@') + 1),
      defaultArgv: [
        ...((info.Config.Entrypoint as string[] | null) ?? []),
        ...((info.Config.Cmd as string[] | null) ?? [])
      ]
    }
  } catch (error) {
    if (engineStatus((error as { cause?: unknown }).cause) === 404)
      return undefined
    throw error
  }
}

/** Finds the image, pulling it when missing and `pull` allows. */
export async function resolveRunImage(
  engine: DockerEngine,
  ref: string,
  pull: boolean,
  reporter: Reporter
): Promise<ImageInfo> {
  const hint =
    'build it first (stackci image build, the stack-image action), check the name and tag, or pull it from its registry'
  const local = await inspect(engine, ref, reporter)
  if (local !== undefined) return local
  if (!pull) {
    throw new InputError(
      `image ${ref} is not on the Docker engine at ${engine.host}`,
      { hint }
    )
  }
  try {
    await pullImage(engine, ref, undefined, reporter)
  } catch (error) {
    throw new InputError(
      `image ${ref} is not on the Docker engine at ${engine.host}, and pulling it failed: ${(error as Error).message}`,
      { hint, cause: error }
    )
  }
  const pulled = await inspect(engine, ref, reporter)
  if (pulled === undefined) {
    throw new InputError(`image ${ref} is not there after pulling it`, { hint })
  }
  return pulled
}
