/**
 * Queueing a build the way Jenkins answers it (protocols.md §2): 201 with the
 * new item's Location, 303 when an identical request was already queued,
 * 409 for a disabled job, 400 (500 before 2.524) for parameters sent to a job
 * that takes none, 404 for a job that is missing or hidden.
 */

import { JenkinsError } from '../core/errors.js'
import type { JenkinsHttp } from './http.js'
import { JenkinsHttpError } from './http-errors.js'
import { jobName, queueIdFromLocation } from './paths.js'

/** Parameters in the order given. */
export type BuildParameters = readonly (readonly [string, string])[]

export interface TriggerOptions {
  signal?: AbortSignal
  /** Jenkins' `delay` (else the job's quiet period applies). */
  delaySeconds?: number
}

export interface TriggerResult {
  queueId: number
  /** The `Location` Jenkins sent: `<scheme>://<host>/queue/item/<id>/`. */
  queueUrl: string
  /** True on a 303: an identical request was already queued, and this one was merged into it. */
  coalesced: boolean
}

/**
 * `buildWithParameters` when parameters are given, `build` otherwise
 * (falling back to `buildWithParameters` with the job's defaults when Jenkins
 * says the job is parameterized).
 *
 * Transient faults are retried like any other call. Jenkins has no
 * idempotency key; a retry is safe because Jenkins merges a trigger into an
 * identical item still in the queue (its quiet period is 5 s by default). If
 * an answer is lost after Jenkins queued the build *and* the item already
 * left the queue (quiet period shorter than the retry delay), a retry can
 * queue a second build.
 */
export async function triggerBuild(
  http: JenkinsHttp,
  path: string,
  parameters: BuildParameters,
  options: TriggerOptions & { pageUrl: string; user: string | undefined }
): Promise<TriggerResult> {
  const name = jobName(path)
  const query =
    options.delaySeconds === undefined
      ? undefined
      : { delay: `${options.delaySeconds}sec` }
  const post = async (
    endpoint: string,
    form?: URLSearchParams
  ): Promise<TriggerResult> => {
    const res = await http.post(`${path}/${endpoint}`, {
      // Never follow: a followed 303 would GET an HTML page.
      accept: [200, 201, 302, 303],
      ...(query === undefined ? {} : { query }),
      ...(form === undefined ? {} : { form }),
      ...(options.signal === undefined ? {} : { signal: options.signal })
    })
    const location = res.headers.get('location') ?? ''
    const queueId = queueIdFromLocation(location)
    if (queueId === undefined) {
      throw new JenkinsError(
        `Jenkins accepted the trigger of '${name}' (${res.status}) but sent no queue item Location (got ${JSON.stringify(location)})`,
        {
          where: { url: res.url },
          hint: 'a very old Jenkins, or a proxy rewriting redirects'
        }
      )
    }
    return { queueId, queueUrl: location, coalesced: res.status === 303 }
  }
  try {
    if (parameters.length === 0) {
      try {
        return await post('build')
      } catch (error) {
        // A parameterized job refuses `build` without a form: use its defaults.
        if (error instanceof JenkinsHttpError && error.status === 400) {
          return await post('buildWithParameters', new URLSearchParams())
        }
        throw error
      }
    }
    const form = new URLSearchParams(
      parameters.map(([k, v]): [string, string] => [k, v])
    )
    return await post('buildWithParameters', form)
  } catch (error) {
    throw triggerError(error, name, parameters, options)
  }
}

function triggerError(
  error: unknown,
  name: string,
  parameters: BuildParameters,
  options: { pageUrl: string; user: string | undefined }
): unknown {
  if (!(error instanceof JenkinsHttpError)) return error
  const url = options.pageUrl
  const where = { url }
  switch (error.status) {
    case 404:
      return new JenkinsError(`job '${name}' not found: ${url} (404)`, {
        hint: `check the name and folders (a/b/c); Jenkins also answers 404 when ${options.user === undefined ? 'anonymous users' : `user '${options.user}'`} may not see the job`
      })
    case 409:
      return new JenkinsError(
        `job '${name}' is disabled in Jenkins (409: not buildable)`,
        { where, hint: 'enable the job in Jenkins, or trigger another one' }
      )
    case 400:
    case 500:
      if (/not parameterized/i.test(error.text)) {
        return new JenkinsError(
          `job '${name}' takes no parameters, but ${parameters.map(([k]) => k).join(', ')} ${parameters.length === 1 ? 'was' : 'were'} given (${error.status})`,
          {
            where,
            hint: 'remove the parameters, or add them to the job in Jenkins'
          }
        )
      }
      return error
    default:
      return error
  }
}
