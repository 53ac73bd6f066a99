/**
 * From a verify job file to a {@link DispatchJob}: what dispatch_verify does
 * before uploading (values normalised to metric units, `meta.packages`
 * always present, `meta.env` from the CI environment, `--date-created`),
 * plus a stable job id and the provenance every record carries.
 */

import { readFile } from 'node:fs/promises'
import { InputError } from '../core/errors.js'
import {
  normalizeMeasurements,
  parseJob,
  serializeJob,
  type Definitions,
  type Job
} from '../verify/index.js'
import {
  chooseEnv,
  ciEnvironment,
  isoUtc,
  provenanceOf,
  seriesOf,
  type EnvChoice
} from './environment.js'
import type { Env } from '../core/env.js'
import type { DispatchJob } from './record.js'
import type { Provenance } from '../core/provenance.js'
import { nodeCrypto } from '../core/builtins.js'

export interface PrepareOptions {
  env: Env
  /** Which `meta.env` to add (default `auto`). */
  envChoice?: EnvChoice
  /** Provenance given explicitly (flags, inputs); wins over metadata. */
  provenance?: Provenance
  /** The history series (default: derived, see {@link seriesOf}). */
  series?: string
  /** Epoch ms; default: the job's own date, else now. */
  dateCreated?: number
  /** Merged into `meta.packages` (dispatch_verify's `--package-repos`). */
  packages?: Record<string, unknown>
  /** Drop blobs before dispatch (dispatch_verify's `--ignore-blobs`). */
  ignoreBlobs?: boolean
  now?: () => number
}

/** The stable id of a job as read: sha256 of its canonical JSON, 32 hex. */
export function jobId(job: Job): string {
  return nodeCrypto()
    .createHash('sha256')
    .update(serializeJob(job))
    .digest('hex')
    .slice(0, 32)
}

function dateOf(meta: Record<string, unknown>): number | undefined {
  const env = meta.env as Record<string, unknown> | undefined
  for (const v of [meta.date_created, env?.date]) {
    if (typeof v === 'string') {
      const ms = Date.parse(v)
      if (!Number.isNaN(ms)) return ms
    }
  }
  return undefined
}

/** Prepares one parsed job. Pure apart from `now`. */
export function prepareJob(
  raw: Job,
  source: string,
  definitions: Definitions | undefined,
  options: PrepareOptions
): DispatchJob {
  const id = jobId(raw)
  let job: Job = options.ignoreBlobs === true ? { ...raw, blobs: [] } : raw
  if (definitions !== undefined)
    job = normalizeMeasurements(job, definitions.metrics)
  const createdAt =
    options.dateCreated ?? dateOf(raw.meta) ?? (options.now ?? Date.now)()
  const meta: Record<string, unknown> = { ...raw.meta }
  // SQuaSH refuses a job without meta.packages; dispatch_verify always sends it.
  const packages =
    typeof meta.packages === 'object' && meta.packages !== null
      ? (meta.packages as Record<string, unknown>)
      : {}
  meta.packages = { ...packages, ...(options.packages ?? {}) }
  const envName = chooseEnv(options.envChoice ?? 'auto', options.env)
  if (envName !== undefined)
    meta.env = ciEnvironment(envName, options.env, isoUtc(createdAt))
  const provenance = provenanceOf(meta, options.env, options.provenance)
  const series = options.series ?? seriesOf(provenance.releaseTag, options.env)
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined && meta[key] === undefined) meta[key] = value
  }
  put('image_digest', provenance.imageDigest)
  put('jenkins_build_url', provenance.jenkinsBuildUrl)
  put('workflow_run_url', provenance.workflowRunUrl)
  put('git_sha', provenance.gitSha)
  put('version_tag', provenance.releaseTag)
  put('dataset', provenance.dataset)
  put('instrument', provenance.instrument)
  put('filter_name', provenance.filter)
  meta.stackci_job_id = id
  meta.stackci_series = series
  return { id, source, createdAt, series, provenance, job: { ...job, meta } }
}

/** Reads and prepares job files; every unreadable file is reported at once. */
export async function prepareJobFiles(
  files: readonly string[],
  definitions: Definitions | undefined,
  options: PrepareOptions
): Promise<DispatchJob[]> {
  const out: DispatchJob[] = []
  const problems: { file: string; message: string }[] = []
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      problems.push({
        file,
        message: `cannot read: ${(error as Error).message}`
      })
      continue
    }
    out.push(prepareJob(parseJob(text, file), file, definitions, options))
  }
  if (problems.length > 0) {
    throw new InputError(`${problems.length} job file(s) cannot be read`, {
      problems: problems.map((p) => ({
        where: { file: p.file },
        message: p.message
      })),
      hint: 'check the paths (globs are relative to the workspace)'
    })
  }
  return out
}
