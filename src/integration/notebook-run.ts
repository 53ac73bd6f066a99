/**
 * A notebook run inside the stack image, so the analysis uses the stack's
 * own code: the notebook (parameters injected), the driver, the exported
 * history and this run's verify jobs go into one host directory mounted
 * read-only, the datasets are mounted read-only as integration mounts them,
 * and only the regular files of the container's output directory (a host
 * directory bound there) come back. The container is the dataset runs'
 * container (runContainer): same limits, no network, labelled with the run
 * id and removed whatever happens.
 */

import { createWriteStream } from 'node:fs'
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { InputError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { engineCall, type DockerEngine } from '../docker/client.js'
import { loadDefinitions, specToJson } from '../verify/index.js'
import { DATASET_LABEL, RUN_LABEL, newRunId } from './cleanup.js'
import { collectOutputDir } from './collect.js'
import { runContainer } from './container-run.js'
import { checkDatasetPaths, type Dataset } from './datasets.js'
import { resolveRunImage } from './image.js'
import { checkNetwork, datasetMountPath } from './limits.js'
import { DRIVER_PY, parseDriverResult, RESULT_MARK } from './notebook-driver.js'
import { exportHistory, type HistorySource } from './notebook-history.js'
import {
  checkParamName,
  injectParameters,
  parseNotebook,
  type ParamValue
} from './notebook-params.js'
import {
  notebookResult,
  type NotebookIdentity,
  type NotebookResult
} from './notebook-result.js'
import { DEFAULT_DATASET_PATH, DEFAULT_TIMEOUT_MS } from './run-options.js'

/** Inside the container: the read-only inputs, and the output directory. */
export const NOTEBOOK_INPUT_PATH = '/stackci/input'
export const NOTEBOOK_OUTPUT_PATH = '/stackci/output'

export interface NotebookRunOptions {
  /** The `.ipynb` on the host. */
  notebook: string
  image: string
  /** Given values; they replace the defaults of the `parameters` cell. */
  params?: Readonly<Record<string, ParamValue>> | undefined
  /** Run id, release tag, git sha; the digest comes from the image. */
  identity?: Partial<Omit<NotebookIdentity, 'image_digest'>> | undefined
  history?: HistorySource | undefined
  /** A metrics package (metrics/, specs/): its specifications, resolved, go to the notebook as lsst.verify spec JSON. */
  definitions?: string | undefined
  /** This run's verify job files, host paths. */
  jobs?: readonly string[] | undefined
  datasets?: readonly Dataset[] | undefined
  /** Host directory: `<name>.html`, `<name>.ipynb`, `<name>.log`, and whatever else the notebook wrote in its output directory. */
  out: string
  timeoutMs?: number | undefined
  memory?: number | undefined
  cpus?: number | undefined
  network?: string | undefined
  pull?: boolean | undefined
  /** Labels the container (the clean-up sweep's key). */
  runId?: string | undefined
  signal?: AbortSignal | undefined
}

/** Names the notebook sees besides its own parameters. */
const RESERVED = [
  'run_id',
  'release_tag',
  'image_digest',
  'git_sha',
  'history_file',
  'specs_file',
  'jobs_dir',
  'datasets',
  'output_dir'
]

/** Release tag and git sha from the stack image's labels, when it has them. */
async function labelIdentity(
  engine: DockerEngine,
  imageId: string,
  reporter: Reporter
): Promise<{ release_tag?: string; git_sha?: string }> {
  const info = await engineCall(
    engine,
    `inspect image ${imageId.slice(0, 19)}`,
    async () => engine.docker.getImage(imageId).inspect(),
    reporter
  )
  // The engine answers null for an image without labels.
  const raw: unknown = info.Config.Labels
  const labels = (raw ?? {}) as Record<string, string | undefined>
  const tag =
    labels['stackci.release.eups-tag'] ??
    labels['org.opencontainers.image.version']
  const sha = labels['org.opencontainers.image.revision']
  return {
    ...(tag === undefined ? {} : { release_tag: tag }),
    ...(sha === undefined ? {} : { git_sha: sha })
  }
}

/** Stages the read-only inputs; returns what the notebook is told. */
async function stage(
  dir: string,
  options: NotebookRunOptions,
  name: string,
  values: Record<string, ParamValue>
): Promise<Record<string, ParamValue>> {
  const text = await readFile(options.notebook, 'utf8').catch(
    (error: unknown) => {
      throw new InputError(`cannot read the notebook: ${errorMessage(error)}`, {
        where: { file: options.notebook }
      })
    }
  )
  const nb = parseNotebook(text, options.notebook)
  const at = (rel: string): string => `${NOTEBOOK_INPUT_PATH}/${rel}`
  const told: Record<string, ParamValue> = { ...values }
  if (options.history !== undefined) {
    await exportHistory(options.history, join(dir, 'history.jsonl'))
    told.history_file = at('history.jsonl')
  } else told.history_file = null
  if (options.definitions !== undefined) {
    const defs = await loadDefinitions(options.definitions)
    const specs = [...defs.specs.values()].map((s) => ({
      ...specToJson(s),
      metric: s.metricName
    }))
    await writeFile(join(dir, 'specs.json'), JSON.stringify(specs, null, 1))
    told.specs_file = at('specs.json')
  } else told.specs_file = null
  await mkdir(join(dir, 'jobs'))
  for (const [i, job] of (options.jobs ?? []).entries()) {
    // <dataset>/<file>, as the integration results directory holds them.
    const rel = `${basename(dirname(job))}/${String(i).padStart(3, '0')}-${basename(job)}`
    await mkdir(join(dir, 'jobs', dirname(rel)), { recursive: true })
    await copyFile(job, join(dir, 'jobs', rel))
  }
  told.jobs_dir = at('jobs')
  told.datasets = Object.fromEntries(
    (options.datasets ?? []).map((d) => [
      d.name,
      datasetMountPath(DEFAULT_DATASET_PATH, d.name)
    ])
  )
  told.output_dir = NOTEBOOK_OUTPUT_PATH
  for (const [k, v] of Object.entries(options.params ?? {})) told[k] = v
  await writeFile(
    join(dir, `${name}.ipynb`),
    JSON.stringify(injectParameters(nb, told), null, 1)
  )
  await writeFile(join(dir, 'driver.py'), DRIVER_PY)
  // The container's user may be anyone: inputs readable by all.
  await chmodTree(dir)
  return told
}

async function chmodTree(dir: string): Promise<void> {
  const { readdir } = await import('node:fs/promises')
  await chmod(dir, 0o755)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await chmodTree(path)
    else await chmod(path, 0o644)
  }
}

