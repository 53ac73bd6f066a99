/**
 * Group fsync of the SQLite write-ahead log, off the event loop. The store
 * commits with `synchronous = NORMAL` (the WAL is written, not fsynced: safe
 * against a process crash), and an intake that must survive a power loss
 * too awaits {@link WalSync.durable}: one `fdatasync` of the WAL in libuv's
 * thread pool covers every commit made before it started, so a burst of
 * requests shares one fsync and the loop keeps answering meanwhile —
 * SQLite's `synchronous = FULL` would block it for each commit.
 */

import { openSync, closeSync, fsyncSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'

export class WalSync {
  readonly #wal: string
  #handle: Promise<FileHandle> | undefined
  #running: Promise<void> | undefined
  #next: Promise<void> | undefined

  /** `dbPath`: the database file; its WAL is `<dbPath>-wal`. */
  constructor(dbPath: string) {
    this.#wal = `${dbPath}-wal`
    // The WAL's directory entry must be durable too (once).
    const dir = openSync(dirname(dbPath), 'r')
    try {
      fsyncSync(dir)
    } finally {
      closeSync(dir)
    }
  }

  /** Resolves once every commit made before the call is on disk. */
  async durable(): Promise<void> {
    // A sync already running may have started before our commit: queue one
    // more after it, shared by everyone who arrives meanwhile.
    if (this.#running !== undefined) {
      this.#next ??= this.#running.then(
        async () => this.#start(),
        async () => this.#start()
      )
      return this.#next
    }
    return this.#start()
  }

  async #start(): Promise<void> {
    this.#next = undefined
    this.#handle ??= open(this.#wal, 'r')
    const handle = this.#handle
    const run = (async () => {
      await (await handle).datasync()
    })()
    this.#running = run
    try {
      await run
    } finally {
      if (this.#running === run) this.#running = undefined
    }
  }

  async close(): Promise<void> {
    const h = this.#handle
    this.#handle = undefined
    if (h !== undefined) await (await h).close()
  }
}
