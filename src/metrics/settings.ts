/**
 * The settings of a metrics run, resolved once from three layers: the
 * `metrics:` section of stackci.yml, then flags or action inputs, then the
 * environment (credentials only ever come from there). Every missing
 * credential is reported at once, naming the variable to set.
 */

import { isAbsolute, resolve } from 'node:path'
import type { MetricsSection } from '../core/config.js'
import { ConfigError, type Problem } from '../core/errors.js'
import type { Env } from '../core/env.js'
import { DEFAULT_GATE, type GateSettings } from './gate.js'
import { DEFAULT_BASELINE, type BaselineSettings } from './history.js'
import type { InfluxStoreOptions } from './influxdb-store.js'
import { DEFAULT_GIT_BRANCH, DEFAULT_GIT_CACHE } from './git-store.js'
import { parseGitTarget } from './git-cli.js'
import type { Acceptance } from './store.js'
import type { AlertKind } from '../notify/metrics-model.js'

/** The influxdb store as configured (the clients and clock come later). */
export type InfluxSettings = Omit<
  InfluxStoreOptions,
  'retries' | 'minDelayMs' | 'clock' | 'reporter'
>

export interface SasquatchSettings {
  url: string
  namespace: string
  dataset?: string
  token?: string
  timeoutMs?: number
}

export interface StoreSettings {
  sqlite?: { path: string }
  influxdb?: InfluxSettings
  squash?: { url: string; user: string; password: string; timeoutMs?: number }
  sasquatch?: SasquatchSettings
  git?: GitSettings
}

export interface GitSettings {
  url: string
  branch: string
  /** For HTTP(S) remotes: sent as actions/checkout does, never in the URL. */
  token?: string
  /** The local bare cache of the branch. */
  cacheDir: string
}

/** The stores history can be read from. */
export type HistoryChoice = 'sqlite' | 'influxdb' | 'git'

export type { AlertKind } from '../notify/metrics-model.js'

export interface MetricsSettings {
  definitions: string | undefined
  jobs: string[]
  /** Undefined: no spool (a failed send is an error). */
  spool: string | undefined
  stores: StoreSettings
  history: HistoryChoice | undefined
  gate: GateSettings
  baseline: BaselineSettings
  report: { keyMetrics: string[]; trendPoints: number }
  slack?: { channel: string; token: string; on: AlertKind[]; threadTs?: string }
  /** The sticky PR comment (when a token and a PR are known). */
  comment?: { token: string; repository: string; issue: number; key: string }
}

/** What flags and action inputs can set (undefined: not given). */
export interface MetricsOverrides {
  definitions?: string
  jobs?: string[]
  /** `false`: no spool. */
  spool?: string | false
  /** `false`: no sqlite store even if configured. */
  sqlite?: string | false
  influxdbUrl?: string
  influxdbDatabase?: string
  influxdbRetentionPolicy?: string
  influxdbUsername?: string
  influxdbPassword?: string
  squashUrl?: string
  squashUser?: string
  squashPassword?: string
  sasquatchUrl?: string
  sasquatchNamespace?: string
  sasquatchDataset?: string
  sasquatchToken?: string
  /** A git store: the repository URL (and branch). */
  gitUrl?: string
  gitBranch?: string
  history?: HistoryChoice
  failTags?: string[]
  warnTags?: string[]
  regressions?: GateSettings['regressions']
  baselineSeries?: string
  consecutive?: number
  minSamples?: number
  window?: number
  keyMetrics?: string[]
  slackChannel?: string
  slackToken?: string
  slackThreadTs?: string
  /** `false`: never comment. */
  prComment?: boolean
  githubToken?: string
  repository?: string
  pullRequest?: number
  commentKey?: string
}

/** A `--git URL[#BRANCH]` flag (or input) as the overrides it makes. */
export function gitOverrides(
  target: string | undefined
): Pick<MetricsOverrides, 'gitUrl' | 'gitBranch'> {
  if (target === undefined) return {}
  const { url, branch } = parseGitTarget(target, DEFAULT_GIT_BRANCH)
  return { gitUrl: url, gitBranch: branch }
}

export const DEFAULT_SQLITE = '.stackci/metrics.sqlite'
export const DEFAULT_SPOOL = '.stackci/spool'
/** verify_to_sasquatch's default namespace (Rubin's Jenkins uses lsst.verify.drp). */
export const DEFAULT_NAMESPACE = 'lsst.dm'

const nonEmpty = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v

