/**
 * The stack-image step: work out the release tags, then either build the
 * image (labelled with its provenance) and optionally push it, or promote
 * an image that was already built and tested. Used by the stack-image
 * action and by `stackci image build|promote`.
 */

import { InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { buildImage } from './build.js'
import { checkEngine, type DockerEngine } from './client.js'
import { imageLabels, readProvenance } from './labels.js'
import { promoteImage, type TagMove } from './promote.js'
import {
  checkRegistryAuth,
  checkRepository,
  pushTags,
  registryAuth
} from './registry.js'
import {
  releaseTags,
  type ReleaseTagRequest,
  type ReleaseTags
} from './release-tags.js'

/** The local repository name when no registry is given. */
export const LOCAL_REPOSITORY = 'stackci/stack'

export interface StackImageOptions {
  release: ReleaseTagRequest
  context: string
  dockerfile?: string | undefined
  /** `host[:port]/path`: where the image goes; local name when absent. */
  registry?: string | undefined
  username?: string | undefined
  password?: string | undefined
  buildArgs?: Readonly<Record<string, string>> | undefined
  labels?: Readonly<Record<string, string>> | undefined
  target?: string | undefined
  noCache?: boolean | undefined
  push: boolean
  /** Promote this image instead of building. */
  promoteFrom?: string | undefined
  /**
   * Build and push under this tag only (a candidate, `candidate-<run id>`):
   * the release tags are worked out, recorded, and left for promotion.
   */
  candidateTag?: string | undefined
  /** The repository without a registry (default {@link LOCAL_REPOSITORY}). */
  localRepository?: string | undefined
  timeoutMs?: number | undefined
  /** The environment provenance is read from (GitHub, Jenkins). */
  env?: Readonly<Record<string, string | undefined>> | undefined
  signal?: AbortSignal | undefined
}

export interface StackImageResult {
  /** The primary reference, `repository:tag`. */
  image: string
  repository: string
  /** Every full reference applied. */
  tags: string[]
  imageId: string
  /** The pushed manifest digest; undefined when nothing was pushed. */
  digest?: string
  release: ReleaseTags
  pushed: boolean
  promotedFrom?: string
  moves?: TagMove[]
  /** The candidate tag the image was pushed under, when it was one. */
  candidate?: string
}

/** Runs the step; see the module comment. */
export async function runStackImage(
  engine: DockerEngine,
  options: StackImageOptions,
  reporter: Reporter
): Promise<StackImageResult> {
  // Mask first: the password and its encodings, before anything is logged.
  const repository =
    options.registry === undefined
      ? (options.localRepository ?? LOCAL_REPOSITORY)
      : checkRepository(options.registry, 'registry')
  const auth = registryAuth(
    repository,
    options.username,
    options.password,
    reporter
  )
  if (options.push && options.registry === undefined) {
    throw new InputError('push is on but no registry was given', {
      hint: 'give registry as host/path (e.g. ghcr.io/lsst/scipipe), or turn push off'
    })
  }
  const release = await reporter.group('Release tags', async () => {
    const tags = releaseTags(options.release)
    reporter.info(
      `${tags.kind} ${tags.git ?? tags.tag} (${tags.date} ${tags.timeZone}): ${tags.tags.join(', ')}`
    )
    return Promise.resolve(tags)
  })
  const candidate = options.candidateTag
  const applied = candidate === undefined ? release.tags : [candidate]
  const refs = applied.map((t) => `${repository}:${t}`)
  const common = {
    image: `${repository}:${applied[0] ?? release.tag}`,
    repository,
    tags: refs,
    release,
    pushed: options.push,
    ...(candidate === undefined ? {} : { candidate })
  }
  if (options.promoteFrom !== undefined) {
    // Through the registry's API: no engine needed.
    const from = options.promoteFrom
    const promoted = await reporter.group(`Promote ${from}`, async () =>
      promoteImage(
        {
          from,
          repository,
          tags: release.tags,
          push: options.push,
          auth,
          signal: options.signal
        },
        reporter
      )
    )
    return {
      ...common,
      imageId: promoted.imageId,
      ...(promoted.digest === undefined ? {} : { digest: promoted.digest }),
      promotedFrom: from,
      moves: promoted.moves
    }
  }
  await checkEngine(engine, reporter)
  if (auth !== undefined && options.push) {
    await reporter.group('Registry login', async () => {
      await checkRegistryAuth(engine, auth, reporter)
    })
  }
  const labels = imageLabels({
    provenance: readProvenance(options.env ?? process.env),
    release,
    repository,
    created: new Date(),
    extra: options.labels
  })
  const built = await reporter.group(`Build ${common.image}`, async () =>
    buildImage(
      engine,
      {
        context: options.context,
        dockerfile: options.dockerfile,
        tags: refs,
        buildArgs: options.buildArgs,
        labels,
        target: options.target,
        noCache: options.noCache,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        registryConfig: auth?.config
      },
      reporter
    )
  )
  if (!options.push) return { ...common, imageId: built.imageId }
  const pushed = await reporter.group(`Push ${repository}`, async () =>
    pushTags(engine, repository, applied, auth, reporter, {
      ...(options.signal === undefined ? {} : { signal: options.signal })
    })
  )
  const digest = pushed[0]?.digest
  return {
    ...common,
    imageId: built.imageId,
    ...(digest === undefined ? {} : { digest })
  }
}
