/**
 * Promotion of a two-platform image: an OCI index of linux/amd64 and
 * linux/arm64, pushed blob by blob through the registry API (no engine
 * could build both here), promoted to release tags in its own repository
 * and into another one of the same registry (blobs mounted across), by the
 * library and by `stackci image promote`. Both platforms must survive.
 */

import { createHash } from 'node:crypto'
import { RecordingReporter } from '../../../src/core/index.js'
import { promoteImage } from '../../../src/docker/index.js'
import { runCli } from '../../helpers/cli.js'
import { dockerServices, uniqueName } from '../../helpers/docker.js'

const services = dockerServices()
const base = `http://${services.registry}`
const INDEX = 'application/vnd.oci.image.index.v1+json'
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

const digestOf = (bytes: Buffer): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

async function putBlob(repo: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes)
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, {
    method: 'POST'
  })
  expect(start.status).toBe(202)
  const location = new URL(start.headers.get('location') ?? '', base)
  location.searchParams.set('digest', digest)
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(bytes)
  })
  expect(put.status).toBe(201)
  return digest
}

async function putManifest(
  repo: string,
  reference: string,
  type: string,
  body: unknown
): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(body))
  const r = await fetch(`${base}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'Content-Type': type },
    body: new Uint8Array(bytes)
  })
  expect(r.status).toBe(201)
  return { digest: digestOf(bytes), size: bytes.length }
}

/** Pushes a two-platform index as `repo:tag`; returns its digest and its platforms' digests. */
async function pushIndex(
  repo: string,
  tag: string
): Promise<{ digest: string; platforms: string[] }> {
  const children = []
  for (const architecture of ['amd64', 'arm64']) {
    const layer = Buffer.from(`layer of ${architecture} ${tag}`)
    const layerDigest = await putBlob(repo, layer)
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [layerDigest] }
      })
    )
    const configDigest = await putBlob(repo, config)
    const m = await putManifest(repo, `${architecture}-${tag}`, MANIFEST, {
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: layerDigest,
          size: layer.length
        }
      ]
    })
    children.push({
      mediaType: MANIFEST,
      ...m,
      platform: { os: 'linux', architecture }
    })
  }
  const index = await putManifest(repo, tag, INDEX, {
    schemaVersion: 2,
    mediaType: INDEX,
    manifests: children
  })
  return { digest: index.digest, platforms: children.map((c) => c.digest) }
}

async function readIndex(
  repo: string,
  tag: string
): Promise<{ type: string; platforms: string[] }> {
  const r = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
    headers: { Accept: `${INDEX}, ${MANIFEST}` }
  })
  expect(r.status).toBe(200)
  const json = (await r.json()) as {
    manifests?: { platform: { architecture: string } }[]
  }
  return {
    type: r.headers.get('content-type') ?? '',
    platforms: (json.manifests ?? []).map((m) => m.platform.architecture)
  }
}

it('promotes a two-platform index whole: same digest, both platforms, within and across repositories', async () => {
  const candidates = uniqueName('stackci-test/candidates')
  const release = uniqueName('stackci-test/scipipe')
  const pushed = await pushIndex(candidates, 'candidate-gh-1-1')
  const reporter = new RecordingReporter()

  const result = await promoteImage(
    {
      from: `${services.registry}/${candidates}:candidate-gh-1-1`,
      repository: `${services.registry}/${release}`,
      tags: ['w_2026_49', 'w_latest']
    },
    reporter
  )
  expect(result.digest).toBe(pushed.digest)
  expect(result.platforms).toEqual(['linux/amd64', 'linux/arm64'])
  expect(result.moves).toEqual([
    { tag: 'w_2026_49', after: pushed.digest },
    { tag: 'w_latest', after: pushed.digest }
  ])
  for (const tag of ['w_2026_49', 'w_latest']) {
    const index = await readIndex(release, tag)
    expect(index.type).toBe(INDEX)
    expect(index.platforms).toEqual(['amd64', 'arm64'])
  }
  // Each platform's manifest (and so its blobs) is there in the new repository.
  for (const d of pushed.platforms) {
    const r = await fetch(`${base}/v2/${release}/manifests/${d}`, {
      method: 'HEAD',
      headers: { Accept: MANIFEST }
    })
    expect(r.status).toBe(200)
  }
  expect(reporter.text('info')).toContain('linux/amd64, linux/arm64')
})

it('stackci image promote keeps both platforms under the new tag', async () => {
  const repo = uniqueName('stackci-test/scipipe')
  const pushed = await pushIndex(repo, 'candidate-gh-2-1')
  const older = await pushIndex(repo, 'w_2026_48')
  const move = await fetch(`${base}/v2/${repo}/manifests/w_2026_48`, {
    headers: { Accept: INDEX }
  })
  await putManifest(repo, 'w_latest', INDEX, await move.json())

  const r = await runCli([
    'image',
    'promote',
    '--from',
    `${services.registry}/${repo}:candidate-gh-2-1`,
    '--registry',
    `${services.registry}/${repo}`,
    '--kind',
    'weekly',
    '--date',
    '2026-12-03',
    '--json'
  ])
  expect(r.stderr).not.toMatch(/error/i)
  expect(r.code).toBe(0)
  const out = JSON.parse(r.stdout) as {
    digest: string
    moves: { tag: string; before?: string; after?: string }[]
  }
  expect(out.digest).toBe(pushed.digest)
  expect(out.moves).toEqual([
    { tag: 'w_2026_49', after: pushed.digest },
    { tag: 'w_latest', before: older.digest, after: pushed.digest }
  ])
  expect(await indexDigest(repo, 'w_latest')).toBe(pushed.digest)
  expect((await readIndex(repo, 'w_2026_49')).platforms).toEqual([
    'amd64',
    'arm64'
  ])
  expect(await indexDigest(repo, 'w_2026_48')).toBe(older.digest)
})

async function indexDigest(repo: string, tag: string): Promise<string> {
  const r = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: INDEX }
  })
  return r.headers.get('docker-content-digest') ?? ''
}
