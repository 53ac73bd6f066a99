/**
 * The metric history a notebook reads: `stackci metrics export`'s JSON
 * lines (one stored measurement with its provenance: run id, release tag,
 * image digest, git sha, dataset, time), made by the same exporter from the
 * SQLite store, or a history already exported from any store (a `.jsonl`
 * file) used as it is. Either way the notebook reads one format.
 */

import { copyFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import { exportText } from '../metrics/export.js'
import { readStoreHistory } from '../metrics/store-reader.js'

/** Where the history comes from. */
export type HistorySource =
  { kind: 'sqlite'; path: string } | { kind: 'jsonl'; path: string }

/**
 * `sqlite:FILE`, `FILE.sqlite`/`.db` (the SQLite store) or `FILE.jsonl`
 * (an export); relative paths against `base`. Other stores are exported
 * first with `stackci metrics export`, which the hint names.
 */
export function parseHistorySource(
  text: string,
  base: string,
  what = '--history'
): HistorySource {
  const colon = /^([a-z]+):(?!\/\/)(.*)$/.exec(text)
  const kind = colon?.[1]
  const path = resolve(base, colon?.[2] ?? text)
  if (kind === 'sqlite' || kind === 'jsonl') return { kind, path }
  if (kind === undefined) {
    if (/\.jsonl?$/i.test(text)) return { kind: 'jsonl', path }
    if (/\.(sqlite3?|db)$/i.test(text)) return { kind: 'sqlite', path }
  }
  throw new InputError(
    `${what}: ${JSON.stringify(text)} is neither a SQLite store nor an exported history`,
    {
      hint: 'pass sqlite:FILE (or a .sqlite file), or export another store first (stackci metrics export … > history.jsonl) and pass that file'
    }
  )
}

/** Writes the history to `dest` as JSON lines; returns how many lines. */
export async function exportHistory(
  source: HistorySource,
  dest: string
): Promise<number | undefined> {
  if (source.kind === 'jsonl') {
    await copyFile(source.path, dest).catch((error: unknown) => {
      throw new InputError(
        `cannot read the history ${source.path}: ${(error as Error).message}`,
        { where: { file: source.path } }
      )
    })
    return undefined
  }
  const history = readStoreHistory(source.path)
  // Chunk by chunk: a long history is never one string.
  await writeFile(dest, exportText(history, 'jsonl'))
  return history.measurements.length
}
