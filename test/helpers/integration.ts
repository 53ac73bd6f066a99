import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { DockerEngine } from '../../src/docker/index.js'
import { RUN_LABEL } from '../../src/integration/index.js'
import { tempDir } from './docker.js'

/**
 * The Python base image `scripts/services.sh ensure_python_base_image`
 * makes (STACKCI_PYTHON_IMAGE). A missing variable fails the test, naming it.
 */
export function pythonBaseImage(): string {
  const image = process.env.STACKCI_PYTHON_IMAGE
  if (image === undefined || image === '') {
    throw new Error(
      'STACKCI_PYTHON_IMAGE is not set: run the tests through npm test, or source scripts/services.sh and run ensure_python_base_image first'
    )
  }
  return image
}

/**
 * A dataset directory holding `files` (relative path → content), in a
 * temp dir of its own or `inside` a workspace.
 */
export function makeDataset(
  files: Record<string, string>,
  inside?: string
): string {
  const dir =
    inside === undefined
      ? tempDir('stackci-dataset-')
      : mkdtempSync(join(inside, 'dataset-'))
  // As a checkout would be: readable by the container's user, whoever it is.
  chmodSync(dir, 0o755)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return dir
}

/** The containers (any state) the engine still has for a run. */
export async function containersOfRun(
  engine: DockerEngine,
  runId: string
): Promise<{ id: string; state: string }[]> {
  const list = await engine.docker.listContainers({
    all: true,
    filters: { label: [`${RUN_LABEL}=${runId}`] }
  })
  return list.map((c) => ({ id: c.Id, state: c.State }))
}

/** Polls until `check` is true (every 50 ms, at most `ms`). */
export async function waitUntil(
  check: () => Promise<boolean>,
  ms = 30_000
): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met in ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A small valid verify job, as a dataset's command would write it. */
export const SAMPLE_JOB = JSON.stringify({
  measurements: [
    {
      metric: 'demo.rms',
      identifier: '0123456789abcdef0123456789abcdef',
      value: 12.5,
      unit: 'marcsec',
      blob_refs: []
    },
    {
      metric: 'demo.count',
      identifier: 'fedcba9876543210fedcba9876543210',
      value: 42,
      unit: '',
      blob_refs: []
    }
  ],
  blobs: [],
  metrics: [],
  specs: [],
  meta: { instrument: 'Sim', packages: {} }
})
