/**
 * Variables in `stackci.yml` strings — Jenkins parameters, image build
 * args, labels and tag templates — so the run's identity reaches Jenkins
 * and the image: `{run.id}`, `{git.sha}`, `{pr.head_ref}`, `{release.week}`…
 * An unknown variable, or one with no value in this profile, is a
 * ConfigError naming file, line and variable, raised before any step runs.
 * The `{jenkins.*}` ones get their value when the jenkins-build step ends.
 */

import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { ConfigError, type Problem } from '../core/errors.js'
import { readGitHubEvent } from '../core/github-event.js'
import { locateYamlPath } from '../core/yaml.js'
import type { ReleaseTags } from '../docker/release-tags.js'
import type { Env } from '../core/env.js'

export const VARIABLES = [
  'run.id',
  'git.sha',
  'git.short',
  'git.ref',
  'pr.number',
  'pr.head_ref',
  'pr.head_sha',
  'pr.base_ref',
  'release.kind',
  'release.tag',
  'release.eups',
  'release.git',
  'release.version',
  'release.year',
  'release.month',
  'release.day',
  'release.week',
  'jenkins.build_number',
  'jenkins.build_url'
] as const
export type VariableName = (typeof VARIABLES)[number]

/** A value, or why there is none in this run. */
export type Variables = Record<VariableName, { value?: string; why?: string }>

/** `{name.key}`: single-word placeholders (`{tag}`, `{dataset_dir}`) are other templates'. */
const PLACEHOLDER = /\{([a-z]+\.[a-z_]+)\}/g

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' })
  const out = r.status === 0 ? r.stdout.trim() : ''
  return out === '' || out === 'HEAD' ? undefined : out
}

const nonEmpty = (v: string | number | undefined): string | undefined =>
  v === undefined || v === '' ? undefined : String(v)

export interface VariableSources {
  runId: string
  env: Env
  baseDir: string
  /** The release this run makes, when its steps need one. */
  release?: { tags: ReleaseTags; version: string | undefined } | undefined
  /** Whether a jenkins-build step runs before the strings are used. */
  jenkins: boolean
}

