/**
 * The integration step: every dataset of `integration:` (or the profile's
 * subset) run in the image the stack-image step just built; the verify jobs
 * they write are handed on to the metrics.
 */

import { join, resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import { parseCpus, parseMemory } from '../integration/limits.js'
import { runDatasets } from '../integration/run-datasets.js'
import { candidateTag } from './image-step.js'
import { plural } from '../core/format.js'
import { type RunState, type StepDone } from './state.js'

export async function integrationStep(run: RunState): Promise<StepDone> {
  const section = run.config.integration
  if (section === undefined) {
    return { status: 'skipped', detail: 'no integration: section' }
  }
  // The very digest that was pushed (and will be promoted), else the
  // local build; in a fanned-out job, the run's candidate in the registry.
  const built = run.image
  const registry = run.config.registry?.repository
  const image =
    built === undefined
      ? registry === undefined
        ? undefined
        : `${registry}:${candidateTag(run.runId)}`
      : built.digest === undefined
        ? built.image
        : `${built.repository}@${built.digest}`
  if (image === undefined) {
    throw new InputError(
      'no image to run in (the stack-image step did not build one, and no registry holds a candidate)'
    )
  }
  const wanted = run.profile.section.datasets
  const datasets = Object.entries(section.datasets)
    .filter(([name]) => wanted === undefined || wanted.includes(name))
    .map(([name, path]) => ({ name, path: resolve(run.config.baseDir, path) }))
  const command = section.command
  const result = await runDatasets(
    await run.engine(),
    {
      image,
      datasets,
      command,
      shell: section.shell,
      outputs: section.outputs,
      timeoutMs: section.timeout,
      memory:
        section.memory === undefined
          ? undefined
          : parseMemory(section.memory, 'integration.memory'),
      cpus:
        section.cpus === undefined
          ? undefined
          : parseCpus(String(section.cpus), 'integration.cpus'),
      network: section.network,
      user: section.user,
      workdir: section.workdir,
      env: section.env,
      datasetPath: section['dataset-path'],
      outputPath: section['output-path'],
      parallel: section.parallel,
      resultsDir:
        section['results-dir'] === undefined
          ? join(run.dir, 'integration')
          : resolve(run.config.baseDir, section['results-dir']),
      runId: run.runId,
      // Built a moment ago: never pulled; a fanned-out job pulls the candidate.
      pull: built === undefined,
      signal: run.options.signal
    },
    run.reporter
  )
  run.integration = result
  run.jobs = result.jobs
  const ok = result.results.filter((r) => r.status === 'success').length
  return {
    status: result.passed ? 'passed' : 'failed',
    detail: `${ok}/${result.results.length} datasets succeeded, ${plural(result.jobs.length, 'job')} collected`
  }
}