/** Resolves the settings; paths relative to `baseDir`. */
export function resolveMetricsSettings(
  section: MetricsSection | undefined,
  overrides: MetricsOverrides,
  env: Env,
  baseDir: string,
  fallback: {
    definitions?: string
    jobs?: string[]
    defaultSqlite?: boolean
  } = {}
): MetricsSettings {
  const s = section ?? {}
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p))
  const problems: Problem[] = []
  const need = (variable: string, what: string): string => {
    const v = nonEmpty(env[variable])
    if (v === undefined) {
      problems.push({
        where: {},
        message: `${what}: environment variable ${variable} is not set`,
        hint: `set ${variable} (a secret in CI)`
      })
    }
    return v ?? ''
  }
  const stores: StoreSettings = {}
  const configured = s.stores ?? {}
  const sqlite =
    overrides.sqlite === false
      ? undefined
      : (overrides.sqlite ?? configured.sqlite?.path)
  if (sqlite !== undefined) stores.sqlite = { path: at(sqlite) }
  const ci = configured.influxdb
  const influxUrl = overrides.influxdbUrl ?? ci?.url
  if (influxUrl !== undefined) {
    const userVar = ci?.['username-env'] ?? 'INFLUXDB_USERNAME'
    const passVar = ci?.['password-env'] ?? 'INFLUXDB_PASSWORD'
    const username = overrides.influxdbUsername ?? nonEmpty(env[userVar])
    const password = overrides.influxdbPassword ?? nonEmpty(env[passVar])
    stores.influxdb = {
      url: influxUrl,
      database: overrides.influxdbDatabase ?? ci?.database ?? 'stackci',
      ...opt(
        'retentionPolicy',
        overrides.influxdbRetentionPolicy ?? ci?.['retention-policy']
      ),
      ...opt('precision', ci?.precision),
      ...opt('username', username),
      ...opt('password', password),
      credentialVars: { username: userVar, password: passVar },
      ...opt('batchSize', ci?.['batch-size']),
      ...opt('concurrency', ci?.concurrency),
      ...opt('createDatabase', ci?.['create-database']),
      ...opt('tagKeys', ci?.['tag-keys']),
      ...opt('timeoutMs', ci?.timeout)
    }
  }
  const cs = configured.squash
  const squashUrl = overrides.squashUrl ?? cs?.url
  if (squashUrl !== undefined) {
    const userVar = cs?.['user-env'] ?? 'SQUASH_USER'
    const passVar = cs?.['password-env'] ?? 'SQUASH_PASSWORD'
    const user = overrides.squashUser ?? need(userVar, 'the squash store')
    // dispatch_verify reads SQUASH_password (sic); accept it too.
    const password =
      overrides.squashPassword ??
      nonEmpty(env[passVar]) ??
      nonEmpty(env.SQUASH_password) ??
      need(passVar, 'the squash store')
    stores.squash = {
      url: squashUrl,
      user,
      password,
      ...opt('timeoutMs', cs?.timeout)
    }
  }
  const cq = configured.sasquatch
  const sasquatchUrl = overrides.sasquatchUrl ?? cq?.url
  if (sasquatchUrl !== undefined) {
    // A token is optional (a proxy inside the ingress may need none), but
    // a variable named in stackci.yml must be set.
    const tokenVar = cq?.['token-env']
    const token =
      overrides.sasquatchToken ??
      (tokenVar === undefined
        ? nonEmpty(env.SASQUATCH_TOKEN)
        : need(tokenVar, 'the sasquatch store'))
    stores.sasquatch = {
      url: sasquatchUrl,
      namespace:
        overrides.sasquatchNamespace ?? cq?.namespace ?? DEFAULT_NAMESPACE,
      ...opt('dataset', overrides.sasquatchDataset ?? cq?.dataset),
      ...opt('token', token === '' ? undefined : token),
      ...opt('timeoutMs', cq?.timeout)
    }
  }
  const git = gitSettings(configured.git, overrides, env, at, problems)
  if (git !== undefined) stores.git = git
  // The embedded default, when nothing else is configured (the CLI).
  if (
    fallback.defaultSqlite === true &&
    overrides.sqlite === undefined &&
    Object.keys(stores).length === 0
  )
    stores.sqlite = { path: at(DEFAULT_SQLITE) }
  const b = s.baseline ?? {}
  const baseline: BaselineSettings = {
    ...DEFAULT_BASELINE,
    series: overrides.baselineSeries ?? b.series ?? DEFAULT_BASELINE.series,
    statistic: b.statistic ?? DEFAULT_BASELINE.statistic,
    sigma: b.sigma ?? DEFAULT_BASELINE.sigma,
    window: overrides.window ?? b.window ?? DEFAULT_BASELINE.window,
    minSamples:
      overrides.minSamples ?? b['min-samples'] ?? DEFAULT_BASELINE.minSamples,
    consecutive:
      overrides.consecutive ?? b.consecutive ?? DEFAULT_BASELINE.consecutive,
    minChange: b['min-change'] ?? DEFAULT_BASELINE.minChange,
    ...opt('lookback', b.lookback),
    ...opt('directions', b.directions),
    acceptances: (b.accept ?? []).map((a): Acceptance => ({
      metric: a.metric,
      dataset: a.dataset ?? '',
      instrument: a.instrument ?? '',
      filter: a.filter ?? '',
      series: a.series ?? '',
      since: Date.parse(/T/.test(a.since) ? a.since : `${a.since}T00:00:00Z`),
      reason: a.reason
    }))
  }
  const settings: MetricsSettings = {
    definitions: mapOpt(
      overrides.definitions ?? s.definitions ?? fallback.definitions,
      at
    ),
    jobs: overrides.jobs ?? s.jobs ?? fallback.jobs ?? ['**/*.verify.json'],
    spool:
      overrides.spool === false
        ? undefined
        : at(overrides.spool ?? s.spool ?? DEFAULT_SPOOL),
    stores,
    history: overrides.history ?? s.history,
    gate: {
      fail: overrides.failTags ?? s.gate?.fail ?? DEFAULT_GATE.fail,
      warn: overrides.warnTags ?? s.gate?.warn ?? DEFAULT_GATE.warn,
      regressions:
        overrides.regressions ?? s.gate?.regressions ?? DEFAULT_GATE.regressions
    },
    baseline,
    report: {
      keyMetrics: overrides.keyMetrics ?? s.report?.['key-metrics'] ?? [],
      trendPoints: s.report?.['trend-points'] ?? 30
    }
  }
  const slack = s.notify?.slack
  const channel = overrides.slackChannel ?? slack?.channel
  if (channel !== undefined) {
    const tokenVar = slack?.['token-env'] ?? 'SLACK_BOT_TOKEN'
    settings.slack = {
      channel,
      token: overrides.slackToken ?? need(tokenVar, 'the Slack alert'),
      on: slack?.on ?? ['failures', 'warnings', 'regressions'],
      ...opt(
        'threadTs',
        overrides.slackThreadTs ?? nonEmpty(env.STACKCI_SLACK_THREAD_TS)
      )
    }
  }
  const wantComment = overrides.prComment ?? s.notify?.['pr-comment'] ?? true
  const token = overrides.githubToken ?? nonEmpty(env.GITHUB_TOKEN)
  const repository = overrides.repository ?? nonEmpty(env.GITHUB_REPOSITORY)
  const issue = overrides.pullRequest ?? pullRequestOf(env)
  if (
    wantComment &&
    token !== undefined &&
    repository !== undefined &&
    issue !== undefined
  ) {
    settings.comment = {
      token,
      repository,
      issue,
      key: overrides.commentKey ?? 'dispatch-metrics'
    }
  }
  if (problems.length > 0) {
    throw new ConfigError('metrics: credentials are missing', { problems })
  }
  return settings
}

