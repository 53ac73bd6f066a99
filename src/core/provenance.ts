/**
 * Provenance, declared once: the keys stackci writes into a verify job's
 * metadata when it collects the job, and the provenance every stored
 * measurement carries. Integration writes the first, metrics derives the
 * second from it, report and notebooks read both.
 */

/**
 * The keys stackci stamps into a verify job's `meta` when a dataset run
 * collects it (besides `dataset_name`, which specifications query). Written
 * by integration, read back by metrics (provenance) and notebooks (run id).
 */
export const STACKCI_META = {
  dataset: 'stackci.dataset',
  image: 'stackci.image',
  imageId: 'stackci.image_id',
  imageDigest: 'stackci.image_digest',
  command: 'stackci.command',
  duration: 'stackci.duration',
  runId: 'stackci.run_id'
} as const

/** Where a measurement comes from. Every record carries all of it. */
export interface Provenance {
  /** The stack image the datasets ran in (`sha256:…`). */
  imageDigest?: string
  jenkinsBuildUrl?: string
  workflowRunUrl?: string
  gitSha?: string
  /** `w_2026_48`, `d_2026_11_27`, `v29_0`, … */
  releaseTag?: string
  dataset?: string
  instrument?: string
  filter?: string
}

export const PROVENANCE_KEYS = [
  'imageDigest',
  'jenkinsBuildUrl',
  'workflowRunUrl',
  'gitSha',
  'releaseTag',
  'dataset',
  'instrument',
  'filter'
] as const satisfies readonly (keyof Provenance)[]
