/**
 * The git store's whole history as the report and export read it (a
 * {@link StoreHistory}), made straight from decoded month packs and job
 * files. A long history is mostly packs: their jobs become measurements
 * from the pack's values and name lists, with no job file in between (per
 * job value, identifier and name arrays would double what is allocated),
 * and only a light reference per job is sorted.
 */

import { pushMeasurements, storedJobOf, type GitJobFile } from './git-layout.js'
import {
  packedCount,
  setPackedMeasurements,
  type DecodedPack,
  type PackedJob
} from './git-pack.js'
import type {
  StoreHistory,
  StoredJob,
  StoredMeasurement
} from './store-reader.js'

/** One job read: the `k`-th of a pack, or a job file. */
type JobRef =
  | { createdAt: number; jobId: string; pack: DecodedPack; k: number }
  | { createdAt: number; jobId: string; file: GitJobFile }

/** Gathers what a read decodes, then makes the history of it. */
export class GitHistoryBuilder {
  readonly #refs: JobRef[] = []

  addPack(pack: DecodedPack): void {
    pack.file.jobs.forEach((j, k) => {
      this.#refs.push({ createdAt: j.createdAt, jobId: j.jobId, pack, k })
    })
  }

  addFile(file: GitJobFile): void {
    this.#refs.push({ createdAt: file.createdAt, jobId: file.jobId, file })
  }

  /** Every job (dated `since` or later) once, oldest first. */
  build(path: string, since?: number): StoreHistory {
    // A stable sort: jobs of one time keep the order they were read in.
    const refs = this.#refs.sort((a, b) => a.createdAt - b.createdAt)
    const seen = new Set<string>()
    const taken: JobRef[] = []
    let total = 0
    for (const r of refs) {
      if (since !== undefined && r.createdAt < since) continue
      // A job both in a pack and beside it (a write racing a pack) once.
      if (seen.has(r.jobId)) continue
      seen.add(r.jobId)
      taken.push(r)
      total += 'file' in r ? r.file.value.length : packedCount(r.pack, r.k)
    }
    // Sized once: a million-element array grown by push is copied over
    // and over.
    const measurements = new Array<StoredMeasurement>(total)
    let at = 0
    const jobs = taken.map((r, job): StoredJob => {
      if ('file' in r) {
        const loose: StoredMeasurement[] = []
        pushMeasurements(r.file, job, loose)
        for (const m of loose) measurements[at++] = m
        return storedJobOf(r.file)
      }
      at = setPackedMeasurements(r.pack, r.k, job, measurements, at)
      return storedJobOf(r.pack.file.jobs[r.k] as PackedJob)
    })
    return { path, jobs, measurements }
  }
}
