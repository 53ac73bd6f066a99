/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs
 * inside whichever commit crosses the threshold, copying the log into the
 * database and fsyncing it — on the thread that answers Jenkins. Here a
 * worker thread with its own connection runs a PASSIVE checkpoint every
 * second (writers are not blocked), and the main connection's automatic
 * checkpoint stays only as a far-off safety net.
 */

import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** The worker: its own connection, one PASSIVE checkpoint per message. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.path)
db.pragma('busy_timeout = 1000')
parentPort.on('message', () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ ok: true })
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.message || error) })
  }
})
`

/** Pages of WAL at which the main connection checkpoints by itself. */
export const SAFETY_NET_PAGES = 20_000

export class Checkpointer {
  readonly #worker: Worker
  readonly #timer: NodeJS.Timeout
  #busy = false
  #lastError: string | undefined

  constructor(
    dbPath: string,
    intervalMs = 1000,
    onError?: (message: string) => void
  ) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3')
    this.#worker = new Worker(WORKER, {
      eval: true,
      workerData: { module, path: dbPath }
    })
    this.#worker.unref()
    this.#worker.on('message', (m: { ok: boolean; error?: string }) => {
      this.#busy = false
      // Report a failure once, not every second.
      if (!m.ok && m.error !== this.#lastError)
        onError?.(m.error ?? 'checkpoint failed')
      this.#lastError = m.ok ? undefined : m.error
    })
    this.#worker.on('error', (error) => {
      onError?.(`the checkpoint thread failed: ${error.message}`)
    })
    this.#timer = setInterval(() => {
      if (this.#busy) return
      this.#busy = true
      this.#worker.postMessage('checkpoint')
    }, intervalMs)
    this.#timer.unref()
  }

  /** Stops checkpointing (the main connection's close does the last one). */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#worker.terminate()
  }
}
