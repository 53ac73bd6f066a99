/**
 * The flags `stackci metrics dispatch|report|replay` share, and how they
 * become {@link MetricsSettings}: stackci.yml's `metrics:` section first
 * (`--config`, or ./stackci.yml when present), flags over it, credentials
 * from the environment.
 */

import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { readStackciConfig, type StackciConfig } from '../core/config.js'
import { InputError } from '../core/errors.js'
import { expandGlobs } from '../core/glob.js'
import {
  DEFAULT_GIT_BRANCH,
  ENV_CHOICES,
  HISTORY_ORDER,
  parseDateCreated,
  parseGitTarget,
  readPackages,
  resolveMetricsSettings,
  type EnvChoice,
  type HistoryChoice,
  type MetricsOverrides,
  type MetricsSettings,
  type PrepareOptions
} from '../metrics/index.js'
import { expandJobPaths } from '../verify/index.js'

export interface StoreFlags {
  config?: string
  definitions?: string
  sqlite?: string | false
  influxdb?: string
  influxdbDb?: string
  influxdbRp?: string
  squash?: string
  sasquatch?: string
  sasquatchNamespace?: string
  sasquatchDataset?: string
  /** `URL[#BRANCH]`. */
  git?: string
  spool?: string | false
  history?: string
}

export interface DispatchFlags extends StoreFlags {
  dryRun?: boolean
  replay?: boolean
  series?: string
  baseline?: string
  env?: string
  dateCreated?: string
  imageDigest?: string
  releaseTag?: string
  gitSha?: string
  dataset?: string
  instrument?: string
  filter?: string
  packages?: string
  ignoreBlobs?: boolean
  failTags?: string[]
  warnTags?: string[]
  regressions?: string
  consecutive?: string
  minSamples?: string
  window?: string
  keyMetrics?: string[]
  gate?: boolean
  json?: boolean
  comment?: boolean
  pr?: string
  repo?: string
  slackChannel?: string
  slackThreadTs?: string
  failOnSpool?: boolean
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1)
    throw new InputError(
      `${flag} must be a positive integer, got ${JSON.stringify(value)}`
    )
  return n
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[]
): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError(
      `${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`
    )
  return value as T
}

export async function loadConfig(
  file: string | undefined
): Promise<StackciConfig | undefined> {
  if (file !== undefined) return readStackciConfig(file)
  return existsSync('stackci.yml')
    ? readStackciConfig('stackci.yml')
    : undefined
}

/** Settings from the flags, the config file and the environment. */
export function settingsFrom(
  flags: DispatchFlags,
  config: StackciConfig | undefined,
  env: NodeJS.ProcessEnv
): MetricsSettings {
  const o: MetricsOverrides = {}
  const set = <K extends keyof MetricsOverrides>(
    k: K,
    v: MetricsOverrides[K] | undefined
  ): void => {
    if (v !== undefined) o[k] = v
  }
  set(
    'definitions',
    flags.definitions === undefined ? undefined : resolve(flags.definitions)
  )
  set(
    'sqlite',
    typeof flags.sqlite === 'string' ? resolve(flags.sqlite) : flags.sqlite
  )
  set(
    'spool',
    typeof flags.spool === 'string' ? resolve(flags.spool) : flags.spool
  )
  set('influxdbUrl', flags.influxdb)
  set('influxdbDatabase', flags.influxdbDb)
  set('influxdbRetentionPolicy', flags.influxdbRp)
  set('squashUrl', flags.squash)
  set('sasquatchUrl', flags.sasquatch)
  set('sasquatchNamespace', flags.sasquatchNamespace)
  set('sasquatchDataset', flags.sasquatchDataset)
  if (flags.git !== undefined) {
    const target = parseGitTarget(flags.git, DEFAULT_GIT_BRANCH)
    o.gitUrl = target.url
    o.gitBranch = target.branch
  }
  set('history', oneOf('--history', flags.history, HISTORY_ORDER))
  set('failTags', flags.failTags)
  set('warnTags', flags.warnTags)
  set(
    'regressions',
    oneOf('--regressions', flags.regressions, [
      'fail',
      'warn',
      'ignore'
    ] as const)
  )
  set('baselineSeries', flags.baseline)
  set('consecutive', integer('--consecutive', flags.consecutive))
  set('minSamples', integer('--min-samples', flags.minSamples))
  set('window', integer('--window', flags.window))
  set('keyMetrics', flags.keyMetrics)
  set('slackChannel', flags.slackChannel)
  set('slackThreadTs', flags.slackThreadTs)
  set('pullRequest', integer('--pr', flags.pr))
  set('repository', flags.repo)
  if (flags.comment === false) o.prComment = false
  const baseDir =
    config === undefined ? process.cwd() : dirname(resolve(config.file))
  return resolveMetricsSettings(config?.metrics, o, env, baseDir, {
    defaultSqlite: true,
    ...(config?.verify?.definitions === undefined
      ? {}
      : { definitions: config.verify.definitions }),
    ...(config?.verify?.jobs === undefined ? {} : { jobs: config.verify.jobs })
  })
}

