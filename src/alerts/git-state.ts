/**
 * Alert state in the git store it watches: one small file per alert key,
 * `alerts/<sha256(key), 24 hex>.json`, on the metrics branch beside the
 * job files. Writers of measurements add files under `series/` and
 * `acceptances/` only, so alert writes never conflict with dispatches.
 *
 * The compare-and-set is the push: a claim builds one commit on the
 * branch's tip with every change whose file still holds `prev.version`
 * (absent for version 0) and pushes it without force. A push refused
 * because the branch moved fetches the new tip and checks again: a change
 * whose file moved on meanwhile is lost to the other evaluator, the rest
 * are committed again. So of two evaluators seeing one transition exactly
 * one pushes it, and only that one announces it. (Each claim commit names a
 * random claim id: identical changes must still make different commits.)
 */

import { nodeCrypto } from '../core/builtins.js'
import { StoreError, errorMessage } from '../core/errors.js'
import type { Reporter } from '../core/reporter.js'
import { redactUrl } from '../core/secrets.js'
import { GitRepo, type FileChange, type GitRemote } from '../metrics/git-cli.js'
import type { AlertState, AlertStateStore } from './state.js'

export const ALERT_FORMAT = 'stackci-alert/1'
const DIR = 'alerts/'

export interface GitAlertStateOptions extends GitRemote {
  /** The bare cache the git store uses (shared: objects are reused). */
  cacheDir: string
  reporter: Reporter
  /** The first back-off after a lost push race (default 50 ms). */
  minDelayMs?: number
}

/** Where the state of `key` lives on the branch. */
export function alertPath(key: string): string {
  const h = nodeCrypto().createHash('sha256').update(key).digest('hex')
  return `${DIR}${h.slice(0, 24)}.json`
}

function encode(state: AlertState): string {
  return `${JSON.stringify({ format: ALERT_FORMAT, ...state })}\n`
}

function decode(text: string, path: string): AlertState {
  try {
    const { format, ...state } = JSON.parse(text) as AlertState & {
      format?: string
    }
    if (
      format === ALERT_FORMAT &&
      typeof state.key === 'string' &&
      typeof state.version === 'number'
    )
      return state
  } catch {
    // reported below
  }
  throw new StoreError(`${path} on the metrics branch is not an alert state`, {
    where: { file: path },
    hint: 'remove the file from the branch (it was not written by this stackci)'
  })
}

type Delivery = { slack?: { channel: string; ts: string }; issue?: number }

export class GitAlertState implements AlertStateStore {
  readonly label: string
  readonly #o: GitAlertStateOptions
  #repo?: Promise<GitRepo>
  /** Decoded files by object id: an unchanged file is read once. */
  readonly #decoded = new Map<string, AlertState>()
  /** Deliveries recorded since the last {@link flush}. */
  readonly #deliveries = new Map<string, Delivery>()

  constructor(options: GitAlertStateOptions) {
    this.#o = options
    this.label = `git ${redactUrl(options.url)}#${options.branch}`
  }

