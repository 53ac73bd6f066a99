/**
 * The integration action's inputs, read and checked in one place (keys
 * mirror action.yml), and the run options they make. Pure: the env is an
 * argument, so tests pass literals.
 */

import { join, resolve } from 'node:path'
import { ActionInputs } from '../core/action-inputs.js'
import type { Env } from '../core/env.js'
import { parseKeyValues } from '../docker/labels.js'
import { splitCommand } from './command.js'
import { parseDatasets, type Dataset } from './datasets.js'
import { parseCpus, parseMemory } from './limits.js'
import type { DatasetRunOptions } from './run-options.js'

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
  // Beyond the list:
  shell: boolean
  env: Record<string, string>
  user: string | undefined
  workdir: string | undefined
  'dataset-path': string | undefined
  'output-path': string | undefined
  'results-dir': string | undefined
  pull: boolean
  'docker-host': string | undefined
}

/** Reads every input; errors name the input and the bad value. */
export function readIntegrationInputs(env: Env): IntegrationInputs {
  const input = new ActionInputs('integration', env)
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
  const what = (name: string): string => `integration: input '${name}'`
  const command = input.string('command')
  const memory = input.string('memory')
  const cpus = input.string('cpus')
  const outputs = input.lines('outputs')
  return {
    image: input.required('image'),
    datasets: parseDatasets(
      input.lines('datasets'),
      workspace,
      what('datasets')
    ),
    command:
      command === undefined
        ? undefined
        : splitCommand(command, what('command')),
    outputs: outputs.length === 0 ? undefined : outputs,
    timeout: input.duration('timeout'),
    memory:
      memory === undefined ? undefined : parseMemory(memory, what('memory')),
    cpus: cpus === undefined ? undefined : parseCpus(cpus, what('cpus')),
    network: input.string('network'),
    parallel: input.integer('parallel', { min: 1, max: 64 }),
    shell: input.boolean('shell', false),
    env: parseKeyValues(input.lines('env'), what('env')),
    user: input.string('user'),
    workdir: input.string('workdir'),
    'dataset-path': input.string('dataset-path'),
    'output-path': input.string('output-path'),
    'results-dir': input.string('results-dir'),
    pull: input.boolean('pull', true),
    'docker-host': input.string('docker-host')
  }
}

/** The run options from the inputs; results under RUNNER_TEMP by default. */
export function integrationOptions(
  inputs: IntegrationInputs,
  env: Env,
  extra: { runId: string; signal?: AbortSignal }
): DatasetRunOptions {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
  const resultsDir =
    inputs['results-dir'] === undefined
      ? join(env.RUNNER_TEMP ?? workspace, 'stackci-integration')
      : resolve(workspace, inputs['results-dir'])
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
    resultsDir,
    pull: inputs.pull,
    runId: extra.runId,
    signal: extra.signal
  }
}