/**
 * The store a read command (history, export, report) reads: `--history`,
 * else the one store named by a flag, else metrics.history, else the first
 * configured of sqlite, git, influxdb.
 */
export function readChoice(
  flags: StoreFlags,
  settings: MetricsSettings
): HistoryChoice | undefined {
  const flagged = [
    typeof flags.sqlite === 'string' ? ('sqlite' as const) : undefined,
    flags.git === undefined ? undefined : ('git' as const),
    flags.influxdb === undefined ? undefined : ('influxdb' as const)
  ].filter((c) => c !== undefined)
  return (
    (flags.history as HistoryChoice | undefined) ??
    (flagged.length === 1 ? flagged[0] : undefined) ??
    settings.history ??
    HISTORY_ORDER.find((c) => settings.stores[c] !== undefined)
  )
}

/** The job files: the arguments (files or directories), else the config's globs. */
export async function jobFiles(
  args: readonly string[],
  settings: MetricsSettings,
  config: StackciConfig | undefined
): Promise<string[]> {
  const files =
    args.length > 0
      ? await expandJobPaths(args)
      : await expandGlobs(
          config === undefined ? process.cwd() : config.baseDir,
          settings.jobs
        )
  if (files.length === 0) {
    throw new InputError(
      args.length > 0
        ? `no *.verify.json files found in ${args.join(', ')}`
        : `no job files match ${settings.jobs.join(', ')}`,
      {
        hint: 'pass verify job files or directories, or set metrics.jobs in stackci.yml'
      }
    )
  }
  return files
}

/** How jobs are prepared, from the flags. */
export async function prepareFrom(
  flags: DispatchFlags
): Promise<Omit<PrepareOptions, 'env' | 'now'>> {
  const provenance = {
    ...(flags.imageDigest === undefined
      ? {}
      : { imageDigest: flags.imageDigest }),
    ...(flags.releaseTag === undefined ? {} : { releaseTag: flags.releaseTag }),
    ...(flags.gitSha === undefined ? {} : { gitSha: flags.gitSha }),
    ...(flags.dataset === undefined ? {} : { dataset: flags.dataset }),
    ...(flags.instrument === undefined ? {} : { instrument: flags.instrument }),
    ...(flags.filter === undefined ? {} : { filter: flags.filter })
  }
  const envChoice = oneOf<EnvChoice>('--env', flags.env, ENV_CHOICES)
  return {
    provenance,
    ...(envChoice === undefined ? {} : { envChoice }),
    ...(flags.series === undefined ? {} : { series: flags.series }),
    ...(flags.dateCreated === undefined
      ? {}
      : { dateCreated: parseDateCreated(flags.dateCreated, '--date-created') }),
    ...(flags.packages === undefined
      ? {}
      : { packages: await readPackages(flags.packages) }),
    ...(flags.ignoreBlobs === true ? { ignoreBlobs: true } : {})
  }
}
