/**
 * Jenkins URL arithmetic: folder paths (`a/b/c` → `/job/a/job/b/job/c`),
 * build paths, and queue ids from `Location` headers. URLs Jenkins returns
 * are built from its configured root URL, which may name another host than
 * the one we talk to, so requests are always rebuilt from our own base URL.
 */

import { InputError } from '../core/errors.js'

/**
 * The URL path of a job: `team/app` → `/job/team/job/app`. Accepts the
 * display form `team » app`, a path already in `job/a/job/b` form, and a full
 * job URL under `base`. Each name is encoded once (branch names with `/`
 * arrive here as `%2F` only when the caller pasted a URL).
 */
export function jobPath(job: string, base?: string): string {
  let text = job.trim()
  if (base !== undefined && /^https?:\/\//.test(text)) {
    const root = base.replace(/\/+$/, '')
    if (!text.startsWith(`${root}/`)) {
      throw new InputError(
        `job URL ${text} is not under the Jenkins URL ${root}`
      )
    }
    text = text.slice(root.length)
  }
  const fromUrl = /^\/?job\//.test(text)
  let names: string[]
  if (fromUrl) {
    const parts = text.split('/').filter((p) => p !== '')
    names = []
    for (let i = 0; i < parts.length; i += 2) {
      if (parts[i] !== 'job' || parts[i + 1] === undefined) {
        throw new InputError(`cannot read a job from ${JSON.stringify(job)}`, {
          hint: 'give the job as folder/name (e.g. release/weekly-release) or its URL'
        })
      }
      names.push(decodeURIComponent(parts[i + 1] ?? ''))
    }
  } else {
    names = text.split(/\s*»\s*|\//).map((n) => n.trim())
  }
  if (names.length === 0 || names.some((n) => n === '')) {
    throw new InputError(
      `job name ${JSON.stringify(job)} is empty or has an empty folder`,
      {
        hint: 'give the job as folder/name, e.g. release/weekly-release'
      }
    )
  }
  return names.map((n) => `/job/${encodeURIComponent(n)}`).join('')
}

/** The job as people write it: `team/app`. */
export function jobName(path: string): string {
  return path
    .split('/job/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p))
    .join('/')
}

/** `/job/a/job/b` + 42 → `/job/a/job/b/42`. */
export function buildPath(job: string, number: number): string {
  return `${job}/${number}`
}

/** The queue id in a trigger's `Location` (`…/queue/item/57/`). */
export function queueIdFromLocation(location: string): number | undefined {
  const match = /\/queue\/item\/(\d+)\/?$/.exec(location.trim())
  return match === null ? undefined : Number(match[1])
}

/** Base URL without trailing slashes and without credentials. */
export function normalizeBaseUrl(url: string): {
  base: string
  user?: string
  password?: string
} {
  let parsed: URL
  try {
    parsed = new URL(url.trim())
  } catch {
    throw new InputError(`Jenkins URL ${JSON.stringify(url)} is not a URL`, {
      hint: 'give the full address, e.g. https://ci.example.org/ or https://ci.example.org/jenkins'
    })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(`Jenkins URL must be http(s), got ${parsed.protocol}`)
  }
  const user =
    parsed.username === '' ? undefined : decodeURIComponent(parsed.username)
  const password =
    parsed.password === '' ? undefined : decodeURIComponent(parsed.password)
  parsed.username = ''
  parsed.password = ''
  parsed.search = ''
  parsed.hash = ''
  const base = parsed.toString().replace(/\/+$/, '')
  return {
    base,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password })
  }
}
