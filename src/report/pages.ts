/**
 * The published dashboard: reports pushed to a Pages branch (`gh-pages` by
 * default) with the real `git push` — `<profile>/index.html` the latest
 * report of each profile, `<profile>/runs/<time>-<run id>.html` every one
 * published (the newest `keep` per profile), and `index.html` listing the
 * profiles and the past reports. A report's full-resolution data files
 * (`report-data/`) go to `<profile>/data/<time>-<run id>/`, which both
 * copies of the page load them from, and go with its run page. The index
 * is rebuilt from the branch's tree on every attempt, so two runs
 * publishing at once both appear in it.
 */

import { readFileSync, readdirSync } from 'node:fs'
import { basename, isAbsolute, join, resolve } from 'node:path'
import type { StackciConfig } from '../core/config.js'
import { ConfigError } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { redactUrl } from '../core/secrets.js'
import { GitRepo, parseGitTarget, type GitRemote } from '../metrics/git-cli.js'
import { DEFAULT_GIT_CACHE } from '../metrics/git-store.js'
import { relocateDataDir } from './html.js'

export const DEFAULT_PAGES_BRANCH = 'gh-pages'
export const DEFAULT_PAGES_KEEP = 50

export interface PagesTarget extends GitRemote {
  /** The bare cache of the branch (default .stackci/git). */
  cacheDir: string
  /** Where the branch is served (`https://org.github.io/repo/`). */
  siteUrl?: string
  /** Reports kept per profile (default 50). */
  keep?: number
}

export interface PublishedPage {
  profile: string
  runId: string
  /** Epoch ms. */
  time: number
  html: string
  title: string
  /**
   * The report's data directory (what writeReport returns as `dataDir`),
   * published beside the page so that "show all points" works there.
   */
  dataDir?: string
}

export interface PublishResult {
  commit: string
  /** The profile's latest page on the branch. */
  path: string
  /** Its public address, when the site URL is known. */
  url?: string
}

const RUN_FILE = /^([^/]+)\/runs\/(\d{8}T\d{6}Z)-([^/]+)\.html$/

/** A name safe as one path component. */
function component(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_'
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? '&#39;'
  )
}

interface PastReport {
  profile: string
  stamp: string
  runId: string
  path: string
}

/** The index page: each profile's latest report, then every past one. */
export function pagesIndexHtml(title: string, reports: PastReport[]): string {
  const profiles = [...new Set(reports.map((r) => r.profile))].sort()
  const when = (s: string): string =>
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(9, 11)}:${s.slice(11, 13)} UTC`
  const rows = [...reports]
    .sort((a, b) => (a.stamp < b.stamp ? 1 : -1))
    .map(
      (r) =>
        `<tr><td>${when(r.stamp)}</td><td>${escapeHtml(r.profile)}</td><td><a href="${escapeHtml(r.path)}">${escapeHtml(r.runId)}</a></td></tr>`
    )
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<h2>Latest, per profile</h2>
<ul>${profiles.map((p) => `<li><a href="${escapeHtml(p)}/">${escapeHtml(p)}</a></li>`).join('')}</ul>
<h2>Past reports</h2>
<table><thead><tr><th>published</th><th>profile</th><th>run</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</body></html>
`
}

/** The files of a report's data directory, as published under `to`. */
function dataFiles(dir: string | undefined, to: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  if (dir === undefined) return files
  for (const name of readdirSync(dir).sort())
    if (name.endsWith('.js'))
      files.set(`${to}/${name}`, readFileSync(join(dir, name)))
  return files
}