/** The run's variables; see the module comment. */
export function runVariables(sources: VariableSources): Variables {
  const { env, baseDir, release } = sources
  const event = readGitHubEvent(env).pull_request
  const sha = nonEmpty(env.GITHUB_SHA) ?? git(baseDir, ['rev-parse', 'HEAD'])
  const ref =
    nonEmpty(env.GITHUB_REF_NAME) ??
    nonEmpty(env.GITHUB_REF?.replace(/^refs\/(heads|tags)\//, '')) ??
    git(baseDir, ['rev-parse', '--abbrev-ref', 'HEAD'])
  const noPr = 'this run is not for a pull request (no pull_request event)'
  const tags = release?.tags
  const calendar = /^[dw]\.(\d{4})\.(\d{2})(?:\.(\d{2}))?$/.exec(
    tags?.git ?? ''
  )
  const noRelease =
    release === undefined
      ? 'this profile makes no release (no jenkins-build or stack-image step)'
      : `a ${tags?.kind ?? ''} release has none`
  const values: Partial<Record<VariableName, string | undefined>> = {
    'run.id': sources.runId,
    'git.sha': sha,
    'git.short': sha?.slice(0, 7),
    'git.ref': ref,
    'pr.number': nonEmpty(event?.number),
    'pr.head_ref': nonEmpty(event?.head?.ref) ?? nonEmpty(env.GITHUB_HEAD_REF),
    'pr.head_sha': nonEmpty(event?.head?.sha),
    'pr.base_ref': nonEmpty(event?.base?.ref) ?? nonEmpty(env.GITHUB_BASE_REF),
    'release.kind': tags?.kind,
    'release.tag': tags?.tag,
    'release.eups': tags?.eups,
    'release.git': tags?.git,
    'release.version':
      tags?.kind === 'release' || tags?.kind === 'rc'
        ? release?.version
        : undefined,
    'release.year': calendar?.[1],
    'release.month': tags?.kind === 'daily' ? calendar?.[2] : undefined,
    'release.day': calendar?.[3],
    'release.week': tags?.kind === 'weekly' ? calendar?.[2] : undefined
  }
  const out = {} as Variables
  for (const name of VARIABLES) {
    const value = values[name]
    if (value !== undefined) out[name] = { value }
    else if (name.startsWith('jenkins.'))
      out[name] = {
        why: sources.jenkins
          ? 'it is known only after the jenkins-build step'
          : 'this profile runs no Jenkins build (no jenkins-build step or no jenkins.url)'
      }
    else if (name.startsWith('pr.')) out[name] = { why: noPr }
    else if (name.startsWith('release.')) out[name] = { why: noRelease }
    else out[name] = { why: 'not a git checkout, and no GITHUB_SHA/GITHUB_REF' }
  }
  return out
}

/** Sets the Jenkins build's variables once it is known. */
export function setJenkinsVariables(
  variables: Variables,
  build: { buildNumber?: number | undefined; buildUrl?: string | undefined }
): void {
  if (build.buildNumber !== undefined)
    variables['jenkins.build_number'] = { value: String(build.buildNumber) }
  if (build.buildUrl !== undefined)
    variables['jenkins.build_url'] = { value: build.buildUrl }
}

/** Where a string sits in the file: its key path. */
export interface StringAt {
  file: string
  path: (string | number)[]
}

/** The variables a string uses. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '')
}

/**
 * What is wrong with the variables of `text`: unknown ones, and those with
 * no value now (`later` lists the ones that will have one by the time the
 * string is used).
 */
export function variableProblems(
  text: string,
  at: StringAt,
  variables: Variables,
  later: readonly VariableName[] = []
): Problem[] {
  const problems: Problem[] = []
  for (const name of variablesIn(text)) {
    const known = (VARIABLES as readonly string[]).includes(name)
    const variable = known ? variables[name as VariableName] : undefined
    if (variable?.value !== undefined) continue
    if (known && later.includes(name as VariableName)) continue
    problems.push({
      where: located(at),
      message: known
        ? `{${name}} has no value in this run: ${variable?.why ?? ''}`
        : `unknown variable {${name}}`,
      hint: known
        ? 'drop it from this string, or set the string per profile'
        : `variables: ${VARIABLES.map((v) => `{${v}}`).join(', ')}`
    })
  }
  return problems
}

/** Replaces the variables of `text`; any problem is a ConfigError. */
export function expandVariables(
  text: string,
  at: StringAt,
  variables: Variables
): string {
  const problems = variableProblems(text, at, variables)
  if (problems.length > 0) throw problemsError(at.file, problems)
  return text.replace(
    PLACEHOLDER,
    (_m, name: string) => variables[name as VariableName].value ?? ''
  )
}

/** Every string of a map expanded (`{KEY: '{run.id}'}`). */
export function expandMap(
  map: Readonly<Record<string, string>> | undefined,
  at: StringAt,
  variables: Variables
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map ?? {}).map(([k, v]) => [
      k,
      expandVariables(v, { file: at.file, path: [...at.path, k] }, variables)
    ])
  )
}

/** One ConfigError for every problem found before a step ran. */
export function problemsError(file: string, problems: Problem[]): ConfigError {
  const first = problems[0]
  return new ConfigError(
    problems.length === 1 && first !== undefined
      ? first.message
      : `${problems.length} problems in ${file}, found before the first step`,
    {
      where: first?.where ?? { file },
      problems,
      ...(first?.hint === undefined ? {} : { hint: first.hint })
    }
  )
}

/** file:line of a key path, when the file can be read. */
function located(at: StringAt): Problem['where'] {
  let text: string | undefined
  try {
    text = readFileSync(at.file, 'utf8')
  } catch {
    // A config made from text in a test: the key path is where enough.
  }
  const pos =
    text === undefined ? undefined : locateYamlPath(text, 0, at.path, false)
  return {
    file: at.file,
    ...(pos === undefined ? {} : { line: pos.line, column: pos.column }),
    path: at.path.join('.')
  }
}
