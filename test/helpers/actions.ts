import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load as yamlLoad } from 'js-yaml'

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** The directory holding GITHUB_OUTPUT, GITHUB_STATE, … (and RUNNER_TEMP). */
  dir: string
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (both `k=v` and heredoc forms). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc !== null) {
      const [, key = '', delimiter] = heredoc
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter)
        value.push(lines[i] ?? '')
      out[key] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      out[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return out
}

/**
 * The runner's name mangling: `INPUT_` + upper case, spaces to `_`; hyphens
 * are kept (`fail-on` is `INPUT_FAIL-ON`).
 */
export function inputEnv(
  inputs: Record<string, string>
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [
      `INPUT_${k.replace(/ /g, '_').toUpperCase()}`,
      v
    ])
  )
}

/**
 * Runs an action bundle as the runner does: a child `node` process with
 * INPUT_* variables and the GITHUB_* command files pointed at temp files.
 */
export async function runActionBundle(
  bundle: string,
  inputs: Record<string, string>,
  options: {
    cwd?: string
    env?: Record<string, string>
    event?: unknown
    state?: Record<string, string>
    dir?: string
    /** RUNNER_TEMP, shared by a job's steps (default: the step's dir). */
    runnerTemp?: string
  } = {}
): Promise<ActionRun> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'stackci-action-'))
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_EVENT_PATH: join(dir, 'event.json')
  }
  for (const f of Object.values(files)) writeFileSync(f, '', { flag: 'a' })
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(options.event ?? {}))
  const stateEnv = Object.fromEntries(
    Object.entries(options.state ?? {}).map(([k, v]) => [`STATE_${k}`, v])
  )
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    RUNNER_TEMP: options.runnerTemp ?? dir,
    ...files,
    ...stateEnv,
    ...inputEnv(inputs),
    ...(options.env ?? {})
  }
  const child = spawn(process.execPath, [bundle], {
    cwd: options.cwd ?? process.cwd(),
    env
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) =>
    child.on('close', resolve)
  )
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    dir
  }
}

const EVENTS = join(process.cwd(), 'test', 'fixtures', 'events')

/** What a test may change in the recorded-shape pull_request event. */
export interface PullRequestPatch {
  number?: number
  baseSha?: string
  headSha?: string
}

interface PullRequestEvent {
  number: number
  pull_request: {
    number: number
    merge_commit_sha: string
    head: { sha: string; ref: string }
    base: { sha: string; ref: string }
  }
  repository: { full_name: string }
  sender: { login: string }
  after: string
}

/**
 * The `pull_request` (synchronize) payload of test/fixtures/events, with the
 * number and commits a test needs (a real repository's base and head).
 */
export function pullRequestEvent(patch: PullRequestPatch = {}): unknown {
  const event = JSON.parse(
    readFileSync(join(EVENTS, 'pull_request.synchronize.json'), 'utf8')
  ) as PullRequestEvent
  const pr = event.pull_request
  if (patch.number !== undefined) {
    event.number = patch.number
    pr.number = patch.number
  }
  if (patch.baseSha !== undefined) pr.base.sha = patch.baseSha
  if (patch.headSha !== undefined) {
    pr.head.sha = patch.headSha
    event.after = patch.headSha
  }
  return event
}

/**
 * The variables the runner sets for a job triggered by that event: the
 * merge ref and commit, the repository, the run, the servers.
 */
export function pullRequestEnv(event: unknown): Record<string, string> {
  const e = event as PullRequestEvent
  const pr = e.pull_request
  return {
    CI: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_SHA: pr.merge_commit_sha,
    GITHUB_REF: `refs/pull/${pr.number}/merge`,
    GITHUB_REF_NAME: `${pr.number}/merge`,
    GITHUB_REF_TYPE: 'branch',
    GITHUB_HEAD_REF: pr.head.ref,
    GITHUB_BASE_REF: pr.base.ref,
    GITHUB_REPOSITORY: e.repository.full_name,
    GITHUB_REPOSITORY_OWNER: e.repository.full_name.split('/')[0] ?? '',
    GITHUB_ACTOR: e.sender.login,
    GITHUB_WORKFLOW: 'pr check',
    GITHUB_JOB: 'pipeline',
    GITHUB_RUN_ID: '12045678901',
    GITHUB_RUN_NUMBER: '318',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 7'
  }
}

interface ActionManifest {
  inputs?: Record<string, { default?: string }>
  runs: { main: string; post?: string; 'post-if'?: string }
}

/** actions/<name>/action.yml. */
export function actionManifest(action: string): ActionManifest {
  return yamlLoad(
    readFileSync(join(process.cwd(), 'actions', action, 'action.yml'), 'utf8')
  ) as ActionManifest
}

/**
 * The inputs the runner passes: the given ones, plus every default of
 * action.yml for inputs not given (the runner evaluates `${{ github.token
 * }}`; any other expression in a default is a test error).
 */
export function runnerInputs(
  action: string,
  given: Record<string, string>,
  githubToken = ''
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, spec] of Object.entries(
    actionManifest(action).inputs ?? {}
  )) {
    if (spec.default === undefined) continue
    const value = spec.default.replace(
      /\$\{\{\s*github\.token\s*\}\}/g,
      githubToken
    )
    if (value.includes('${{')) {
      throw new Error(`${action}: default of '${name}' has an expression`)
    }
    out[name] = value
  }
  return { ...out, ...given }
}

/** A job step and its post step, as the runner ran them. */
export interface StepRuns {
  main: ActionRun
  /** Undefined when action.yml declares no post step. */
  post?: ActionRun
}

/**
 * Runs actions/<name> as the runner runs it in a pull_request job: the
 * bundle of runs.main with action.yml's defaults filled in, the event file
 * and variables of the PR, then (if declared) runs.post in a fresh set of
 * command files, with the state the main step saved in GITHUB_STATE passed
 * as STATE_<name> variables and the same RUNNER_TEMP.
 */
export async function runActionSteps(
  action: string,
  inputs: Record<string, string>,
  options: {
    cwd: string
    event?: unknown
    env?: Record<string, string>
    githubToken?: string
  }
): Promise<StepRuns> {
  const manifest = actionManifest(action)
  const dir = join(process.cwd(), 'actions', action)
  const event = options.event ?? pullRequestEvent()
  const env = {
    ...pullRequestEnv(event),
    ...(options.githubToken === undefined
      ? {}
      : { GITHUB_TOKEN: options.githubToken }),
    ...(options.env ?? {})
  }
  const withDefaults = runnerInputs(action, inputs, options.githubToken)
  const main = await runActionBundle(
    join(dir, manifest.runs.main),
    withDefaults,
    { cwd: options.cwd, event, env }
  )
  if (manifest.runs.post === undefined) return { main }
  const post = await runActionBundle(
    join(dir, manifest.runs.post),
    withDefaults,
    {
      cwd: options.cwd,
      event,
      env,
      state: main.state,
      runnerTemp: main.dir
    }
  )
  return { main, post }
}
