/**
 * Release tags by the LSST conventions (jenkins-dm-jobs): the git tag, the
 * EUPS tag, the moving aliases and the Docker image tags of a daily, weekly,
 * release-candidate or final release, plus the `pr-<n>`, `sha-<7>` and
 * branch tags of pull-request builds. One function, used by the image step,
 * the CLI (`stackci tags`) and anything that labels metrics with a release.
 *
 * | kind    | git tag        | EUPS tag       | alias    |
 * | ------- | -------------- | -------------- | -------- |
 * | daily   | `d.2019.03.07` | `d_2019_03_07` | d_latest |
 * | weekly  | `w.2019.10`    | `w_2019_10`    | w_latest |
 * | rc      | `v26.0.0.rc1`  | `v26_0_0_rc1`  | —        |
 * | release | `26.0.0`       | `v26_0_0`      | o_latest |
 */

import { InputError } from '../core/errors.js'
import {
  checkTimeZone,
  DEFAULT_TIME_ZONE,
  dockerTimestamp,
  formatDate,
  parseDateInput,
  usWeek,
  zonedDate,
  type CalendarDate
} from './calendar.js'

import type { ReleaseKind } from './release-kinds.js'

export { RELEASE_KINDS, type ReleaseKind } from './release-kinds.js'

export interface ReleaseTagRequest {
  kind: ReleaseKind
  /** `YYYY-MM-DD` (local to the zone) or an ISO instant; default today. */
  date?: string | undefined
  /** release/rc: `26.0.0`, `v26.0.0.rc1`; pr: the PR number; sha: the commit. */
  version?: string | undefined
  /** IANA zone for dates; default America/Los_Angeles. */
  timeZone?: string | undefined
  /** Image tag templates with `{tag}` (or `{eups}`), `{git}`, `{timestamp}`; default `{tag}`. */
  templates?: readonly string[] | undefined
  /** A branch whose sanitised name becomes an extra tag. */
  branch?: string | undefined
  /** Move `o_latest` with a final release (default true). */
  oLatest?: boolean | undefined
  /** The current instant (today's date, `{timestamp}`); default now. */
  now?: Date | undefined
}

export interface ReleaseTags {
  kind: ReleaseKind
  /** The local calendar date, `YYYY-MM-DD` (the tag's for daily/weekly). */
  date: string
  timeZone: string
  /** The git tag (none for pr/sha). */
  git?: string
  /** The EUPS tag (none for pr/sha). */
  eups?: string
  /** The primary tag: the EUPS tag, `pr-<n>` or `sha-<7>`. */
  tag: string
  /** Moving tags this release moves (Docker: `o_latest` only for finals). */
  aliases: string[]
  /** Every image tag to apply, primary first, deduplicated. */
  tags: string[]
}

/** Docker's tag grammar. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** `sanitizeEupsTag` of jenkins-dm-jobs: `v` before a digit, `.`/`-` → `_`. */
export function sanitizeEupsTag(gitTag: string): string {
  const prefixed = /^\d/.test(gitTag) ? `v${gitTag}` : gitTag
  return prefixed.replace(/[.-]/g, '_')
}

