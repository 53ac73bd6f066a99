/**
 * The emulator's routes: what each Jenkins URL answers, status codes and
 * headers included (protocols.md §1–5). The server (server.ts) classifies,
 * injects faults, authenticates and logs; this module answers.
 */

import type { Permission, Security } from './auth.js'
import { PERMISSION_NAMES } from './auth.js'
import {
  errorAnswer as error,
  notFound,
  type Answer,
  type RequestContext
} from './answers.js'
import { buildJson } from './json-build.js'
import { buildUrl } from './json-common.js'
import { folderJson, jobJson, rootJson } from './json-job.js'
import { queueItemJson, queueJson } from './json-queue.js'
import { stripNotes } from './log.js'
import type { TestCase } from './entities.js'
import { Folder, Job, type Build, type JenkinsModel } from './model.js'
import { parseTree, pruneTree, TreeSyntaxError } from './tree.js'

export class Routes {
  constructor(
    readonly model: JenkinsModel,
    readonly security: Security,
    readonly options: { legacyNotParameterized500: boolean }
  ) {}

  denied(ctx: RequestContext, permission: Permission): Answer | undefined {
    if (this.security.allowed(ctx.auth, permission)) return undefined
    const as =
      ctx.auth.kind === 'token' || ctx.auth.kind === 'password'
        ? ctx.auth.user
        : 'anonymous'
    return error(
      403,
      `${as} is missing the ${PERMISSION_NAMES[permission]} permission`,
      {
        'X-You-Are-Authenticated-As': as,
        'X-Required-Permission': PERMISSION_NAMES[permission]
      }
    )
  }

  json(ctx: RequestContext, doc: (depth: number) => unknown): Answer {
    const tree = ctx.query.get('tree')
    let value: unknown
    if (tree !== null) {
      try {
        value = pruneTree(doc(3), parseTree(tree))
      } catch (e) {
        if (e instanceof TreeSyntaxError) return error(400, e.message)
        throw e
      }
    } else {
      value = doc(Number(ctx.query.get('depth') ?? '0') || 0)
    }
    return {
      status: 200,
      body: JSON.stringify(value),
      headers: { 'Content-Type': 'application/json;charset=utf-8' }
    }
  }

  answer(ctx: RequestContext): Answer {
    const now = this.model.clock.now()
    const { route } = ctx
    switch (route.kind) {
      case 'root':
        return this.json(ctx, () =>
          rootJson(this.model, ctx.root, now, {
            useCrumbs: this.security.options.csrf
          })
        )
      case 'queue': {
        const id = route.rest[1] === 'item' ? route.rest[2] : undefined
        if (id === undefined)
          return this.json(ctx, () => queueJson(this.model, ctx.root, now))
        const item = this.model.queueItem(Number(id))
        return item === undefined
          ? notFound()
          : this.json(ctx, () => queueItemJson(item, ctx.root, now))
      }
      case 'cancel':
        return this.#cancel(ctx)
      case 'trigger':
        return this.#trigger(ctx)
      default:
        return this.#jobRoute(ctx, now)
    }
  }

