/**
 * The Reporter bound to the GitHub Actions runner through @actions/core.
 * Kept out of `core/index.ts` so the CLI never loads @actions/core.
 */

import * as core from '@actions/core'
import type { Annotation, Progress, Reporter } from './reporter.js'
import { Masker } from './secrets.js'

/** Progress lines in the Actions log, at most one per this interval. */
const PROGRESS_INTERVAL_MS = 10_000

export class ActionsReporter implements Reporter {
  readonly masker = new Masker()

  debug(message: string): void {
    core.debug(this.masker.apply(message))
  }
  info(message: string): void {
    core.info(this.masker.apply(message))
  }
  notice(message: string, annotation?: Annotation): void {
    core.notice(this.masker.apply(message), annotation)
  }
  warning(message: string, annotation?: Annotation): void {
    core.warning(this.masker.apply(message), annotation)
  }
  error(message: string, annotation?: Annotation): void {
    core.error(this.masker.apply(message), annotation)
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return core.group(this.masker.apply(name), fn)
  }
  mask(secret: string | undefined): void {
    const before = new Set(this.masker.secrets)
    this.masker.add(secret)
    // The runner masks its own log; tell it about every new derived form too.
    for (const form of this.masker.secrets) {
      if (!before.has(form)) core.setSecret(form)
    }
  }
  async summary(markdown: string): Promise<void> {
    if (process.env.GITHUB_STEP_SUMMARY === undefined) {
      this.debug('no GITHUB_STEP_SUMMARY; job summary skipped')
      return
    }
    await core.summary.addRaw(this.masker.apply(markdown), true).write()
  }
  progress(label: string, total?: number): Progress {
    let done = 0
    let last = Date.now()
    const line = (status?: string): void => {
      const count = total === undefined ? `${done}` : `${done}/${total}`
      this.info(`${label} ${count}${status === undefined ? '' : ` ${status}`}`)
    }
    return {
      update: (n, status) => {
        done = n
        if (Date.now() - last >= PROGRESS_INTERVAL_MS) {
          last = Date.now()
          line(status)
        }
      },
      tick: (n = 1) => {
        done += n
      },
      done: (message) => {
        if (message === undefined) line('done')
        else this.info(message)
      }
    }
  }
}