/** A branch or ref name made into a valid Docker tag (`feature/x` → `feature-x`). */
export function sanitizeTag(name: string): string {
  const tag = name
    .trim()
    .replace(/^refs\/(heads|tags)\//, '')
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
  if (tag === '') {
    throw new InputError(
      `${JSON.stringify(name)} leaves nothing to make a Docker tag from`
    )
  }
  return tag
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function calendarTags(
  kind: 'daily' | 'weekly',
  date: CalendarDate
): { git: string; alias: string } {
  if (kind === 'daily') {
    return {
      git: `d.${date.year}.${pad(date.month)}.${pad(date.day)}`,
      alias: 'd_latest'
    }
  }
  const { year, week } = usWeek(date)
  return { git: `w.${year}.${pad(week)}`, alias: 'w_latest' }
}

const RELEASE = /^v?(\d+(?:\.\d+){1,2})$/
const CANDIDATE = /^v?(\d+(?:\.\d+){1,2})[._-]?rc(\d+)$/i

function versionTags(kind: 'release' | 'rc', version: string): string {
  const candidate = CANDIDATE.exec(version)
  const final = RELEASE.exec(version)
  if (kind === 'release') {
    if (final?.[1] !== undefined) return final[1]
    if (candidate !== null) {
      throw new InputError(
        `version ${JSON.stringify(version)} is a release candidate`,
        { hint: 'use kind rc for it, or give the final version (26.0.0)' }
      )
    }
  } else {
    if (candidate?.[1] !== undefined && candidate[2] !== undefined)
      return `v${candidate[1]}.rc${Number(candidate[2])}`
    if (final !== null) {
      throw new InputError(
        `version ${JSON.stringify(version)} has no rcN suffix`,
        { hint: 'give the candidate as 26.0.0.rc1, or use kind release' }
      )
    }
  }
  throw new InputError(
    `version ${JSON.stringify(version)} is not a ${kind === 'rc' ? 'release candidate' : 'release'} version`,
    {
      hint:
        kind === 'rc'
          ? 'write it as 26.0.0.rc1 (or v26.0.0.rc1, 26.0.0-rc1)'
          : 'write it as 26.0.0 (or 26.0, v26.0.0)'
    }
  )
}

function primaryTag(
  request: ReleaseTagRequest,
  zone: string,
  now: Date
): Omit<ReleaseTags, 'tags' | 'timeZone'> & { instant: Date } {
  const { kind, version } = request
  const calendar = kind === 'daily' || kind === 'weekly'
  if (calendar && version !== undefined) {
    throw new InputError(`a ${kind} release takes a date, not a version`, {
      hint: `drop version ${JSON.stringify(version)}, or pick kind release, rc, pr or sha`
    })
  }
  // Every kind reads the date (it is checked, and an instant also sets the
  // {timestamp}); only daily and weekly tags are made from it.
  const parsed =
    request.date === undefined
      ? { date: zonedDate(now, zone), instant: now }
      : parseDateInput(request.date, zone)
  const instant = parsed.instant ?? now
  const date = formatDate(parsed.date)
  if (calendar) {
    const { git, alias } = calendarTags(kind, parsed.date)
    const eups = sanitizeEupsTag(git)
    return {
      kind,
      date,
      git,
      eups,
      tag: eups,
      aliases: [alias],
      instant
    }
  }
  if (version === undefined || version.trim() === '') {
    const what = {
      release: '26.0.0',
      rc: '26.0.0.rc1',
      pr: '123',
      sha: 'a1b2c3d'
    }
    throw new InputError(`a ${kind} tag needs a version`, {
      hint: `give it as version, e.g. ${what[kind]}`
    })
  }
  const value = version.trim()
  if (kind === 'pr') {
    if (!/^[1-9]\d*$/.test(value))
      throw new InputError(
        `PR number ${JSON.stringify(value)} is not a positive integer`
      )
    return { kind, date, tag: `pr-${value}`, aliases: [], instant }
  }
  if (kind === 'sha') {
    if (!/^[0-9a-f]{7,64}$/i.test(value))
      throw new InputError(
        `commit ${JSON.stringify(value)} is not a hex SHA of 7 or more digits`
      )
    return {
      kind,
      date,
      tag: `sha-${value.toLowerCase().slice(0, 7)}`,
      aliases: [],
      instant
    }
  }
  const git = versionTags(kind, value)
  const eups = sanitizeEupsTag(git)
  // Only a final release moves the Docker o_latest tag (O_LATEST in the
  // official-release job is refused for candidates).
  const aliases =
    kind === 'release' && request.oLatest !== false ? ['o_latest'] : []
  return { kind, date, git, eups, tag: eups, aliases, instant }
}

function applyTemplate(
  template: string,
  values: Record<string, string | undefined>
): string {
  const out = template.replace(/\{([^{}]*)\}/g, (_m, name: string) => {
    if (!(name in values)) {
      throw new InputError(
        `tag template ${JSON.stringify(template)} has unknown placeholder {${name}}`,
        { hint: 'placeholders: {tag} (or {eups}), {git}, {timestamp}' }
      )
    }
    const value = values[name]
    if (value === undefined) {
      throw new InputError(
        `tag template ${JSON.stringify(template)} uses {${name}}, which this kind does not have`
      )
    }
    return value
  })
  if (!TAG_PATTERN.test(out)) {
    throw new InputError(
      `tag template ${JSON.stringify(template)} gives ${JSON.stringify(out)}, not a valid Docker tag`,
      {
        hint: 'tags are 1–128 of A-Z a-z 0-9 _ . - and cannot start with . or -'
      }
    )
  }
  return out
}

/** Computes every tag of a release; see the module comment. */
export function releaseTags(request: ReleaseTagRequest): ReleaseTags {
  const zone = checkTimeZone(request.timeZone ?? DEFAULT_TIME_ZONE)
  const now = request.now ?? new Date()
  const { instant, ...primary } = primaryTag(request, zone, now)
  const templates = request.templates?.length ? request.templates : ['{tag}']
  for (const t of templates) {
    if (!t.includes('{tag}') && !t.includes('{eups}')) {
      throw new InputError(`tag template ${JSON.stringify(t)} has no {tag}`, {
        hint: 'every template must contain {tag} (or {eups}), e.g. al9-{tag}'
      })
    }
  }
  const values = (tag: string): Record<string, string | undefined> => ({
    tag,
    eups: tag,
    git: primary.git,
    timestamp: dockerTimestamp(instant)
  })
  const tags = templates.map((t) => applyTemplate(t, values(primary.tag)))
  // Extra tags (aliases, the branch) go out bare and through each template
  // without a timestamp, as the LSST jobs push `w_latest` and `al9-w_latest`.
  const extras = [...primary.aliases]
  if (request.branch !== undefined) extras.push(sanitizeTag(request.branch))
  for (const extra of extras) {
    tags.push(extra)
    for (const t of templates.filter((t) => !t.includes('{timestamp}')))
      tags.push(applyTemplate(t, values(extra)))
  }
  return { ...primary, timeZone: zone, tags: [...new Set(tags)] }
}
