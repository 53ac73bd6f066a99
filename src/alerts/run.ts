/**
 * The alerts step: from a `stackci.yml` (its `alerts:`, `metrics:`, `slack:`
 * and `github:` sections) and the environment to an evaluator ready to run
 * — the store it watches (which also keeps the alert state), the rules,
 * the gate's regression settings, and the Slack and GitHub clients the
 * routes need. Both doors (`check`, `watch`) open it the same way.
 */

import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { StackciConfig } from '../core/config.js'
import { ConfigError, type Problem } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { redactUrl } from '../core/secrets.js'
import { makeOctokit, makeSlackClient } from '../core/clients.js'
import type { Env } from '../core/env.js'
import {
  gitOverrides,
  resolveMetricsSettings,
  type GitSettings
} from '../metrics/settings.js'
import { SqliteStore } from '../metrics/sqlite-store.js'
import { loadDefinitions } from '../verify/index.js'
import type { AlertsPassDeps, AlertsPassInputs } from './check.js'
import { clientNotifier, type NotifierClients } from './notifier.js'
import { resolveAlertSettings } from './rules.js'
import { GitAlertState } from './git-state.js'
import {
  gitAlertSource,
  sqliteAlertSource,
  type AlertSource
} from './source.js'
import { SqliteAlertState } from './sqlite-state.js'
import type { AlertStateStore } from './state.js'

export interface AlertsOverrides {
  /** The SQLite store to watch (default metrics.stores.sqlite). */
  sqlite?: string
  /** The git store to watch, `URL[#BRANCH]` (default metrics.stores.git). */
  git?: string
}

/** The store a pass reads, and where it keeps the alert state. */
interface Watched {
  source: AlertSource
  state: AlertStateStore
  close(): Promise<void>
}

export interface OpenAlerts {
  inputs: AlertsPassInputs
  deps: Omit<AlertsPassDeps, 'clock'>
  close(): Promise<void>
}

const nonEmpty = (v: string | undefined): string | undefined =>
  v === undefined || v.trim() === '' ? undefined : v

