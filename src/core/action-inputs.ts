/**
 * Typed readers for GitHub Action inputs: the {@link StepInputs} readers over
 * the runner's `INPUT_*` variables, taken from an env object so doors stay
 * tiny and readers are testable with a literal env. Every error names the
 * action, the input and the bad value.
 */

import type { Env } from './env.js'
import { StepInputs, actionSource } from './step-inputs.js'

export class ActionInputs extends StepInputs {
  constructor(
    readonly action: string,
    readonly env: Env = process.env
  ) {
    super(actionSource(action, env))
  }
}