/** Publishes `page`; see the module comment. */
export async function publishPages(
  target: PagesTarget,
  page: PublishedPage,
  reporter: Reporter
): Promise<PublishResult> {
  const repo = await GitRepo.open(target.cacheDir, target, reporter)
  const profile = component(page.profile)
  const stamp = new Date(page.time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+/, '')
  const run = `${stamp}-${component(page.runId)}`
  const runPath = `${profile}/runs/${run}.html`
  const keep = target.keep ?? DEFAULT_PAGES_KEEP
  const data = dataFiles(page.dataDir, `${profile}/data/${run}`)
  const pages =
    data.size === 0 || page.dataDir === undefined
      ? { run: page.html, latest: page.html }
      : {
          run: relocateDataDir(
            page.html,
            basename(page.dataDir),
            `../data/${run}`
          ),
          latest: relocateDataDir(
            page.html,
            basename(page.dataDir),
            `data/${run}`
          )
        }
  const commit = await repo.commitFiles(async (tip) => {
    const paths =
      tip === undefined ? [] : [...(await repo.listFiles(tip)).keys()]
    const reports: PastReport[] = []
    for (const path of [...paths, runPath]) {
      const m = RUN_FILE.exec(path)
      if (m !== null && !reports.some((r) => r.path === path))
        reports.push({
          profile: m[1] ?? '',
          stamp: m[2] ?? '',
          runId: m[3] ?? '',
          path
        })
    }
    const mine = reports
      .filter((r) => r.profile === profile)
      .sort((a, b) => (a.path < b.path ? 1 : -1))
    const dropped = new Set(mine.slice(keep).map((r) => r.path))
    const kept = reports.filter((r) => !dropped.has(r.path))
    // A dropped report's data files go with it.
    const droppedData = [...dropped].map((p) =>
      p.replace(/\/runs\/([^/]+)\.html$/, '/data/$1/')
    )
    return {
      add: new Map<string, string | Buffer>([
        [runPath, pages.run],
        [`${profile}/index.html`, pages.latest],
        ['index.html', pagesIndexHtml(page.title, kept)],
        ['.nojekyll', ''],
        ...data
      ]),
      remove: paths.filter(
        (p) => dropped.has(p) || droppedData.some((d) => p.startsWith(d))
      ),
      message: `stackci: ${page.profile} report of run ${page.runId}`
    }
  })
  const base = target.siteUrl?.replace(/\/?$/, '/')
  reporter.info(
    `published ${runPath} to ${redactUrl(target.url)}#${target.branch}`
  )
  return {
    commit: commit ?? '',
    path: `${profile}/index.html`,
    ...(base === undefined ? {} : { url: `${base}${profile}/` })
  }
}

/** `https://<owner>.github.io/<repo>/` for a github.com repository. */
export function githubPagesUrl(
  env: Record<string, string | undefined>
): string | undefined {
  const server = env.GITHUB_SERVER_URL ?? ''
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!/^https:\/\/github\.com\/?$/.test(server) || !owner || !repo)
    return undefined
  return `https://${owner.toLowerCase()}.github.io/${repo}/`
}

/**
 * Where reports are published: `target` (`URL[#BRANCH]`, from a flag), else
 * stackci.yml's `report.publish`; without a URL on Actions, the workflow's
 * repository. Undefined when neither asks for publishing.
 */
export function pagesTargetFrom(
  config: StackciConfig | undefined,
  target: string | undefined,
  env: Record<string, string | undefined>,
  baseDir: string
): PagesTarget | undefined {
  const section = config?.report?.publish
  if (section === undefined && target === undefined) return undefined
  const given =
    target === undefined || target === ''
      ? undefined
      : parseGitTarget(target, section?.branch ?? DEFAULT_PAGES_BRANCH)
  const server = env.GITHUB_SERVER_URL
  const repository = env.GITHUB_REPOSITORY
  const url =
    given?.url ??
    section?.url ??
    (server && repository
      ? `${server.replace(/\/$/, '')}/${repository}.git`
      : undefined)
  if (url === undefined)
    throw new ConfigError('publishing the report needs a repository URL', {
      hint: 'set report.publish.url or pass --publish URL (on Actions it defaults to the workflow repository)'
    })
  const token = env[section?.['token-env'] ?? 'GITHUB_TOKEN']
  const cache = config?.metrics?.stores?.git?.cache ?? DEFAULT_GIT_CACHE
  const siteUrl = section?.['site-url'] ?? githubPagesUrl(env)
  return {
    url,
    branch: given?.branch ?? section?.branch ?? DEFAULT_PAGES_BRANCH,
    cacheDir: isAbsolute(cache) ? cache : resolve(baseDir, cache),
    ...(token === undefined || token === '' ? {} : { token }),
    ...(siteUrl === undefined ? {} : { siteUrl }),
    ...(section?.keep === undefined ? {} : { keep: section.keep })
  }
}
