/**
 * The build context as a tar stream, made the way `docker build` makes it
 * (see `context-walk.ts` for what goes in): owners set to root, modes kept,
 * symlinks and hard links kept as links. Entries are read and written one
 * at a time under the consumer's back-pressure, so memory stays flat
 * whatever the context holds; nothing is buffered whole.
 */

import { closeSync, openSync, readFileSync, readSync } from 'node:fs'
import { readFile, readlink } from 'node:fs/promises'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import type { Header, Pack } from 'tar-stream'
import { InputError, errorMessage } from '../core/errors.js'
import {
  entryType,
  hardLink,
  plan,
  walk,
  type ContextOptions,
  type Plan
} from './context-walk.js'

export { listContext } from './context-walk.js'
export type { ContextEntry, ContextOptions } from './context-walk.js'

export interface ContextStats {
  files: number
  directories: number
  bytes: number
}

export interface PackedContext {
  /** The tar stream to send. */
  stream: Readable
  /** The Dockerfile's name inside the tar, for the build API. */
  dockerfile: string
  /** Counts so far (final once `done` resolves). */
  stats: ContextStats
  /** Resolves when the whole tar is written; rejects with the packing error. */
  done: Promise<void>
}

/** A tar header as tar-stream takes it. */
type TarHeader = Partial<Header> & Pick<Header, 'name'>

/** Files up to this size are read in one call rather than streamed. */
const SMALL_FILE = 1 << 20
/** Large files go out in pieces of this size. */
const CHUNK = 1 << 20

async function addEntry(
  tar: Pack,
  header: TarHeader,
  body?: Buffer
): Promise<void> {
  return new Promise((done, fail) => {
    const cb = (error?: Error | null): void => {
      if (error) fail(error)
      else done()
    }
    if (body === undefined) tar.entry(header, cb)
    else tar.entry(header, body, cb)
  })
}

async function addFile(
  tar: Pack,
  header: TarHeader,
  path: string,
  size: number
): Promise<void> {
  if (size <= SMALL_FILE) {
    const body = readFileSync(path)
    if (body.length !== size) throw changed(path)
    await addEntry(tar, header, body)
    return
  }
  let sink: ReturnType<Pack['entry']> | undefined
  const finished = new Promise<void>((done, fail) => {
    sink = tar.entry(header, (error) => {
      if (error) fail(error)
      else done()
    })
  })
  const writer = sink as NonNullable<typeof sink>
  const fd = openSync(path, 'r')
  try {
    let sent = 0
    while (sent < size) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, size - sent))
      const n = readSync(fd, chunk, 0, chunk.length, sent)
      if (n === 0) break
      sent += n
      if (!writer.write(n === chunk.length ? chunk : chunk.subarray(0, n)))
        await once(writer, 'drain')
    }
    if (sent !== size) writer.destroy(changed(path))
    else writer.end(undefined)
  } finally {
    closeSync(fd)
  }
  await finished
}

function changed(path: string): Error {
  return new InputError(
    `build context file ${path} changed while it was being sent`,
    {
      hint: 'stop whatever writes into the context during the build'
    }
  )
}

async function writeContext(
  tar: Pack,
  p: Plan,
  stats: ContextStats
): Promise<void> {
  const links = new Map<string, string>()
  let ignoreSeen = false
  const extraIgnore = p.outside === undefined ? '' : `\n${p.dockerfile}\n`
  for await (const f of walk(p.root, p.matcher)) {
    const type = entryType(f.stat)
    if (type === undefined) continue
    const header: TarHeader = {
      name: f.name,
      mode: f.stat.mode & 0o7777,
      mtime: f.stat.mtime,
      uid: 0,
      gid: 0,
      type
    }
    if (type === 'directory') {
      stats.directories++
      await addEntry(tar, header)
    } else if (type === 'symlink') {
      await addEntry(tar, { ...header, linkname: await readlink(f.path) })
    } else if (type === 'fifo') {
      await addEntry(tar, header)
    } else {
      stats.files++
      const link = hardLink(links, f)
      if (link !== undefined) {
        await addEntry(tar, { ...header, type: 'link', linkname: link })
      } else if (f.name === '.dockerignore' && extraIgnore !== '') {
        ignoreSeen = true
        const body = Buffer.concat([
          await readFile(f.path),
          Buffer.from(extraIgnore)
        ])
        await addEntry(tar, { ...header, size: body.length }, body)
      } else {
        await addFile(
          tar,
          { ...header, size: f.stat.size },
          f.path,
          f.stat.size
        )
        stats.bytes += f.stat.size
      }
    }
  }
  if (p.outside !== undefined) {
    const mtime = new Date()
    const body = await readFile(p.outside)
    await addEntry(
      tar,
      { name: p.dockerfile, mode: 0o600, mtime, size: body.length },
      body
    )
    if (!ignoreSeen) {
      const text = Buffer.from(`.dockerignore${extraIgnore}`)
      await addEntry(
        tar,
        { name: '.dockerignore', mode: 0o600, mtime, size: text.length },
        text
      )
    }
  }
}

/**
 * Starts packing the context; the returned stream is written as it is
 * read. A file that cannot be read fails `done` and destroys the stream.
 */
export async function packContext(
  options: ContextOptions
): Promise<PackedContext> {
  const p = await plan(options)
  // Loaded when first needed: a step that fails on its inputs never pays.
  const { pack: tarPack } = await import('tar-stream')
  const tar = tarPack()
  const stats: ContextStats = { files: 0, directories: 0, bytes: 0 }
  const done = writeContext(tar, p, stats).then(
    () => {
      tar.finalize()
    },
    (error: unknown) => {
      const wrapped =
        error instanceof InputError
          ? error
          : new InputError(
              `cannot send the build context: ${errorMessage(error)}`,
              {
                hint: 'fix the file permissions, or list the file in .dockerignore'
              }
            )
      tar.destroy(wrapped)
      throw wrapped
    }
  )
  // The caller reports `done`; keep an unobserved rejection from crashing.
  done.catch(() => undefined)
  // A Node stream for the HTTP client; pulling from it drives the packing.
  const stream = Readable.from(tar, { objectMode: false })
  stream.on('close', () => {
    if (!tar.destroyed) tar.destroy()
  })
  return { stream, dockerfile: p.dockerfile, stats, done }
}
