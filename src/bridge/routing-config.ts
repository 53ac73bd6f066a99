/**
 * The bridge's routing file (YAML): which jobs, branches and results go to
 * which Slack channels, who is mentioned, which jobs are quiet at night, and
 * how a build finds its GitHub repository and commit. Validated with the
 * shared schema so every problem is reported at once with file:line.
 */

import { readFile } from 'node:fs/promises'
import { ConfigError } from '../core/errors.js'
import { loadYamlConfig } from '../core/config.js'
import {
  array,
  boolean,
  isPlainObject,
  listOrOne,
  literal,
  object,
  optional,
  record,
  required,
  string,
  type Infer,
  type Schema
} from '../core/schema.js'
import { BUILD_RESULTS } from '../notify/build-model.js'

const channel = string({
  pattern: /^(?:#?[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$/,
  patternHint: "a channel name like '#dm-jenkins' or an ID like C0123ABCD"
})
const repo = string({
  pattern: /^[\w.-]+\/[\w.-]+$/,
  patternHint: 'write it as owner/repo'
})
const slackUser = string({
  pattern: /^[UW][A-Z0-9]{2,}$/,
  patternHint: 'a Slack member ID like U0123ABCD (profile → ⋮ → Copy member ID)'
})
const nonEmpty = string({ nonEmpty: true })

/** An IANA time zone name that this Node.js knows. */
function timezone(): Schema<string> {
  return {
    description: 'a time zone like America/Los_Angeles',
    validate(value, path, ctx) {
      if (typeof value === 'string') {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: value })
          return value
        } catch {
          // reported below
        }
      }
      ctx.report({
        path,
        message: `${JSON.stringify(value)} is not a time zone`,
        hint: 'use an IANA name like America/Los_Angeles or UTC'
      })
      return undefined
    }
  }
}

const quietSchema = object({
  /** Local time window, e.g. `19:00-07:00`; always quiet when omitted. */
  hours: optional(
    string({
      pattern: /^(?:[01]\d|2[0-3]):[0-5]\d-(?:[01]\d|2[0-3]):[0-5]\d$/,
      patternHint: "write it like '19:00-07:00' (24-hour clock)"
    })
  ),
  timezone: optional(timezone(), 'UTC'),
  /** What still posts while quiet. */
  post: optional(literal('changes', 'failures', 'none'), 'changes'),
  /** Mention people while quiet. */
  mention: optional(boolean(), false)
})

const githubRouteFields = object({
  repo: optional(repo),
  context: optional(nonEmpty)
})
export type GithubRoute = false | Infer<typeof githubRouteFields>

/** `github: false`, `github: true`, or `github: {repo, context}`. */
const githubRoute: Schema<GithubRoute> = {
  description: 'true, false or a mapping with repo and context',
  validate(value, path, ctx) {
    if (value === false) return false
    if (value === true) return {}
    if (isPlainObject(value))
      return githubRouteFields.validate(value, path, ctx)
    ctx.report({
      path,
      message: `must be true, false or a mapping (repo, context), got ${JSON.stringify(value)}`
    })
    return undefined
  }
}

const routeSchema = object({
  name: optional(nonEmpty),
  /** Job globs on the full name: `release/*`, `scipipe/**`, `stack-os-matrix`. */
  jobs: required(listOrOne(nonEmpty)),
  branches: optional(listOrOne(nonEmpty)),
  results: optional(listOrOne(literal(...BUILD_RESULTS, 'BACK_TO_NORMAL'))),
  channel: optional(listOrOne(channel)),
  /** Emails, Slack IDs, or keys of `mentions`, mentioned on failures. */
  mention: optional(listOrOne(nonEmpty)),
  mention_culprits: optional(boolean(), false),
  github: optional(githubRoute),
  /**
   * Repositories (globs on owner/repo) whose statuses and checks this route
   * may set when an event or a build parameter names them.
   */
  repos: optional(listOrOne(nonEmpty)),
  quiet: optional(quietSchema)
})

const githubSchema = object({
  /** Status context / check name; `{job}` and `{branch}` are expanded. */
  context: optional(nonEmpty, 'jenkins/{job}'),
  sha_parameters: optional(listOrOne(nonEmpty), [
    'SHA',
    'GIT_COMMIT',
    'GITHUB_SHA'
  ]),
  repo_parameters: optional(listOrOne(nonEmpty), ['GITHUB_REPO', 'REPO']),
  branch_parameters: optional(listOrOne(nonEmpty), [
    'BRANCH_NAME',
    'BRANCH',
    'GIT_BRANCH'
  ]),
  /** Job glob → owner/repo, for jobs whose events carry no repository. */
  repos: optional(record(repo)),
  unstable: optional(literal('failure', 'neutral'), 'failure')
})

const fileSchema = object({
  version: required(literal(1)),
  /** Email or Jenkins user id → Slack member ID. */
  mentions: optional(record(slackUser)),
  github: optional(githubSchema),
  routes: required(array(routeSchema, { minItems: 1 }))
})

export type RouteConfig = Infer<typeof routeSchema>
export type RoutingFile = Infer<typeof fileSchema>

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** The file schema plus the checks that span fields. */
export const routingSchema: Schema<RoutingFile> = {
  description: fileSchema.description,
  validate(value, path, ctx) {
    const config = fileSchema.validate(value, path, ctx)
    if (config === undefined) return undefined
    const known = new Set(Object.keys(config.mentions ?? {}))
    let ok = true as boolean
    config.routes.forEach((route, i) => {
      ;(route.mention ?? []).forEach((who, j) => {
        if (known.has(who) || EMAIL.test(who) || /^[UW][A-Z0-9]{2,}$/.test(who))
          return
        ok = false
        ctx.report({
          path: [...path, 'routes', i, 'mention', j],
          message: `${JSON.stringify(who)} is not an email, a Slack member ID or a key of mentions`,
          hint: `add it under mentions: (${who}: U0123ABCD)`
        })
      })
      if ((route.channel ?? []).length === 0 && route.github === false) {
        ok = false
        ctx.report({
          path: [...path, 'routes', i],
          message: 'this route sends nowhere (no channel and github: false)',
          hint: 'add a channel, or remove the route'
        })
      }
    })
    return ok ? config : undefined
  }
}

/** Parses and validates the text of a routing file. */
export function loadRoutingConfig(text: string, file: string): RoutingFile {
  return loadYamlConfig(text, file, routingSchema)
}

/** Reads and validates a routing file from disk. */
export async function readRoutingConfig(file: string): Promise<RoutingFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`cannot read the routing file ${file}`, {
      where: { file },
      hint: 'set BRIDGE_ROUTES to the path of your routes.yml (see docs/bridge.md)',
      cause: error
    })
  }
  return loadRoutingConfig(text, file)
}
