/**
 * Promotion: build once, test the image, then publish that same image
 * under its release tags and move the aliases (`w_latest`, `o_latest`, …)
 * to it — by digest, through the registry's HTTP API. The manifest (or the
 * whole index of a multi-platform image) is written byte for byte under
 * each tag; into another repository of the same registry its blobs and
 * platform manifests are mounted first. No engine pulls or pushes, so
 * nothing is flattened to the runner's platform and nothing is rebuilt.
 * Every alias move is reported with the digest it had before.
 */

import { DockerError, InputError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import {
  isIndex,
  parseRegistryRef,
  RegistryApi,
  type Manifest
} from './registry-api.js'
import { registryOf, type RegistryAuth } from './registry-auth.js'
import { describeMove, type TagMove } from './tag-moves.js'

export { describeMove, type TagMove } from './tag-moves.js'

export interface PromoteOptions {
  /** The image to promote, in a registry: `host/path:tag` or `host/path@sha256:…`. */
  from: string
  /** Where to publish it: `host/path`, on the same registry. */
  repository: string
  tags: readonly string[]
  /** Write the tags (default true); false only reports what would move. */
  push?: boolean
  auth?: RegistryAuth | undefined
  signal?: AbortSignal | undefined
}

export interface PromoteResult {
  /** The image's config digest (its id); the index digest for an index. */
  imageId: string
  digest?: string
  moves: TagMove[]
  /** `linux/amd64`, … of an index; one entry-less list for a single image. */
  platforms: string[]
}

/** A client of the registry `repository` lives on, with `auth`. */
export function registryApiFor(
  repository: string,
  auth: RegistryAuth | undefined,
  reporter: Reporter,
  signal?: AbortSignal
): RegistryApi {
  return new RegistryApi(registryOf(repository), {
    credentials:
      auth === undefined
        ? undefined
        : { username: auth.username, password: auth.password },
    reporter,
    signal
  })
}

const pathOf = (repository: string): string =>
  repository.slice(registryOf(repository).length + 1)

/** Makes `manifest` (and, for an index, every platform's) whole in `to`. */
async function copyContent(
  api: RegistryApi,
  manifest: Manifest,
  from: string,
  to: string
): Promise<void> {
  if (from === to) return
  if (isIndex(manifest)) {
    for (const child of manifest.json.manifests ?? []) {
      const inner = await api.getManifest(from, child.digest)
      if (inner === undefined)
        throw new DockerError(`${from}@${child.digest} is missing`, {
          hint: 'the index names a platform manifest its repository lacks'
        })
      await copyContent(api, inner, from, to)
      await api.putManifest(to, child.digest, inner)
    }
    return
  }
  const blobs = [manifest.json.config, ...(manifest.json.layers ?? [])]
  for (const blob of blobs)
    if (blob !== undefined) await api.mountBlob(to, blob.digest, from)
}

/** Promotes an image; see the module comment. */
export async function promoteImage(
  options: PromoteOptions,
  reporter: Reporter
): Promise<PromoteResult> {
  const source = parseRegistryRef(options.from)
  const targetHost = registryOf(options.repository)
  if (source === undefined) {
    throw new InputError(
      `image to promote ${JSON.stringify(options.from)} is not a registry reference`,
      {
        hint: 'promotion copies within the registry: give host/path:tag or host/path@sha256:… of a pushed image (push it first)'
      }
    )
  }
  if (source.host !== targetHost) {
    throw new InputError(
      `image to promote is on ${source.host}, the release repository on ${targetHost}`,
      { hint: 'promotion copies within one registry: push the candidate there' }
    )
  }
  const api = registryApiFor(
    options.repository,
    options.auth,
    reporter,
    options.signal
  )
  const to = pathOf(options.repository)
  const manifest = await api.getManifest(source.repo, source.reference)
  if (manifest === undefined) {
    throw new DockerError(
      `image to promote ${options.from} is not in its registry`,
      { hint: 'give an image the registry holds (pushed as a candidate)' }
    )
  }
  const platforms = (manifest.json.manifests ?? [])
    .map((m) => m.platform)
    .filter((p) => p !== undefined && p.os !== 'unknown')
    .map((p) => [p?.os, p?.architecture, p?.variant].filter(Boolean).join('/'))
  reporter.info(
    `promoting ${options.from} (${manifest.digest}${platforms.length > 0 ? `, ${platforms.join(', ')}` : ''}) by digest, without rebuilding`
  )
  const push = options.push !== false
  if (push) await copyContent(api, manifest, source.repo, to)
  const moves: TagMove[] = []
  for (const tag of options.tags) {
    const move: TagMove = { tag }
    const before = await api.digestOf(to, tag)
    if (before !== undefined) move.before = before
    if (push) move.after = await api.putManifest(to, tag, manifest)
    moves.push(move)
    reporter.info(describeMove(move))
  }
  const imageId = isIndex(manifest)
    ? manifest.digest
    : (manifest.json.config?.digest ?? manifest.digest)
  return {
    imageId,
    ...(push ? { digest: manifest.digest } : {}),
    moves,
    platforms
  }
}

/** Where each of `tags` points in `repository` now (undefined: no such tag). */
export async function currentDigests(
  repository: string,
  tags: readonly string[],
  auth: RegistryAuth | undefined,
  reporter: Reporter
): Promise<TagMove[]> {
  const api = registryApiFor(repository, auth, reporter)
  const to = pathOf(repository)
  const out: TagMove[] = []
  for (const tag of tags) {
    const before = await api.digestOf(to, tag)
    out.push(before === undefined ? { tag } : { tag, before })
  }
  return out
}