/** Runs the notebook; see the module comment. Throws only on bad input or an engine failure. */
export async function runNotebook(
  engine: DockerEngine,
  options: NotebookRunOptions,
  reporter: Reporter
): Promise<NotebookResult> {
  const name = basename(options.notebook, extname(options.notebook))
  for (const key of Object.keys(options.params ?? {})) {
    checkParamName(key, 'params')
    if (RESERVED.includes(key)) {
      throw new InputError(
        `parameter ${key} is set by stackci itself (${RESERVED.join(', ')})`,
        {
          hint: 'the run identity comes from --run-id, --release-tag, --git-sha and the image'
        }
      )
    }
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const network = checkNetwork(options.network ?? 'none')
  await checkDatasetPaths(options.datasets ?? [])
  const runId = options.runId ?? options.identity?.run_id ?? newRunId()
  const image = await resolveRunImage(
    engine,
    options.image,
    options.pull ?? true,
    reporter
  )
  const identity: NotebookIdentity = {
    run_id: options.identity?.run_id ?? runId,
    release_tag: null,
    image_digest: image.digest,
    git_sha: null,
    ...(await labelIdentity(engine, image.id, reporter)),
    ...definedOf(options.identity)
  }
  const out = resolve(options.out)
  await mkdir(out, { recursive: true })
  const staging = await mkdtemp(join(tmpdir(), 'stackci-notebook-'))
  // What the notebook writes lands here (the container's user may be
  // anyone), and only its regular files are copied to `out`, as ours.
  const written = await mkdtemp(join(tmpdir(), 'stackci-notebook-out-'))
  await chmod(written, 0o777)
  const logFile = join(out, `${name}.log`)
  const log = createWriteStream(logFile)
  let verdict: string | undefined
  try {
    const told = await stage(staging, options, name, { ...identity })
    reporter.info(
      `notebook ${name}: image ${image.ref} (${image.digest.slice(0, 19)}), run ${identity.run_id}, parameters ${Object.keys(told).join(', ')}`
    )
    const outcome = await runContainer(
      engine,
      {
        name: `stackci-${runId}-notebook-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
        image: image.id,
        argv: [
          'python3',
          `${NOTEBOOK_INPUT_PATH}/driver.py`,
          `${NOTEBOOK_INPUT_PATH}/${name}.ipynb`,
          NOTEBOOK_OUTPUT_PATH,
          name
        ],
        // debugpy's warning about frozen modules says nothing useful here.
        env: ['PYDEVD_DISABLE_FILE_VALIDATION=1'],
        workdir: NOTEBOOK_OUTPUT_PATH,
        mounts: [
          { source: staging, target: NOTEBOOK_INPUT_PATH, readOnly: true },
          ...(options.datasets ?? []).map((d) => ({
            source: d.path,
            target: datasetMountPath(DEFAULT_DATASET_PATH, d.name),
            readOnly: true
          }))
        ],
        outputPath: NOTEBOOK_OUTPUT_PATH,
        outputDir: written,
        memory: options.memory,
        cpus: options.cpus,
        network,
        labels: { [RUN_LABEL]: runId, [DATASET_LABEL]: `notebook-${name}` },
        timeoutMs
      },
      {
        reporter,
        signal: options.signal,
        onLine: (line) => {
          if (line.startsWith(RESULT_MARK)) verdict = line
          else {
            log.write(`${line}\n`)
            reporter.info(`[${name}] ${line}`)
          }
        },
        collect: async () =>
          collectOutputDir(
            written,
            { patterns: ['**'], destination: out },
            reporter
          )
      }
    )
    return notebookResult({
      name,
      notebook: options.notebook,
      out,
      logFile,
      outcome,
      driver: parseDriverResult(verdict === undefined ? [] : [verdict]),
      identity,
      image,
      timeoutMs,
      memory: options.memory
    })
  } finally {
    await new Promise<void>((done) => log.end(done))
    await rm(staging, { recursive: true, force: true })
    await rm(written, { recursive: true, force: true }).catch(
      (error: unknown) => {
        reporter.warning(
          `cannot remove ${written}, which the notebook wrote: ${errorMessage(error)}`
        )
      }
    )
  }
}

function definedOf<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, v]) => v !== undefined)
  ) as Partial<T>
}