  #cancel(ctx: RequestContext): Answer {
    if (ctx.method !== 'POST')
      return error(405, 'requirePOST', { Allow: 'POST' })
    const id = Number(ctx.query.get('id') ?? ctx.form.get('id'))
    if (!this.security.allowed(ctx.auth, 'cancel'))
      return error(422, `Item ${id} cannot be cancelled by this user`)
    return this.model.cancel(id)
      ? { status: 204 }
      : error(404, `Provided id (${id}) not found`)
  }

  #trigger(ctx: RequestContext): Answer {
    const job = this.model.find(ctx.route.job ?? [])
    if (!(job instanceof Job)) return notFound()
    const endpoint = ctx.route.rest[0]
    if (ctx.method !== 'POST') {
      return job.parameterized && endpoint === 'build'
        ? {
            status: 200,
            body: '<html><body><form method="post">parameters</form></body></html>',
            headers: { 'Content-Type': 'text/html;charset=utf-8' }
          }
        : error(405, 'requirePOST', { Allow: 'POST' })
    }
    const denied = this.denied(ctx, 'build')
    if (denied !== undefined) return denied
    if (job.config.disabled === true)
      return error(409, `${job.fullName} is not buildable`)
    const given = new Map<string, string>()
    if (endpoint === 'build') {
      if (job.parameterized) {
        const json = ctx.form.get('json')
        if (json === null) {
          const other = [...ctx.form.keys(), ...ctx.query.keys()].some(
            (k) => k !== 'delay' && k !== 'Jenkins-Crumb'
          )
          return error(
            400,
            other
              ? 'This page expects a form submission'
              : 'Nothing is submitted'
          )
        }
        const parsed = JSON.parse(json) as {
          parameter?:
            { name: string; value: string }[] | { name: string; value: string }
        }
        const list = Array.isArray(parsed.parameter)
          ? parsed.parameter
          : parsed.parameter === undefined
            ? []
            : [parsed.parameter]
        for (const p of list) given.set(p.name, p.value)
      }
    } else {
      if (!job.parameterized) {
        return this.options.legacyNotParameterized500
          ? error(
              500,
              'java.lang.IllegalStateException: This build is not parameterized!'
            )
          : error(400, `${job.fullName} is not parameterized`)
      }
      for (const source of [ctx.query, ctx.form]) {
        for (const [k, v] of source)
          if (k !== 'delay' && k !== 'token' && k !== 'Jenkins-Crumb')
            given.set(k, v)
      }
    }
    const delay = parseDelay(ctx.query.get('delay') ?? ctx.form.get('delay'))
    if (delay === null) return error(400, 'Invalid delay')
    const user =
      ctx.auth.kind === 'token' || ctx.auth.kind === 'password'
        ? ctx.auth.user
        : 'anonymous'
    const { item, coalesced } = this.model.trigger(
      job,
      this.model.effectiveParams(job, given),
      user,
      delay
    )
    // JENKINS-66105: `build` answers 201 with the existing item; only `buildWithParameters` says 303.
    const status = coalesced && endpoint === 'buildWithParameters' ? 303 : 201
    return {
      status,
      headers: { Location: `${ctx.requestBase}queue/item/${item.id}/` }
    }
  }

  #jobRoute(ctx: RequestContext, now: number): Answer {
    const { route } = ctx
    const node = this.model.find(route.job ?? [])
    if (node === undefined || route.kind === 'other') return notFound()
    if (route.kind === 'page') {
      if (
        route.rest.length === 1 &&
        (!(node instanceof Job) ||
          findBuild(node, route.rest[0] ?? '', now) === undefined)
      )
        return notFound()
      return {
        status: 200,
        body: '<html><body>Jenkins</body></html>',
        headers: { 'Content-Type': 'text/html;charset=utf-8' }
      }
    }
    if (route.kind === 'job') {
      if (route.rest[1] !== 'json') return notFound()
      return node instanceof Folder
        ? this.json(ctx, () => folderJson(node, ctx.root, now))
        : this.json(ctx, (depth) =>
            jobJson(this.model, node, ctx.root, now, depth)
          )
    }
    if (!(node instanceof Job)) return notFound()
    const build = findBuild(node, route.rest[0] ?? '', now)
    if (build === undefined) return notFound()
    switch (route.kind) {
      case 'build':
        return this.json(ctx, (depth) =>
          buildJson(this.model, build, ctx.root, now, depth)
        )
      case 'console':
        return {
          status: 200,
          body: build.log.text(now),
          headers: { 'Content-Type': 'text/plain;charset=utf-8' }
        }
      case 'progressive':
        return progressive(
          build,
          Number(ctx.query.get('start') ?? '0') || 0,
          now
        )
      case 'stop':
        return this.#stop(ctx, build)
      case 'testReport':
        return build.building(now) || build.script.testReport === undefined
          ? notFound()
          : this.json(ctx, () => testReportJson(build.script.testReport ?? []))
      case 'artifact':
        return artifact(build, route.rest.slice(2).join('/'), now)
      default:
        return notFound()
    }
  }

  #stop(ctx: RequestContext, build: Build): Answer {
    if (ctx.method !== 'POST')
      return error(405, 'requirePOST', { Allow: 'POST' })
    const how = ctx.route.rest[1] as 'stop' | 'term' | 'kill'
    if (how !== 'stop' && build.job.kind !== 'pipeline') return notFound()
    const denied = this.denied(ctx, 'cancel')
    if (denied !== undefined) return denied
    const user =
      ctx.auth.kind === 'token' || ctx.auth.kind === 'password'
        ? ctx.auth.user
        : 'anonymous'
    this.model.stop(build, how, user)
    const referer = ctx.req.headers.referer
    return {
      status: 302,
      headers: { Location: referer ?? buildUrl(ctx.requestBase, build) }
    }
  }
}

