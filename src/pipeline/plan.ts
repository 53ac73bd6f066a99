/**
 * What a run will do, known before anything heavy is loaded: the profile,
 * its steps and the run id. The root action announces it as its first line
 * while the steps' modules (Docker, Slack, GitHub, the stores) load.
 */

import { plural } from '../core/format.js'
import type { StackciConfig } from '../core/config.js'
import { onlySteps, resolveProfile, type ResolvedProfile } from './profile.js'
import { pipelineRunId } from './run-id.js'
import type { Env } from '../core/env.js'

export interface PipelinePlan {
  profile: ResolvedProfile
  runId: string
}

export function planPipeline(
  config: StackciConfig,
  options: {
    profile?: string
    version?: string
    steps?: readonly string[]
    runId?: string
    env?: Env
    now?: () => Date
  } = {}
): PipelinePlan {
  return {
    profile: onlySteps(
      resolveProfile(config, options.profile, options.version),
      options.steps
    ),
    runId: pipelineRunId(
      options.env ?? process.env,
      options.runId,
      options.now?.()
    )
  }
}

/** `stackci pr: run gh-7012345678-1, 5 steps: lint → … → dispatch-metrics` */
export function planLine(plan: PipelinePlan): string {
  const { profile, runId } = plan
  const total = profile.steps.length
  return `stackci ${profile.name}: run ${runId}, ${plural(total, 'step')}: ${profile.steps.join(' → ') || 'none'}`
}