  async #open(): Promise<GitRepo> {
    this.#repo ??= GitRepo.open(this.#o.cacheDir, this.#o, this.#o.reporter)
    return this.#repo
  }

  /** Does the branch exist (has anything been dispatched into it)? */
  async exists(): Promise<boolean> {
    const repo = await this.#open()
    return (await repo.snapshot()) !== undefined
  }

  /** The alert states of `commit`, by path. */
  async #states(
    repo: GitRepo,
    commit: string | undefined
  ): Promise<Map<string, AlertState>> {
    const out = new Map<string, AlertState>()
    if (commit === undefined) return out
    const files = [...(await repo.listFiles(commit, DIR))]
    const missing = files.filter(([, oid]) => !this.#decoded.has(oid))
    const blobs = await repo.readBlobs(missing.map(([, oid]) => oid))
    missing.forEach(([path, oid], i) => {
      this.#decoded.set(oid, decode(blobs[i]?.toString('utf8') ?? '', path))
    })
    for (const [path, oid] of files)
      out.set(path, this.#decoded.get(oid) as AlertState)
    return out
  }

  async load(): Promise<Map<string, AlertState>> {
    await this.flush()
    const repo = await this.#open()
    const states = await this.#states(repo, await repo.snapshot())
    return new Map([...states.values()].map((s) => [s.key, s]))
  }

  async claim(prev: AlertState, next: AlertState): Promise<boolean> {
    const [won] = await this.claimAll([{ prev, next }])
    return won === true
  }

  /**
   * Every change of a pass in one commit; each is its own compare-and-set
   * on its file's version, checked again on every tip a retry builds on.
   */
  async claimAll(
    changes: readonly { prev: AlertState; next: AlertState }[]
  ): Promise<boolean[]> {
    let won = changes.map(() => false)
    await this.#commit((stored) => {
      won = changes.map(
        (c) =>
          (stored.get(alertPath(c.prev.key))?.version ?? 0) === c.prev.version
      )
      const add = new Map<string, string>()
      changes.forEach((c, i) => {
        if (won[i] === true)
          add.set(
            alertPath(c.next.key),
            encode({ ...c.next, version: c.prev.version + 1 })
          )
      })
      // Two evaluators making the same changes on the same tip in the
      // same second would build the same commit, and the second push
      // would find it there and succeed: a claim of its own makes each
      // commit unique, so exactly one push wins.
      const claim = nodeCrypto().randomBytes(6).toString('hex')
      return add.size === 0
        ? undefined
        : {
            add,
            message: `stackci: alerts, ${add.size} change(s) (claim ${claim})`
          }
    })
    return won
  }

  /** Rewrites stored alerts (keys without a file are left out). */
  async #update(
    edits: ReadonlyMap<string, (s: AlertState) => AlertState>,
    what: string
  ): Promise<void> {
    await this.#commit((stored) => {
      const add = new Map<string, string>()
      for (const [key, edit] of edits) {
        const path = alertPath(key)
        const s = stored.get(path)
        if (s !== undefined) add.set(path, encode(edit(s)))
      }
      return add.size === 0 ? undefined : { add, message: `stackci: ${what}` }
    })
  }

  /**
   * As the SQLite store: where it went, without a new version. Kept until
   * the pass ends ({@link flush}): the deliveries of a pass are one commit.
   */
  async recordDelivery(key: string, delivery: Delivery): Promise<void> {
    const before = this.#deliveries.get(key)
    this.#deliveries.set(key, { ...before, ...delivery })
    return Promise.resolve()
  }

  /**
   * Writes the deliveries recorded. The notifications are out by now: a
   * push failing here (the claims just pushed, so a passing fault) is a
   * warning — the resolution is then not threaded — not a failed
   * announcement, which the next pass would send again.
   */
  async flush(): Promise<void> {
    if (this.#deliveries.size === 0) return
    const deliveries = new Map(this.#deliveries)
    this.#deliveries.clear()
    const edits = new Map(
      [...deliveries].map(([key, d]) => [
        key,
        (s: AlertState): AlertState => ({
          ...s,
          ...(d.slack === undefined ? {} : { slack: d.slack }),
          ...(d.issue === undefined ? {} : { issue: d.issue })
        })
      ])
    )
    try {
      await this.#update(edits, `alerts, ${edits.size} delivered`)
    } catch (error) {
      this.#o.reporter.warning(
        `alerts notified, but where to could not be recorded in ${this.label} (their resolutions will not be threaded): ${errorMessage(error)}`
      )
    }
  }

  async releaseAnnouncement(key: string): Promise<void> {
    await this.#update(
      new Map([
        [
          key,
          (s: AlertState): AlertState => ({
            ...s,
            announced: false,
            version: s.version + 1
          })
        ]
      ]),
      `alert ${key}: announcement released`
    )
  }

  /** Forgets every alert (tests start from nothing). */
  async reset(): Promise<void> {
    await this.#commit((stored) =>
      stored.size === 0
        ? undefined
        : {
            add: new Map<string, string>(),
            remove: [...stored.keys()],
            message: 'stackci: alerts reset'
          }
    )
  }

  /**
   * One commit on the branch's tip, built from the states stored there,
   * pushed with the git store's fetch-and-retry.
   */
  async #commit(
    change: (stored: Map<string, AlertState>) => FileChange | undefined
  ): Promise<void> {
    const repo = await this.#open()
    try {
      await repo.commitFiles(
        async (tip) => change(await this.#states(repo, tip)),
        this.#o.minDelayMs === undefined
          ? {}
          : { minDelayMs: this.#o.minDelayMs }
      )
    } catch (error) {
      if (error instanceof StoreError) throw error
      throw new StoreError(
        `cannot write alert state to ${this.label}: ${errorMessage(error)}`,
        { where: { url: redactUrl(this.#o.url) }, cause: error }
      )
    }
  }

  async close(): Promise<void> {
    await this.flush()
    this.#decoded.clear()
  }
}