/** `hudson.tasks.junit.TestResult`, one suite per class (JUnit plugin). */
function testReportJson(cases: readonly TestCase[]): unknown {
  const count = (...statuses: string[]): number =>
    cases.filter((c) => statuses.includes(c.status)).length
  const classes = [...new Set(cases.map((c) => c.className))]
  return {
    _class: 'hudson.tasks.junit.TestResult',
    testActions: [],
    duration: 0.5 * cases.length,
    empty: cases.length === 0,
    failCount: count('FAILED', 'REGRESSION'),
    passCount: count('PASSED', 'FIXED'),
    skipCount: count('SKIPPED'),
    suites: classes.map((name) => ({
      _class: 'hudson.tasks.junit.SuiteResult',
      cases: cases
        .filter((c) => c.className === name)
        .map((c) => ({
          _class: 'hudson.tasks.junit.CaseResult',
          testActions: [],
          age: c.status === 'REGRESSION' ? 1 : 0,
          className: c.className,
          duration: 0.5,
          errorDetails:
            c.status === 'FAILED' || c.status === 'REGRESSION'
              ? 'AssertionError'
              : null,
          errorStackTrace: null,
          failedSince: 0,
          name: c.name,
          skipped: c.status === 'SKIPPED',
          skippedMessage: null,
          status: c.status,
          stderr: null,
          stdout: null
        })),
      duration: 0.5,
      enclosingBlockNames: [],
      enclosingBlocks: [],
      id: null,
      name,
      nodeId: null,
      stderr: null,
      stdout: null,
      timestamp: null
    }))
  }
}

/** `artifact/<relativePath>`: the archived file, once the build archived it. */
function artifact(build: Build, path: string, now: number): Answer {
  const listed = build.script.artifacts ?? []
  if (build.building(now) || !listed.includes(path)) return notFound()
  return {
    status: 200,
    body:
      build.script.artifactContents?.[path] ??
      `artifact ${path} of #${build.number}\n`,
    headers: { 'Content-Type': 'application/octet-stream' }
  }
}

function progressive(build: Build, start: number, now: number): Answer {
  const raw = build.log.raw(now)
  // Past the end: Jenkins assumes the log rolled over and sends it all.
  const from = start > raw.length ? 0 : start
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain;charset=UTF-8',
    'X-Text-Size': String(raw.length)
  }
  if (build.building(now)) headers['X-More-Data'] = 'true'
  return { status: 200, body: stripNotes(raw.subarray(from)), headers }
}

function findBuild(job: Job, id: string, now: number): Build | undefined {
  const builds = [...job.builds].reverse()
  const done = builds.filter((b) => !b.building(now))
  switch (id) {
    case 'lastBuild':
      return builds[0]
    case 'lastCompletedBuild':
      return done[0]
    case 'lastSuccessfulBuild':
      return done.find((b) => b.result === 'SUCCESS' || b.result === 'UNSTABLE')
    case 'lastStableBuild':
      return done.find((b) => b.result === 'SUCCESS')
    case 'lastFailedBuild':
      return done.find((b) => b.result === 'FAILURE')
    default:
      return /^\d+$/.test(id)
        ? job.builds.find((b) => b.number === Number(id))
        : undefined
  }
}

/** `jenkins.util.TimeDuration`: `10sec`, `10 secs`; a bare number is ms. Undefined when absent. */
function parseDelay(text: string | null): number | undefined | null {
  if (text === null) return undefined
  const m = /^\s*(\d+)\s*(sec|secs|second|seconds)?\s*$/.exec(text)
  if (m === null) return null
  return m[2] === undefined ? Number(m[1]) : Number(m[1]) * 1000
}
