/**
 * The integration step, one module for its three doors: the inputs (keys
 * as in actions/integration/action.yml) read from the action, the CLI's
 * flags (`stackci dataset run`) or `stackci.yml`'s `integration:` section by
 * one parser, so a bad value is worded the same whatever its source; the
 * run composed from them; and the clean-up the action's post step does.
 * The outputs and the summary are rendered in summary.ts.
 */

import { join, resolve } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import type { StackciConfig } from '../core/config.js'
import type { Env } from '../core/env.js'
import { plural } from '../core/format.js'
import type { Reporter } from '../core/reporter.js'
import { errorMessage } from '../core/errors.js'
import {
  StepInputs,
  configSource,
  type InputSource,
  flagSource,
  layered,
  valuesSource
} from '../core/step-inputs.js'
import { connectDocker, type DockerEngine } from '../docker/client.js'
import { parseKeyValues } from '../docker/labels.js'
import { newRunId, parseRunState, removeRunContainers } from './cleanup.js'
import type { RunState } from './cleanup.js'
import { splitCommand } from './command.js'
import { parseDatasets, type Dataset } from './datasets.js'
import { parseCpus, parseMemory } from './limits.js'
import type { DatasetRunOptions } from './run-options.js'
import { runDatasets, type IntegrationResult } from './run-datasets.js'

export {
  failureMessage,
  integrationOutputs,
  integrationSummary,
  integrationTable
} from './summary.js'

export interface IntegrationInputs {
  image: string
  datasets: Dataset[]
  command: string[] | undefined
  outputs: string[] | undefined
  timeout: number | undefined
  memory: number | undefined
  cpus: number | undefined
  network: string | undefined
  parallel: number | undefined
  shell: boolean
  env: Record<string, string>
  user: string | undefined
  workdir: string | undefined
  'dataset-path': string | undefined
  'output-path': string | undefined
  'results-dir': string | undefined
  pull: boolean
  'docker-host': string | undefined
  /** Datasets may lie outside the workspace (symlinks resolved); #18. */
  'allow-outside-workspace': boolean
}

/**
 * Reads every input; errors name the input (as its source calls it) and
 * the bad value. Relative dataset paths start at `base`.
 */
export function readIntegrationInputs(
  r: StepInputs,
  base: string
): IntegrationInputs {
  const what = (key: string): string => r.source.describe(key)
  const optional = <T>(
    key: string,
    parse: (text: string) => T
  ): T | undefined => {
    const text = r.string(key)
    return text === undefined ? undefined : parse(text)
  }
  const outputs = r.lines('outputs')
  return {
    image: r.required('image'),
    datasets: parseDatasets(r.lines('datasets'), base, what('datasets')),
    command: readCommand(r),
    outputs: outputs.length === 0 ? undefined : outputs,
    timeout: r.duration('timeout'),
    memory: optional('memory', (t) => parseMemory(t, what('memory'))),
    cpus: optional('cpus', (t) => parseCpus(t, what('cpus'))),
    network: r.string('network'),
    parallel: r.integer('parallel', { min: 1, max: 64 }),
    shell: r.boolean('shell', false),
    env: parseKeyValues(r.lines('env'), what('env')),
    user: r.string('user'),
    workdir: r.string('workdir'),
    'dataset-path': r.string('dataset-path'),
    'output-path': r.string('output-path'),
    'results-dir': r.string('results-dir'),
    pull: r.boolean('pull', true),
    'docker-host': r.string('docker-host'),
    'allow-outside-workspace': r.boolean('allow-outside-workspace', false)
  }
}

/** Words (or a JSON array) from an action; an argv from the CLI or the file. */
function readCommand(r: StepInputs): string[] | undefined {
  const raw = r.source.get('command')
  if (Array.isArray(raw))
    return raw.length === 0 ? undefined : raw.map((w) => String(w))
  const text = r.string('command')
  return text === undefined
    ? undefined
    : splitCommand(text, r.source.describe('command'))
}

/** The action's inputs; paths start at GITHUB_WORKSPACE. */
export function integrationInputsFromAction(env: Env): IntegrationInputs {
  return readIntegrationInputs(
    new ActionInputs('integration', env),
    env.GITHUB_WORKSPACE ?? process.cwd()
  )
}

/** `integration:` as a source: name → path maps as the action's lines. */
function configSection(
  config: StackciConfig,
  only?: readonly string[]
): InputSource {
  const section = config.integration
  const datasets = Object.entries(section?.datasets ?? {})
    .filter(([name]) => only === undefined || only.includes(name))
    .map(([name, path]) => `${name}=${resolve(config.baseDir, path)}`)
  const env = Object.entries(section?.env ?? {}).map(([k, v]) => `${k}=${v}`)
  return configSource(config.file, 'integration', {
    ...section,
    datasets,
    env,
    ...(section?.['results-dir'] === undefined
      ? {}
      : { 'results-dir': resolve(config.baseDir, section['results-dir']) })
  })
}