/** Opens the store, resolves the rules and builds the clients. */
export async function openAlerts(
  config: StackciConfig,
  overrides: AlertsOverrides,
  env: Env,
  reporter: Reporter
): Promise<OpenAlerts> {
  const section = config.alerts
  if (section === undefined || section.rules.length === 0)
    throw new ConfigError(`${config.file} has no alert rules`, {
      where: { file: config.file },
      hint: 'add alerts: with rules (see docs/alerts.md)'
    })
  if (overrides.sqlite !== undefined && overrides.git !== undefined)
    throw new ConfigError('alerts watch one store: --sqlite or --git', {
      hint: 'pass one of --sqlite FILE and --git URL[#BRANCH]'
    })
  const baseDir = dirname(resolve(config.file))
  const metrics = resolveMetricsSettings(
    config.metrics,
    gitOverrides(overrides.git),
    env,
    baseDir,
    {
      defaultSqlite: true,
      ...(config.verify?.definitions === undefined
        ? {}
        : { definitions: config.verify.definitions })
    }
  )
  // An explicit flag wins; else SQLite when configured, else git.
  const path =
    overrides.sqlite === undefined
      ? overrides.git === undefined
        ? metrics.stores.sqlite?.path
        : undefined
      : resolve(overrides.sqlite)
  const git = path === undefined ? metrics.stores.git : undefined
  if (path === undefined && git === undefined)
    throw new ConfigError(
      'alerts watch the SQLite or the git store, and neither is set',
      {
        where: { file: config.file },
        hint: 'configure metrics.stores.sqlite or metrics.stores.git (or pass --sqlite FILE or --git URL[#BRANCH]); InfluxDB is not watched yet'
      }
    )
  const repository = nonEmpty(env.GITHUB_REPOSITORY)
  const settings = resolveAlertSettings(section, config, {
    series: metrics.baseline.series,
    ...(repository === undefined ? {} : { repository })
  })
  const problems: Problem[] = []
  const token = (variable: string, what: string): string => {
    const v = nonEmpty(env[variable])
    if (v === undefined)
      problems.push({
        where: { file: config.file },
        message: `${what}: environment variable ${variable} is not set`,
        hint: `set ${variable} (a secret in CI)`
      })
    return v ?? ''
  }
  const clients: NotifierClients = {}
  if (settings.rules.some((r) => r.routes.slack !== undefined)) {
    const t = token(
      section.slack?.['token-env'] ??
        config.slack?.['token-env'] ??
        'SLACK_BOT_TOKEN',
      'Slack alert routes'
    )
    const api = config.slack?.['api-url']
    if (t !== '')
      clients.slack = await makeSlackClient(
        t,
        api === undefined ? env : { ...env, STACKCI_SLACK_API_URL: api },
        reporter
      )
  }
  if (settings.rules.some((r) => r.routes.githubIssue)) {
    const t = token(
      section.github?.['token-env'] ??
        config.github?.['token-env'] ??
        'GITHUB_TOKEN',
      'GitHub issue routes'
    )
    if (settings.repository === undefined)
      problems.push({
        where: { file: config.file },
        message: 'GitHub issue routes need a repository',
        hint: 'set alerts.github.repository (owner/repo) or GITHUB_REPOSITORY'
      })
    const api = config.github?.['api-url']
    if (t !== '' && settings.repository !== undefined)
      clients.github = {
        octokit: await makeOctokit(
          t,
          api === undefined ? env : { ...env, GITHUB_API_URL: api },
          reporter
        ),
        repository: settings.repository
      }
  }
  if (
    metrics.definitions === undefined &&
    settings.rules.some((r) => r.kind === 'threshold')
  )
    problems.push({
      where: { file: config.file },
      message:
        'threshold rules check specifications, and no definitions are set',
      hint: 'set verify.definitions or metrics.definitions (the metrics/ and specs/ directory)'
    })
  if (path !== undefined && !existsSync(path))
    problems.push({
      where: { file: path },
      message: `no metrics store at ${path}`,
      hint: 'alerts watch the store dispatches write: dispatch into it first, or pass --sqlite FILE'
    })
  const watchedGit =
    git === undefined ? undefined : await openGit(git, reporter, problems)
  if (problems.length > 0)
    throw new ConfigError('the alerts cannot run as configured', { problems })
  const definitions =
    metrics.definitions === undefined
      ? undefined
      : await loadDefinitions(metrics.definitions)
  const watched = watchedGit ?? openSqlite(path as string)
  return {
    inputs: {
      settings,
      ...(definitions === undefined ? {} : { definitions }),
      baseline: metrics.baseline
    },
    deps: {
      source: watched.source,
      state: watched.state,
      notifier: clientNotifier(clients),
      reporter
    },
    close: async () => watched.close()
  }
}

/** The SQLite file: its rows and a table of its own for the state. */
function openSqlite(path: string): Watched {
  const store = new SqliteStore(path)
  let state: SqliteAlertState | undefined
  try {
    state = new SqliteAlertState(path)
    const source = sqliteAlertSource(store)
    const opened = state
    return {
      source,
      state: opened,
      close: async () => {
        await source.close?.()
        await opened.close()
        await store.close()
      }
    }
  } catch (error) {
    state?.close().catch(() => undefined)
    void store.close()
    throw error
  }
}

/**
 * The git store's branch: its history for the source, `alerts/` files on
 * it for the state. A branch nothing was dispatched into is a problem, as
 * a missing SQLite file is.
 */
async function openGit(
  git: GitSettings,
  reporter: Reporter,
  problems: Problem[]
): Promise<Watched | undefined> {
  const options = { ...git, reporter }
  const state = new GitAlertState(options)
  if (!(await state.exists())) {
    problems.push({
      where: { url: redactUrl(git.url) },
      message: `no metrics branch ${git.branch} in ${redactUrl(git.url)}`,
      hint: 'alerts watch the store dispatches write: dispatch into it first (stackci metrics dispatch --git URL)'
    })
    return undefined
  }
  const source = gitAlertSource(options)
  return {
    source,
    state,
    close: async () => {
      await source.close?.()
      await state.close()
    }
  }
}
