/**
 * What a finished build published: its JUnit summary (`testReport/api/json`
 * of the JUnit plugin — passed, failed, skipped, the failing tests' names)
 * and its archived artifacts (`artifact/<relativePath>`), downloaded into a
 * directory. A build that published no report is not an error: Jenkins
 * answers 404 and the summary says so.
 */

import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { InputError } from '../core/errors.js'
import type { JenkinsClient } from './client.js'
import { buildPath } from './paths.js'

export interface TestSummary {
  passed: number
  failed: number
  skipped: number
  /** `className.name` of failing tests, at most {@link FAILING_CAP}. */
  failing: string[]
  /** How many failing tests were left out of `failing`. */
  more: number
}

/** Failing test names listed before "and N more". */
export const FAILING_CAP = 20

interface CaseJson {
  className?: string
  name?: string
  status?: string
}
interface ResultJson {
  failCount?: number
  passCount?: number
  skipCount?: number
  suites?: { cases?: CaseJson[] }[]
  /** A matrix or aggregated report: one result per child build. */
  childReports?: { result?: ResultJson }[]
}

const FAILING = new Set(['FAILED', 'REGRESSION'])

function collect(result: ResultJson, into: TestSummary): void {
  for (const child of result.childReports ?? [])
    if (child.result !== undefined) collect(child.result, into)
  if (result.childReports !== undefined) return
  into.passed += result.passCount ?? 0
  into.failed += result.failCount ?? 0
  into.skipped += result.skipCount ?? 0
  for (const suite of result.suites ?? [])
    for (const c of suite.cases ?? [])
      if (FAILING.has(c.status ?? ''))
        into.failing.push(`${c.className ?? '?'}.${c.name ?? '?'}`)
}

/** The JUnit summary of build `number`, or undefined when it published none. */
export async function readTestReport(
  jenkins: JenkinsClient,
  job: string,
  number: number,
  signal?: AbortSignal
): Promise<TestSummary | undefined> {
  const path = `${buildPath(jenkins.jobPath(job), number)}/testReport/api/json`
  const res = await jenkins.http.get(path, {
    accept: [200, 404],
    ...(signal === undefined ? {} : { signal })
  })
  if (res.status === 404) return undefined
  const json = JSON.parse(new TextDecoder().decode(res.body)) as ResultJson
  const summary: TestSummary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failing: [],
    more: 0
  }
  collect(json, summary)
  summary.more = Math.max(0, summary.failing.length - FAILING_CAP)
  summary.failing = summary.failing.slice(0, FAILING_CAP)
  return summary
}

/** `12 passed, 1 failed, 2 skipped; failing: a.b.test_x, … and 3 more` */
export function describeTests(summary: TestSummary | undefined): string {
  if (summary === undefined) return 'no test report published'
  const counts = `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`
  if (summary.failing.length === 0) return counts
  return `${counts}; failing: ${summary.failing.join(', ')}${summary.more > 0 ? ` and ${summary.more} more` : ''}`
}

/**
 * Downloads the artifacts named (relative paths, or file names) into
 * `dir`; an artifact the build did not archive is an InputError naming
 * what it did archive.
 */
export async function downloadArtifacts(
  jenkins: JenkinsClient,
  job: string,
  number: number,
  names: readonly string[],
  dir: string,
  signal?: AbortSignal
): Promise<string[]> {
  if (names.length === 0) return []
  const build = buildPath(jenkins.jobPath(job), number)
  const { json } = await jenkins.http.json(`${build}/api/json`, {
    query: { tree: 'artifacts[fileName,relativePath]' },
    ...(signal === undefined ? {} : { signal })
  })
  const archived = (
    (json as { artifacts?: { fileName?: string; relativePath?: string }[] })
      .artifacts ?? []
  ).filter((a) => a.relativePath !== undefined)
  mkdirSync(dir, { recursive: true })
  const out: string[] = []
  for (const name of names) {
    const found = archived.find(
      (a) => a.relativePath === name || a.fileName === name
    )
    if (found?.relativePath === undefined) {
      throw new InputError(
        `build #${number} of ${job} archived no artifact ${JSON.stringify(name)}`,
        {
          hint:
            archived.length === 0
              ? 'it archived nothing (archiveArtifacts in its Jenkinsfile)'
              : `it archived ${archived.map((a) => a.relativePath).join(', ')}`
        }
      )
    }
    const res = await jenkins.http.get(
      `${build}/artifact/${found.relativePath.split('/').map(encodeURIComponent).join('/')}`,
      signal === undefined ? {} : { signal }
    )
    const file = join(dir, basename(found.relativePath))
    writeFileSync(file, res.body)
    out.push(file)
  }
  return out
}
