/**
 * Routing decisions (pure): for a build in its current state, which Slack
 * channels get or keep a message, which thread reply it earns, who is
 * mentioned, and which commit status it sets. A job no route matches is
 * dropped on purpose (and the caller logs it).
 */

import { isFailing, type BuildSnapshot } from '../notify/build-model.js'
import { expandContext } from '../notify/build-github.js'
import { replyKind } from '../notify/build-slack.js'
import { compileGlob, type Glob } from './glob-match.js'
import type { GithubRoute, RouteConfig, RoutingFile } from './routing-config.js'

export interface Routing {
  routes: CompiledRoute[]
  mentions: Record<string, string>
  github: {
    context: string
    shaParameters: string[]
    repoParameters: string[]
    branchParameters: string[]
    repos: { pattern: Glob; repo: string }[]
    unstable: 'failure' | 'neutral'
  }
}

export interface CompiledRoute {
  name: string
  jobs: Glob[]
  branches: Glob[] | undefined
  /**
   * Repositories this route may set statuses and checks on (`repos:`), or,
   * without it, only those the routing file names for the job.
   */
  repos: Glob[] | undefined
  results: Set<string> | undefined
  channels: string[]
  mention: string[]
  mentionCulprits: boolean
  github: GithubRoute
  quiet: RouteConfig['quiet']
}

/** Compiles a validated routing file. */
export function compileRouting(file: RoutingFile): Routing {
  const g = file.github ?? {}
  return {
    mentions: file.mentions ?? {},
    github: {
      context: g.context ?? 'jenkins/{job}',
      shaParameters: g.sha_parameters ?? ['SHA', 'GIT_COMMIT', 'GITHUB_SHA'],
      repoParameters: g.repo_parameters ?? ['GITHUB_REPO', 'REPO'],
      branchParameters: g.branch_parameters ?? [
        'BRANCH_NAME',
        'BRANCH',
        'GIT_BRANCH'
      ],
      repos: Object.entries(g.repos ?? {}).map(([glob, repo]) => ({
        pattern: compileGlob(glob),
        repo
      })),
      unstable: g.unstable ?? 'failure'
    },
    routes: file.routes.map((r, i) => ({
      name: r.name ?? `routes[${i}]`,
      jobs: r.jobs.map(compileGlob),
      branches: r.branches?.map(compileGlob),
      repos: r.repos?.map(compileGlob),
      results: r.results === undefined ? undefined : new Set(r.results),
      channels: [...new Set(r.channel ?? [])],
      mention: r.mention ?? [],
      mentionCulprits: r.mention_culprits ?? false,
      github: r.github ?? {},
      quiet: r.quiet
    }))
  }
}

/** `https://github.com/org/app.git`, `git@github.com:org/app` → `org/app`. */
export function repoFromUrl(url: string): string | undefined {
  const m = /[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url.trim())
  return m === null ? undefined : `${m[1]}/${m[2]}`
}

function firstParameter(
  params: Record<string, string>,
  names: string[]
): string | undefined {
  for (const n of names) {
    const v = params[n]?.trim()
    if (v !== undefined && v !== '') return v
  }
  return undefined
}

