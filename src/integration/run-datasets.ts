/**
 * The integration step: every dataset run in the image, at most `parallel`
 * at a time, each in its own container with the dataset mounted read-only,
 * its own result (success, failure, timeout, oom, cancelled, error), its
 * log shown live (prefixed by the dataset) and kept in a file, and its
 * verify jobs collected, checked and stamped with their provenance.
 * Every setting is checked, and the image found, before the first
 * container is created.
 */

import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { formatMs } from '../core/format.js'
import type { DockerEngine } from '../docker/client.js'
import { collectOutputs } from './collect.js'
import { containerArgv, formatCommand } from './command.js'
import { runContainer, type ContainerOutcome } from './container-run.js'
import {
  DATASET_LABEL,
  RUN_LABEL,
  newRunId,
  removeRunContainers
} from './cleanup.js'
import { checkDatasetPaths, confineDatasets, type Dataset } from './datasets.js'
import { resolveRunImage, type ImageInfo } from './image.js'
import { datasetMountPath } from './limits.js'
import {
  cancelledResult,
  errorResult,
  finishResult,
  type DatasetResult
} from './results.js'
import {
  checkOptions,
  type DatasetRunOptions,
  type Plan
} from './run-options.js'

export interface IntegrationResult {
  runId: string
  image: ImageInfo
  results: DatasetResult[]
  /** Every checked, stamped job file, host paths. */
  jobs: string[]
  passed: boolean
}

/** Runs every dataset; see the module comment. */
export async function runDatasets(
  engine: DockerEngine,
  options: DatasetRunOptions,
  reporter: Reporter
): Promise<IntegrationResult> {
  const plan = checkOptions(options)
  await checkDatasetPaths(options.datasets)
  const datasets =
    options.workspace === undefined
      ? options.datasets
      : await confineDatasets(options.datasets, options.workspace)
  const runId = options.runId ?? newRunId()
  const image = await resolveRunImage(
    engine,
    options.image,
    options.pull ?? true,
    reporter
  )
  const resultsDir = resolve(options.resultsDir)
  await mkdir(resultsDir, { recursive: true })
  reporter.info(
    `image ${image.ref} (${image.id.slice(0, 19)}); ${datasets.length} dataset(s), ${plan.parallel} at a time; run ${runId}`
  )
  const one = async (dataset: Dataset): Promise<DatasetResult> =>
    runOne(
      engine,
      dataset,
      { options, plan, image, runId, resultsDir },
      reporter
    )
  const grouped = plan.parallel === 1 || datasets.length === 1
  const queue = [...datasets]
  const results = new Map<string, DatasetResult>()
  const worker = async (): Promise<void> => {
    for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
      const dataset = d
      const result =
        options.signal?.aborted === true
          ? cancelledResult(dataset.name)
          : grouped
            ? await reporter.group(`Dataset ${dataset.name}`, async () =>
                one(dataset)
              )
            : await one(dataset)
      results.set(dataset.name, result)
    }
  }
  const workers = Array.from(
    { length: Math.min(plan.parallel, datasets.length) },
    worker
  )
  if (grouped) await Promise.all(workers)
  else {
    await reporter.group(
      `Datasets ${datasets.map((d) => d.name).join(', ')} (${plan.parallel} at a time)`,
      async () => Promise.all(workers)
    )
  }
  // Containers are removed as each run ends; this catches any that a
  // failed removal (or an engine hiccup) left.
  await removeRunContainers(engine, runId, reporter).catch((error: unknown) => {
    reporter.warning(`clean-up sweep failed: ${errorMessage(error)}`)
  })
  const ordered = datasets.map(
    (d) => results.get(d.name) ?? cancelledResult(d.name)
  )
  return {
    runId,
    image,
    results: ordered,
    jobs: ordered.flatMap((r) => r.jobs),
    passed: ordered.every((r) => r.status === 'success')
  }
}

interface RunContext {
  options: DatasetRunOptions
  plan: Plan
  image: ImageInfo
  runId: string
  resultsDir: string
}

async function runOne(
  engine: DockerEngine,
  dataset: Dataset,
  ctx: RunContext,
  reporter: Reporter
): Promise<DatasetResult> {
  const { options, plan, image } = ctx
  const mountAt = datasetMountPath(plan.datasetPath, dataset.name)
  const argv =
    options.command === undefined || options.command.length === 0
      ? undefined
      : containerArgv(options.command, options.shell === true, {
          dataset: dataset.name,
          dataset_dir: mountAt,
          output_dir: plan.outputPath
        })
  const command = formatCommand(argv ?? image.defaultArgv)
  const destination = join(ctx.resultsDir, dataset.name)
  const logFile = join(ctx.resultsDir, `${dataset.name}.log`)
  // This directory holds what this run collected, and nothing older.
  await rm(destination, { recursive: true, force: true })
  await mkdir(destination, { recursive: true })
  const log = createWriteStream(logFile)
  const prefix = `[${dataset.name}] `
  reporter.info(`${prefix}${command}`)
  let outcome: ContainerOutcome<string[]>
  try {
    outcome = await runContainer(
      engine,
      {
        name: `stackci-${ctx.runId}-${dataset.name}`,
        image: image.id,
        argv,
        env: [
          ...plan.env,
          `STACKCI_DATASET=${dataset.name}`,
          `STACKCI_DATASET_DIR=${mountAt}`,
          `STACKCI_OUTPUT_DIR=${plan.outputPath}`
        ],
        workdir: options.workdir,
        user: options.user,
        mounts: [{ source: dataset.path, target: mountAt, readOnly: true }],
        outputPath: plan.outputPath,
        memory: options.memory,
        cpus: options.cpus,
        network: plan.network,
        labels: { [RUN_LABEL]: ctx.runId, [DATASET_LABEL]: dataset.name },
        timeoutMs: plan.timeoutMs
      },
      {
        reporter,
        signal: options.signal,
        onLine: (line) => {
          log.write(`${line}\n`)
          reporter.info(prefix + line)
        },
        collect: async (container) =>
          collectOutputs(
            engine,
            container,
            {
              outputPath: plan.outputPath,
              patterns: plan.outputs,
              destination
            },
            reporter
          )
      }
    )
  } catch (error) {
    reporter.error(`${prefix}${errorMessage(error)}`)
    return errorResult(dataset.name, error, logFile)
  } finally {
    await new Promise<void>((done) => log.end(done))
  }
  const result = await finishResult(dataset.name, {
    outcome,
    logFile,
    patterns: plan.outputs,
    outputPath: plan.outputPath,
    timeoutMs: plan.timeoutMs,
    memory: options.memory,
    provenance: {
      dataset: dataset.name,
      image: image.ref,
      imageId: image.id,
      imageDigest: image.digest,
      command,
      durationMs: outcome.durationMs,
      runId: ctx.runId
    },
    reporter
  })
  const line = `${prefix}${result.status}: ${result.message} (${formatMs(result.durationMs)})`
  if (result.status === 'success') reporter.info(line)
  else {
    const tail = result.logTail.map((l) => `  | ${l}`).join('\n')
    reporter.error(
      result.logTail.length === 0
        ? line
        : `${line}; the last log lines:\n${tail}`
    )
  }
  return result
}
