/**
 * Collected verify jobs are checked with the verify framework's own reader
 * and stamped with where they came from: the image (reference, id and
 * digest), the dataset, the command and how long it ran. Only `meta`
 * changes; measurements, blobs, metrics and specs are written back as read.
 */

import { readFile, writeFile } from 'node:fs/promises'
import { displayPath } from '../core/glob.js'
import { STACKCI_META } from '../core/provenance.js'
import type { Reporter } from '../core/reporter.js'
import { parseJob, serializeJob, type Job } from '../verify/job.js'

/** What a collected job is stamped with. */
export interface JobStamp {
  dataset: string
  /** The image as given (`repo:tag`). */
  image: string
  /** `sha256:…` of the image configuration. */
  imageId: string
  /** The registry digest when the image was pushed or pulled, else the id. */
  imageDigest: string
  /** The command, quoted as a shell would take it. */
  command: string
  durationMs: number
  /** The run the job came from (the pipeline's run id). */
  runId?: string
}

/** The job with provenance in `meta`; the input is not changed. */
export function withProvenance(
  job: Job,
  provenance: JobStamp,
  file: string,
  reporter: Reporter
): Job {
  const meta = { ...job.meta }
  const own = meta.dataset_name
  if (own === undefined || own === null || own === '') {
    // Dataset specifications select jobs by this key (metadata_query).
    meta.dataset_name = provenance.dataset
  } else if (own !== provenance.dataset) {
    reporter.warning(
      `${displayPath(file)}: meta.dataset_name is ${JSON.stringify(own)} but the dataset is ${provenance.dataset}; kept the job's own`
    )
  }
  meta[STACKCI_META.dataset] = provenance.dataset
  meta[STACKCI_META.image] = provenance.image
  meta[STACKCI_META.imageId] = provenance.imageId
  meta[STACKCI_META.imageDigest] = provenance.imageDigest
  meta[STACKCI_META.command] = provenance.command
  meta[STACKCI_META.duration] = Math.round(provenance.durationMs) / 1000
  if (provenance.runId !== undefined)
    meta[STACKCI_META.runId] = provenance.runId
  return { ...job, meta }
}

/**
 * Reads a collected job (throwing a {@link JobError} that names the file and
 * every problem when it is not a valid verify job), stamps it, and writes
 * it back in lsst.verify's own layout.
 */
export async function stampJobFile(
  file: string,
  provenance: JobStamp,
  reporter: Reporter
): Promise<Job> {
  const job = parseJob(await readFile(file, 'utf8'), displayPath(file))
  const stamped = withProvenance(job, provenance, file, reporter)
  await writeFile(file, `${serializeJob(stamped)}\n`)
  return stamped
}