/** Where the SHA, repository and branch come from when the event lacks them. */
export function resolveIdentity(
  routing: Routing,
  e: {
    job: string
    sha?: string
    repo?: string
    repoUrl?: string
    branch?: string
    parameters: Record<string, string>
  }
): { sha?: string; repo?: string; branch?: string } {
  const g = routing.github
  const sha = e.sha ?? firstParameter(e.parameters, g.shaParameters)
  const repo =
    e.repo ??
    firstParameter(e.parameters, g.repoParameters) ??
    (e.repoUrl === undefined ? undefined : repoFromUrl(e.repoUrl)) ??
    g.repos.find((r) => r.pattern.test(e.job))?.repo
  const branch = e.branch ?? firstParameter(e.parameters, g.branchParameters)
  return {
    ...(sha === undefined ? {} : { sha }),
    ...(repo === undefined ? {} : { repo }),
    ...(branch === undefined ? {} : { branch: branch.replace(/^origin\//, '') })
  }
}

/** The routes whose job and branch patterns match the build. */
export function matchRoutes(
  routing: Routing,
  b: Pick<BuildSnapshot, 'job' | 'branch'>
): CompiledRoute[] {
  return routing.routes.filter(
    (r) =>
      r.jobs.some((p) => p.test(b.job)) &&
      (r.branches === undefined ||
        (b.branch !== undefined &&
          r.branches.some((p) => p.test(b.branch ?? ''))))
  )
}

/** Whether any route's job globs match `job` (branches aside). */
export function routesJob(routing: Routing, job: string): boolean {
  return routing.routes.some((r) => r.jobs.some((p) => p.test(job)))
}

/** Minutes since local midnight in `timeZone`. */
function localMinutes(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23'
  }).formatToParts(new Date(now))
  const get = (t: string): number =>
    Number(parts.find((p) => p.type === t)?.value ?? 0)
  return get('hour') * 60 + get('minute')
}

/** Is a quiet rule in force at `now` (a window may wrap past midnight)? */
export function isQuiet(quiet: RouteConfig['quiet'], now: number): boolean {
  if (quiet === undefined) return false
  if (quiet.hours === undefined) return true
  const [from = 0, to = 0] = quiet.hours.split('-').map((hm) => {
    const [h, m] = hm.split(':').map(Number)
    return (h ?? 0) * 60 + (m ?? 0)
  })
  const t = localMinutes(now, quiet.timezone ?? 'UTC')
  return from <= to ? t >= from && t < to : t >= from || t < to
}

export interface SlackPlan {
  channel: string
  /** Post the parent now if the build has none in this channel yet. */
  create: boolean
  reply?: 'failure' | 'fixed'
  broadcast: boolean
  /** Mention keys (emails, Slack IDs, Jenkins user ids) for the failure reply. */
  mentions: string[]
}

export interface GithubPlan {
  repo: string
  sha: string
  context: string
}

export interface DeliveryPlan {
  /** False when no route matches: the event is dropped on purpose. */
  routed: boolean
  slack: SlackPlan[]
  github?: GithubPlan
  /** Why there is no GitHub plan although a route wants one. */
  githubSkipped?: string
  /** A repository the build named that its route does not allow. */
  githubRefused?: string
}

function wantsParent(
  route: CompiledRoute,
  b: BuildSnapshot,
  quiet: boolean
): boolean {
  const final = b.phase === 'COMPLETED'
  const streak = b.streak?.kind
  if (route.results !== undefined) {
    if (!final) return false
    const ok =
      (b.result !== undefined && route.results.has(b.result)) ||
      (route.results.has('BACK_TO_NORMAL') && streak === 'back_to_normal')
    if (!ok) return false
  }
  if (!quiet) return true
  if (!final) return false
  switch (route.quiet?.post ?? 'changes') {
    case 'none':
      return false
    case 'changes':
      return streak === 'first_failure' || streak === 'back_to_normal'
    case 'failures':
      return isFailing(b.result) || streak === 'back_to_normal'
  }
}

/** Everything the build's current state should produce. */
export function planDeliveries(
  routing: Routing,
  b: BuildSnapshot,
  now: number
): DeliveryPlan {
  const routes = matchRoutes(routing, b)
  if (routes.length === 0) return { routed: false, slack: [] }
  const reply = replyKind(b)
  const byChannel = new Map<string, SlackPlan>()
  for (const route of routes) {
    const quiet = isQuiet(route.quiet, now)
    const create = wantsParent(route, b, quiet)
    const mentions =
      reply !== 'failure' || (quiet && route.quiet?.mention !== true)
        ? []
        : [...route.mention, ...(route.mentionCulprits ? b.culprits : [])]
    for (const channel of route.channels) {
      const prev = byChannel.get(channel)
      byChannel.set(channel, {
        channel,
        create: create || (prev?.create ?? false),
        ...(reply === undefined ? {} : { reply }),
        broadcast:
          reply === 'fixed' ||
          (reply === 'failure' && b.streak?.kind === 'first_failure'),
        mentions: [...new Set([...(prev?.mentions ?? []), ...mentions])]
      })
    }
  }
  const plan: DeliveryPlan = { routed: true, slack: [...byChannel.values()] }
  const route = routes.find((r) => r.github !== false)
  const gh = route?.github
  if (route !== undefined && gh !== undefined && gh !== false) {
    const named =
      gh.repo ?? routing.github.repos.find((r) => r.pattern.test(b.job))?.repo
    // A repository an event or a build parameter names is trusted only
    // within the route's allow-list: the URL token is in every job's
    // configuration, so anyone who can configure a job holds it.
    const claimed = b.repo
    const allowed =
      claimed !== undefined &&
      (route.repos === undefined
        ? claimed === named
        : route.repos.some((p) => p.test(claimed)))
    const repo = gh.repo ?? (allowed ? claimed : undefined) ?? named
    if (gh.repo === undefined && claimed !== undefined && !allowed)
      plan.githubRefused = `repository ${claimed} is not in the repos of route ${route.name}${repo === undefined ? '' : `; using ${repo}`}`
    if (repo === undefined)
      plan.githubSkipped =
        claimed === undefined
          ? 'no repository (scm url, repo parameter or github.repos)'
          : `repository ${claimed} is not in the repos of route ${route.name}`
    else if (b.sha === undefined || !/^[0-9a-f]{40}$/i.test(b.sha))
      plan.githubSkipped =
        b.sha === undefined
          ? 'no commit SHA (scm block or SHA parameter)'
          : `"${b.sha}" is not a full 40-hex SHA`
    else
      plan.github = {
        repo,
        sha: b.sha.toLowerCase(),
        context: expandContext(gh.context ?? routing.github.context, b)
      }
  }
  return plan
}
