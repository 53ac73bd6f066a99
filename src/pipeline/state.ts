/**
 * What a pipeline run knows as it goes: its settings, and what each step
 * handed on (the Jenkins build, the image, the collected jobs, the metrics
 * store). Steps read what earlier steps left and add their own.
 */

import type { StackciConfig } from '../core/config.js'
import type { ParamValue } from '../core/notebook-config.js'
import type { Reporter } from '../core/reporter.js'
import type { DockerEngine } from '../docker/client.js'
import type { TagMove } from '../docker/promote.js'
import type { ReleaseTags } from '../docker/release-tags.js'
import type { StackImageResult } from '../docker/stack-image.js'
import type { IntegrationResult } from '../integration/run-datasets.js'
import type { TestSummary } from '../jenkins/published.js'
import type { JenkinsBuildOutcome } from '../jenkins/results.js'
import type { ResolvedProfile } from './profile.js'
import type { Variables } from './variables.js'
import type { Env } from '../core/env.js'

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'error'

/** How a step ended, for the progress line and the closing table. */
export interface StepDone {
  status: StepStatus
  /** One line. */
  detail: string
  /** Where to read what the step made (the Slack thread links it). */
  link?: { url: string; text: string }
  /**
   * The step's own summary (markdown, capped): what the action writes to
   * the job summary and `stackci run` prints under the closing table.
   */
  summary?: string
}

export interface PipelineOptions {
  /** The plan the caller made and announced (planPipeline); else made here. */
  plan?: { profile: ResolvedProfile; runId: string }
  /** The profile (default: the file's default). */
  profile?: string
  /** Release version (stable and candidates), PR number or commit. */
  version?: string
  /** Release date `YYYY-MM-DD` (daily, weekly). */
  date?: string
  runId?: string
  env?: Env
  signal?: AbortSignal
  /** Values for every notebook's parameters, over stackci.yml's. */
  notebookParams?: Readonly<Record<string, ParamValue>>
  /** Findings annotated per kind: 10 in Actions (the runner's limit), 0 in a terminal. */
  annotationLimit?: number
  /** Only these of the profile's steps (collect mode: dispatch-metrics,promote). */
  steps?: readonly string[]
  /** Verify job files to use instead of running integration (collect mode). */
  jobs?: readonly string[]
  /** Jenkins console lines cannot become workflow commands (Actions). */
  protectCommands?: boolean
  /** The Docker engine (default: DOCKER_HOST, else the local socket). */
  docker?: () => Promise<DockerEngine>
  now?: () => Date
}

export interface RunState {
  readonly config: StackciConfig
  readonly profile: ResolvedProfile
  readonly runId: string
  readonly env: Env
  /** What the GitHub and Slack clients see: env and the config's API bases and token ({@link clientEnvOf}). */
  readonly clientEnv: Env
  readonly reporter: Reporter
  readonly options: PipelineOptions
  /** `<config dir>/.stackci/runs/<run id>`: this run's files. */
  readonly dir: string
  readonly engine: () => Promise<DockerEngine>
  /** The release this run makes (preflight), when its steps make one. */
  release?:
    | {
        kind: ResolvedProfile['kind']
        version: string | undefined
        tags: ReleaseTags
        /** Tagged from a work tree with uncommitted changes. */
        dirty?: boolean
      }
    | undefined
  /** `{run.id}`, `{release.week}`… (preflight). */
  variables?: Variables
  jenkins?: JenkinsBuildOutcome
  /** The JUnit summary of the Jenkins build, when it published one. */
  tests?: TestSummary
  image?: StackImageResult
  /** What promote moved, or where the tags stayed on a red run. */
  moves?: TagMove[]
  integration?: IntegrationResult
  /** The lint step's counts job (the ratchet), dispatched with the others. */
  lintJob?: string
  /** Codes of the findings on the changed lines, per linter (the ratchet's message). */
  lintCodes?: Record<string, Record<string, number>>
  /** Verify jobs this run produced (integration), host paths. */
  jobs?: string[]
  /** The SQLite store the metrics went to (the report reads it). */
  sqliteStore?: string
  report?: string
  /** The rendered notebook reports (HTML). */
  notebooks?: string[]
  /** The Slack thread of this run, once its parent message is posted. */
  slackThread?: { channel: string; ts: string }
}

/** The API bases the config names (emulators, GitHub Enterprise, Slack), and its GitHub token, over `env`. */
export function clientEnvOf(config: StackciConfig, env: Env): Env {
  const out: Record<string, string | undefined> = { ...env }
  const slackUrl = config.slack?.['api-url']
  if (slackUrl !== undefined) out.STACKCI_SLACK_API_URL = slackUrl
  const githubUrl = config.github?.['api-url']
  if (githubUrl !== undefined) out.GITHUB_API_URL = githubUrl
  const tokenVar = config.github?.['token-env']
  const token = tokenVar === undefined ? undefined : env[tokenVar]
  if (token !== undefined && token !== '') out.GITHUB_TOKEN = token
  return out
}
