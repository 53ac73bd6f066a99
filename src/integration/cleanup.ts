/**
 * Every container a run creates carries the run's id as a label, so one
 * query finds whatever a run left behind: the run's own sweep at its end,
 * and the action's post step after a cancelled or killed workflow (the run
 * id travels to it through GITHUB_STATE).
 */

import type { Reporter } from '../core/reporter.js'
import { engineCall, type DockerEngine } from '../docker/client.js'
import { removeContainer } from './container-run.js'
import { nodeCrypto } from '../core/builtins.js'

/** The label holding the run id. */
export const RUN_LABEL = 'stackci.integration.run'
/** The label holding the dataset name. */
export const DATASET_LABEL = 'stackci.integration.dataset'

/** The name the action saves its {@link RunState} under. */
export const STATE_KEY = 'integration'

/** What the post step needs to clean up. */
export interface RunState {
  runId: string
  dockerHost?: string
}

/** A new run id: time-ordered and unique, safe in names and labels. */
export function newRunId(): string {
  return `${Date.now().toString(36)}${nodeCrypto().randomBytes(3).toString('hex')}`
}

/** Reads a saved state; undefined when empty or not ours. */
export function parseRunState(text: string | undefined): RunState | undefined {
  if (text === undefined || text.trim() === '') return undefined
  try {
    const value = JSON.parse(text) as Partial<RunState>
    if (typeof value.runId !== 'string' || !/^[a-z0-9]+$/.test(value.runId))
      return undefined
    return {
      runId: value.runId,
      ...(typeof value.dockerHost === 'string'
        ? { dockerHost: value.dockerHost }
        : {})
    }
  } catch {
    return undefined
  }
}

/** Ids of the containers (running or not) labelled with `runId`. */
export async function runContainers(
  engine: DockerEngine,
  runId: string,
  reporter: Reporter
): Promise<string[]> {
  const list = await engineCall(
    engine,
    'list containers',
    async (abortSignal) =>
      engine.docker.listContainers({
        all: true,
        filters: { label: [`${RUN_LABEL}=${runId}`] },
        abortSignal
      }),
    reporter
  )
  return list.map((c) => c.Id)
}

/** Removes every container of the run; returns how many were removed. */
export async function removeRunContainers(
  engine: DockerEngine,
  runId: string,
  reporter: Reporter
): Promise<number> {
  const ids = await runContainers(engine, runId, reporter)
  let removed = 0
  for (const id of ids) {
    reporter.info(`removing container ${id.slice(0, 12)} left by run ${runId}`)
    if (await removeContainer(engine, engine.docker.getContainer(id), reporter))
      removed++
  }
  return removed
}
