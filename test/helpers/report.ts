/**
 * Real metrics history for the report tests: sample-stack verify jobs
 * (examples/stack, package `skyprobe`) written as files and dispatched into
 * a SQLite store by `runMetrics`, exactly as `stackci metrics dispatch`
 * stores them.
 */

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RecordingReporter } from '../../src/core/index.js'
import { resolveMetricsSettings, runMetrics } from '../../src/metrics/index.js'
import { DAY, T0 } from './metrics.js'

export const EXAMPLES = join(process.cwd(), 'examples', 'stack')

/** A Jenkins build URL with credentials in it: never to be shown. */
export const SECRET = 's3cret-jenkins-token'

export interface RunValues {
  astrom_rms?: number | null
  phot_rms?: number | null
  matched_fraction?: number | null
  run_time?: number | null
}

export interface SampleJob {
  dataset: string
  instrument?: string
  filter?: string
  values: RunValues
  /** Extra metadata (it wins over the generated provenance). */
  meta?: Record<string, unknown>
}

const UNITS: Record<keyof RunValues, string> = {
  astrom_rms: 'marcsec',
  phot_rms: 'mmag',
  matched_fraction: '%',
  run_time: 's'
}

/** The provenance the report shows for run `run`. */
export function provenance(run: number): {
  gitSha: string
  releaseTag: string
  imageDigest: string
  jenkinsBuildUrl: string
  workflowRunUrl: string
} {
  const n = String(run).padStart(2, '0')
  return {
    gitSha: `${String(run).repeat(8)}abcdef0123456789abcdef0123456789`.slice(
      0,
      40
    ),
    releaseTag: `d_2026_01_${n}`,
    imageDigest: `sha256:${String(run).repeat(64).slice(0, 64)}`,
    jenkinsBuildUrl: `https://ci-bot:${SECRET}@jenkins.example.org/job/stack-os-matrix/${100 + run}/`,
    workflowRunUrl: `https://github.com/example/stack/actions/runs/${9000 + run}`
  }
}

/** Writes the verify job files of run `run` (dated T0 + run days). */
export function writeRunJobs(
  dir: string,
  run: number,
  jobs: readonly SampleJob[]
): string[] {
  const p = provenance(run)
  return jobs.map((job, j) => {
    const values = Object.entries(job.values) as [string, number | null][]
    const measurements = values.map(([metric, value]) => ({
      metric: `skyprobe.${metric}`,
      identifier: `run${run}-${job.dataset}-${metric}`,
      value,
      unit: UNITS[metric as keyof RunValues],
      blob_refs: []
    }))
    const file = join(dir, `run${run}-${j}.verify.json`)
    writeFileSync(
      file,
      JSON.stringify({
        measurements,
        blobs: [],
        metrics: [],
        specs: [],
        meta: {
          dataset_name: job.dataset,
          instrument: job.instrument ?? 'SIM',
          ...(job.filter === undefined ? {} : { filter_name: job.filter }),
          packages: {},
          date_created: new Date(T0 + run * DAY + j * 60_000).toISOString(),
          git_sha: p.gitSha,
          version_tag: p.releaseTag,
          image_digest: p.imageDigest,
          jenkins_build_url: p.jenkinsBuildUrl,
          workflow_run_url: p.workflowRunUrl,
          ...(job.meta ?? {})
        }
      })
    )
    return file
  })
}

/** Dispatches job files into the SQLite store at `store` (series `main`). */
export async function dispatchInto(
  store: string,
  files: readonly string[],
  series = 'main'
): Promise<void> {
  const settings = resolveMetricsSettings(
    undefined,
    { definitions: EXAMPLES, sqlite: store, spool: false, prComment: false },
    {},
    process.cwd()
  )
  const result = await runMetrics(
    { settings, files, prepare: { series, envChoice: 'none' } },
    { reporter: new RecordingReporter(), env: {} }
  )
  const written = result.outcome.dispatch?.stores.reduce(
    (n, s) => n + s.written,
    0
  )
  if (written === undefined || written === 0)
    throw new Error(`nothing was written to ${store}`)
}

/** The two datasets of the sample stack, one run: passing values. */
export function goodRun(): SampleJob[] {
  return [
    {
      dataset: 'field_a',
      values: {
        astrom_rms: 14.2,
        phot_rms: 8.9,
        matched_fraction: 93.5,
        run_time: 3.2
      }
    },
    {
      dataset: 'field_b',
      filter: 'HSC-R',
      values: {
        astrom_rms: 12.1,
        phot_rms: 9.4,
        matched_fraction: 91,
        run_time: 3.9
      }
    }
  ]
}

/**
 * A second run: field_a's astrometry misses its design spec (warn),
 * field_b's photometry misses the minimum (fail) and its matched fraction
 * has no value.
 */
export function badRun(): SampleJob[] {
  return [
    {
      dataset: 'field_a',
      values: {
        astrom_rms: 27.5,
        phot_rms: 9.1,
        matched_fraction: 92.8,
        run_time: 3.4
      }
    },
    {
      dataset: 'field_b',
      filter: 'HSC-R',
      values: {
        astrom_rms: 12.6,
        phot_rms: 34,
        matched_fraction: null,
        run_time: 4.1
      }
    }
  ]
}
