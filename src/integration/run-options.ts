/**
 * A run's settings: the options a caller gives, their defaults, and the
 * checked plan made from them before anything touches the engine.
 */

import { InputError } from '../core/errors.js'
import type { Dataset } from './datasets.js'
import {
  checkContainerPath,
  checkNetwork,
  checkOutputPatterns,
  datasetMountPath
} from './limits.js'

export const DEFAULT_OUTPUTS = ['**/*.verify.json']
export const DEFAULT_TIMEOUT_MS = 3600_000
export const DEFAULT_DATASET_PATH = '/datasets/{dataset}'
export const DEFAULT_OUTPUT_PATH = '/output'

export interface DatasetRunOptions {
  image: string
  datasets: Dataset[]
  /** The argv; undefined runs the image's own command. */
  command?: string[] | undefined
  /** Run the command through `/bin/sh -c` (its words joined by blanks). */
  shell?: boolean | undefined
  /** Globs relative to the output directory (default `**\/*.verify.json`). */
  outputs?: string[] | undefined
  timeoutMs?: number | undefined
  /** Bytes. */
  memory?: number | undefined
  cpus?: number | undefined
  /** Default `none`. */
  network?: string | undefined
  user?: string | undefined
  workdir?: string | undefined
  env?: Readonly<Record<string, string>> | undefined
  /** Where each dataset is mounted; `{dataset}` is its name. */
  datasetPath?: string | undefined
  /** The writable directory the command writes its outputs to. */
  outputPath?: string | undefined
  /** Datasets run at once (default 1). */
  parallel?: number | undefined
  /** Host directory: `<dir>/<dataset>/…` collected files, `<dir>/<dataset>.log`. */
  resultsDir: string
  /** Labels the containers; the post step cleans up by it. */
  runId?: string | undefined
  /**
   * Set: every dataset's real path must lie inside this directory's (see
   * confineDatasets), and the real path is mounted. Unset: any directory.
   */
  workspace?: string | undefined
  /** Pull the image when the engine does not have it (default true). */
  pull?: boolean | undefined
  signal?: AbortSignal | undefined
}

export interface Plan {
  outputs: string[]
  network: string
  outputPath: string
  datasetPath: string
  parallel: number
  timeoutMs: number
  env: string[]
}

/** Checks every setting; the first problem is thrown. */
export function checkOptions(options: DatasetRunOptions): Plan {
  const parallel = options.parallel ?? 1
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new InputError(`parallel must be a whole number ≥ 1, got ${parallel}`)
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!(timeoutMs > 0)) {
    throw new InputError(`timeout must be longer than 0, got ${timeoutMs} ms`)
  }
  if (options.shell === true && (options.command ?? []).length === 0) {
    throw new InputError('a shell was asked for but no command was given')
  }
  const env: string[] = []
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new InputError(`env: ${JSON.stringify(key)} is not a variable name`)
    env.push(`${key}=${value}`)
  }
  const datasetPath = options.datasetPath ?? DEFAULT_DATASET_PATH
  checkContainerPath(datasetMountPath(datasetPath, 'x'), 'dataset path')
  return {
    outputs: checkOutputPatterns(options.outputs ?? DEFAULT_OUTPUTS),
    network: checkNetwork(options.network ?? 'none'),
    outputPath: checkContainerPath(
      options.outputPath ?? DEFAULT_OUTPUT_PATH,
      'output path'
    ),
    datasetPath,
    parallel,
    timeoutMs,
    env
  }
}