/**
 * `stackci dataset run`'s flags (`command` is the argv after `--`); inside
 * a project, `integration:` gives the defaults and the flags override.
 */
export function integrationInputsFromFlags(
  flags: object,
  config?: StackciConfig
): IntegrationInputs {
  const source = flagSource(flags, { datasets: 'dataset' })
  return readIntegrationInputs(
    new StepInputs(
      config?.integration === undefined
        ? source
        : layered(source, configSection(config))
    ),
    process.cwd()
  )
}

/**
 * What the pipeline runs: the file's `integration:` (the profile's datasets
 * only), in the image the run built or pulls.
 */
export function integrationInputsFromConfig(
  config: StackciConfig,
  profile: { datasets?: readonly string[] | undefined },
  run: { image: string; pull: boolean }
): IntegrationInputs {
  return readIntegrationInputs(
    new StepInputs(
      layered(
        valuesSource('integration', run),
        configSection(config, profile.datasets)
      )
    ),
    config.baseDir
  )
}

export interface IntegrationDeps {
  reporter: Reporter
  /** Datasets must lie inside it (unless allowed); relative results-dir starts here. */
  workspace: string
  /** Where results go when `results-dir` is not given. */
  resultsDir: string
  /** The engine (default: `docker-host`, else DOCKER_HOST, else the socket). */
  engine?: () => Promise<DockerEngine>
  runId?: string
  signal?: AbortSignal
  /** Told the run id before any container exists (the action's post step cleans up by it). */
  onStart?: (state: RunState) => void
}

/** The library's run options from the inputs. */
export function integrationOptions(
  inputs: IntegrationInputs,
  deps: Pick<IntegrationDeps, 'workspace' | 'resultsDir' | 'signal'>,
  runId: string
): DatasetRunOptions {
  return {
    image: inputs.image,
    datasets: inputs.datasets,
    command: inputs.command,
    shell: inputs.shell,
    outputs: inputs.outputs,
    timeoutMs: inputs.timeout,
    memory: inputs.memory,
    cpus: inputs.cpus,
    network: inputs.network,
    user: inputs.user,
    workdir: inputs.workdir,
    env: inputs.env,
    datasetPath: inputs['dataset-path'],
    outputPath: inputs['output-path'],
    parallel: inputs.parallel,
    resultsDir:
      inputs['results-dir'] === undefined
        ? deps.resultsDir
        : resolve(deps.workspace, inputs['results-dir']),
    workspace: inputs['allow-outside-workspace'] ? undefined : deps.workspace,
    pull: inputs.pull,
    runId,
    signal: deps.signal
  }
}

/** Where the action's results go by default: under RUNNER_TEMP. */
export function actionResultsDir(env: Env, workspace: string): string {
  return join(env.RUNNER_TEMP ?? workspace, 'stackci-integration')
}

/**
 * Runs every dataset: says what it will run first, then connects to the
 * engine (loading its client) and runs them (see run-datasets.ts).
 */
export async function runIntegration(
  inputs: IntegrationInputs,
  deps: IntegrationDeps
): Promise<IntegrationResult> {
  const runId = deps.runId ?? newRunId()
  const names = inputs.datasets.map((d) => d.name).join(', ')
  deps.reporter.info(
    `integration: ${plural(inputs.datasets.length, 'dataset')} (${names}) in ${inputs.image}`
  )
  const host = inputs['docker-host']
  deps.onStart?.({ runId, ...(host === undefined ? {} : { dockerHost: host }) })
  const connect = deps.engine ?? (async () => connectDocker(host))
  return runDatasets(
    await connect(),
    integrationOptions(inputs, deps, runId),
    deps.reporter
  )
}

/**
 * The action's post step: removes every container a cancelled or killed
 * run left, found by the run id the main step saved. Never throws: the
 * job's result is decided, a failed clean-up is a warning.
 */
export async function cleanUpIntegration(
  saved: string,
  reporter: Reporter,
  connect: (host?: string) => Promise<DockerEngine> = connectDocker
): Promise<void> {
  const state = parseRunState(saved)
  if (state === undefined) {
    reporter.info('nothing to clean up: no run was started')
    return
  }
  try {
    const engine = await connect(state.dockerHost)
    const removed = await removeRunContainers(engine, state.runId, reporter)
    reporter.info(
      removed === 0
        ? `nothing to clean up: run ${state.runId} left no container`
        : `removed ${removed} container(s) left by run ${state.runId}`
    )
  } catch (error) {
    reporter.warning(`integration clean-up: ${errorMessage(error)}`)
  }
}
