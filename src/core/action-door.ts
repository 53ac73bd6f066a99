/**
 * What every action's `main.ts` and `post.ts` would otherwise repeat: make
 * the Actions reporter, abort on SIGINT/SIGTERM, run the step, set its
 * outputs, write its job summary, fail the step with one line, and exit
 * (keep-alive sockets must not hold a finished step open). A door is then
 * its step module's three calls.
 */

import * as core from '@actions/core'
import { ActionsReporter } from './actions-reporter.js'
import type { Env } from './env.js'
import { errorMessage } from './errors.js'
import { abortOnSignals } from './signals.js'

/** What a door's body gets. */
export interface ActionContext {
  reporter: ActionsReporter
  env: Env
  /** GITHUB_WORKSPACE, or the working directory off Actions. */
  workspace: string
  /** Aborted on the first SIGINT/SIGTERM. */
  signal: AbortSignal
  saveState(key: string, value: unknown): void
  getState(key: string): string
}

/** What a door's body returns; every part is optional. */
export interface ActionOutcome {
  outputs?: Readonly<Record<string, string | number | boolean>>
  /** Markdown for the job summary. */
  summary?: string
  /** Set: the step fails with this message (after outputs and summary). */
  failure?: string
}

export interface ActionDoorOptions {
  /** A post step reports its own failure as a warning: the job is decided. */
  post?: boolean
}

/** Runs an action's body; see the module comment. */
export async function runAction(
  body: (ctx: ActionContext) => Promise<ActionOutcome | undefined>,
  options: ActionDoorOptions = {}
): Promise<void> {
  const reporter = new ActionsReporter()
  const cancel = new AbortController()
  const release = abortOnSignals(cancel, reporter)
  try {
    const outcome = await body({
      reporter,
      env: process.env,
      workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      signal: cancel.signal,
      saveState: (key, value) => {
        core.saveState(key, value)
      },
      getState: (key) => core.getState(key)
    })
    for (const [name, value] of Object.entries(outcome?.outputs ?? {}))
      core.setOutput(name, value)
    if (outcome?.summary !== undefined) await reporter.summary(outcome.summary)
    if (outcome?.failure !== undefined) core.setFailed(outcome.failure)
  } catch (error) {
    if (options.post === true) core.warning(errorMessage(error))
    else core.setFailed(errorMessage(error))
  } finally {
    release()
  }
  process.exit()
}
