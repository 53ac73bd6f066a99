/**
 * The build context as a tar stream, made the way `docker build` makes it:
 * the directory walked in name order, `.dockerignore` applied with the CLI's
 * rules (an excluded directory is skipped unless an exception pattern starts
 * with its path), the Dockerfile and `.dockerignore` re-included for the
 * daemon (which drops them again when ignored), owners set to root, symlinks
 * kept as links, hard links as links. Entries are read and written one at a
 * time under the consumer's back-pressure, so memory stays flat whatever the
 * context holds; nothing is buffered whole.
 */

import { randomBytes } from 'node:crypto'
import {
  closeSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
  readFileSync,
  type Stats
} from 'node:fs'
import { lstat, readFile, readlink } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { pack as tarPack, type Header, type Pack } from 'tar-stream'
import { InputError, errorMessage } from '../core/errors.js'
import {
  parseDockerignore,
  PatternMatcher,
  type MatchInfo
} from './dockerignore.js'

export interface ContextOptions {
  /** The context directory. */
  dir: string
  /** The Dockerfile (absolute, or relative to the working directory). */
  dockerfile?: string | undefined
}

/** What the walk decided, for listings and tests. */
export interface ContextEntry {
  /** Slash-separated path inside the context. */
  name: string
  type: 'file' | 'directory' | 'symlink' | 'link' | 'fifo'
  size: number
}

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

/**
 * Files up to this size are read in one call rather than streamed. Reads
 * and stats are synchronous: from the page cache they take microseconds,
 * while a round trip through libuv's thread pool per call left the packer
 * waiting most of the time (about 3× slower on 20,000 files).
 */
const SMALL_FILE = 1 << 20
/** Large files go out in pieces of this size. */
const CHUNK = 1 << 20

interface Plan {
  root: string
  matcher: PatternMatcher
  /** The Dockerfile's name in the context (maybe a random one). */
  dockerfile: string
  /** A Dockerfile from outside the context: read and added at the end. */
  outside?: string
}

async function plan(options: ContextOptions): Promise<Plan> {
  const root = resolve(options.dir)
  const rootStat = await lstat(root).catch(() => undefined)
  if (rootStat?.isDirectory() !== true) {
    throw new InputError(`build context ${options.dir} is not a directory`, {
      hint: 'give the directory that holds the files the Dockerfile copies'
    })
  }
  const dockerfilePath = resolve(options.dockerfile ?? join(root, 'Dockerfile'))
  const dfStat = await lstat(dockerfilePath).catch(() => undefined)
  if (dfStat === undefined || dfStat.isDirectory()) {
    throw new InputError(
      `Dockerfile ${options.dockerfile ?? join(options.dir, 'Dockerfile')} not found`,
      {
        hint: 'pass its path with --file (action input dockerfile)'
      }
    )
  }
  const ignoreText = await readFile(join(root, '.dockerignore'), 'utf8').catch(
    (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
      throw error
    }
  )
  const patterns = parseDockerignore(ignoreText).map((l) => l.pattern)
  const rel = relative(root, dockerfilePath)
  const inside = rel !== '' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
  let matcher: PatternMatcher
  try {
    matcher = new PatternMatcher(patterns)
  } catch (error) {
    throw new InputError(
      `${join(options.dir, '.dockerignore')}: ${errorMessage(error)}`
    )
  }
  if (!inside) {
    // As the CLI: the Dockerfile travels under a random name that the
    // .dockerignore it sends also lists, so the daemon drops it again.
    const name = `.dockerfile.${randomBytes(10).toString('hex')}`
    return { root, matcher, dockerfile: name, outside: dockerfilePath }
  }
  const dockerfile = rel.split(sep).join('/')
  // TrimBuildFilesFromExcludes: keep what the daemon needs to read.
  const extra: string[] = []
  if (matcher.legacyMatch('.dockerignore')) extra.push('!.dockerignore')
  if (matcher.legacyMatch(dockerfile)) extra.push(`!${dockerfile}`)
  if (extra.length > 0) matcher = new PatternMatcher([...patterns, ...extra])
  return { root, matcher, dockerfile }
}

interface Found {
  name: string
  path: string
  stat: Stats
}

/** Walks the context in the CLI's order, yielding what it would send. */
async function* walk(
  root: string,
  matcher: PatternMatcher,
  dir = '',
  parent?: MatchInfo
): AsyncGenerator<Found> {
  const names = readdirSync(join(root, dir)).sort(compareBytes)
  for (const base of names) {
    const name = dir === '' ? base : `${dir}/${base}`
    const path = join(root, name)
    const stat = lstatSync(path)
    const { excluded, info } = matcher.match(name, parent)
    if (excluded) {
      if (stat.isDirectory() && matcher.mustDescend(name)) {
        yield* walk(root, matcher, name, info)
      }
      continue
    }
    yield { name, path, stat }
    if (stat.isDirectory()) yield* walk(root, matcher, name, info)
  }
}

/** Go sorts directory entries by bytes; so do we. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function entryType(stat: Stats): ContextEntry['type'] | undefined {
  if (stat.isFile()) return 'file'
  if (stat.isDirectory()) return 'directory'
  if (stat.isSymbolicLink()) return 'symlink'
  if (stat.isFIFO()) return 'fifo'
  return undefined // sockets and devices are not sent
}

/** The entries `docker build` would send for this context, in order. */
export async function listContext(
  options: ContextOptions
): Promise<ContextEntry[]> {
  const p = await plan(options)
  const out: ContextEntry[] = []
  const links = new Map<string, string>()
  for await (const f of walk(p.root, p.matcher)) {
    const type = entryType(f.stat)
    if (type === undefined) continue
    const link = type === 'file' ? hardLink(links, f) : undefined
    out.push({
      name: f.name,
      type: link === undefined ? type : 'link',
      size: type === 'file' && link === undefined ? f.stat.size : 0
    })
  }
  if (p.outside !== undefined) {
    out.push({ name: p.dockerfile, type: 'file', size: 0 })
  }
  return out
}

/** The first name of a multiply-linked file, when this is a later one. */
function hardLink(seen: Map<string, string>, f: Found): string | undefined {
  if (f.stat.nlink < 2) return undefined
  const key = `${f.stat.dev}:${f.stat.ino}`
  const first = seen.get(key)
  if (first === undefined) seen.set(key, f.name)
  return first
}

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