/**
 * The git store, from `metrics.stores.git` and `--git`. Without a URL on
 * Actions it is the workflow's own repository.
 */
function gitSettings(
  section: NonNullable<MetricsSection['stores']>['git'],
  overrides: MetricsOverrides,
  env: Env,
  at: (p: string) => string,
  problems: Problem[]
): GitSettings | undefined {
  if (section === undefined && overrides.gitUrl === undefined) return undefined
  const server = nonEmpty(env.GITHUB_SERVER_URL)
  const repository = nonEmpty(env.GITHUB_REPOSITORY)
  const url =
    overrides.gitUrl ??
    section?.url ??
    (server !== undefined && repository !== undefined
      ? `${server.replace(/\/$/, '')}/${repository}.git`
      : undefined)
  // A file whose git store relies on the Actions default (no url) still
  // works on a laptop or in Jenkins: the store is simply not there.
  if (
    url === undefined &&
    overrides.gitUrl === undefined &&
    env.GITHUB_ACTIONS !== 'true'
  )
    return undefined
  if (url === undefined) {
    problems.push({
      where: {},
      message: 'the git store has no repository URL',
      hint: 'set metrics.stores.git.url or pass --git URL (on Actions it defaults to the workflow repository)'
    })
    return undefined
  }
  // A variable named in the file wins; else GITHUB_TOKEN, else the
  // action's github-token input (the runner sets no GITHUB_TOKEN itself).
  const tokenVar = section?.['token-env']
  const token =
    tokenVar === undefined
      ? (nonEmpty(env.GITHUB_TOKEN) ?? overrides.githubToken)
      : nonEmpty(env[tokenVar])
  return {
    url,
    branch: overrides.gitBranch ?? section?.branch ?? DEFAULT_GIT_BRANCH,
    ...opt('token', token),
    cacheDir: at(section?.cache ?? DEFAULT_GIT_CACHE)
  }
}

/** The pull request number of a `refs/pull/N/…` ref. */
export function pullRequestOf(env: Env): number | undefined {
  const m = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')
  return m === null ? undefined : Number(m[1])
}

function opt<K extends string, V>(
  key: K,
  value: V | undefined
): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function mapOpt<T, U>(v: T | undefined, f: (t: T) => U): U | undefined {
  return v === undefined ? undefined : f(v)
}
