/**
 * The integration step: every dataset of `integration:` (or the profile's
 * subset) run in the image the stack-image step just built; the verify jobs
 * they write are handed on to the metrics.
 */

import { join } from 'node:path'
import { InputError } from '../core/errors.js'
import { plural } from '../core/format.js'
import {
  integrationInputsFromConfig,
  runIntegration
} from '../integration/step.js'
import { candidateTag } from './image-step.js'
import { type RunState, type StepDone } from './state.js'

/** The image to run in, from what the run built or the registry holds. */
function runImage(run: RunState): string {
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
  return image
}

export async function integrationStep(run: RunState): Promise<StepDone> {
  if (run.config.integration === undefined) {
    return { status: 'skipped', detail: 'no integration: section' }
  }
  const inputs = integrationInputsFromConfig(run.config, run.profile.section, {
    image: runImage(run),
    // Built a moment ago: never pulled; a fanned-out job pulls the candidate.
    pull: run.image === undefined
  })
  const result = await runIntegration(inputs, {
    reporter: run.reporter,
    workspace: run.config.baseDir,
    resultsDir: join(run.dir, 'integration'),
    engine: run.engine,
    runId: run.runId,
    signal: run.options.signal
  })
  run.integration = result
  run.jobs = result.jobs
  const ok = result.results.filter((r) => r.status === 'success').length
  return {
    status: result.passed ? 'passed' : 'failed',
    detail: `${ok}/${result.results.length} datasets succeeded, ${plural(result.jobs.length, 'job')} collected`
  }
}
