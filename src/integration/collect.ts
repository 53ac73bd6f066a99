/**
 * Copies a stopped container's outputs out: the output directory comes back
 * from the engine as a tar stream (as `docker cp` gets it), and only the
 * regular files matching the output globs are written on the host, under
 * the dataset's results directory, read as they stream by. Files are owned
 * by whoever runs stackci, whatever user the container ran as. An output
 * directory bound from the host is read the same way, file by file.
 */

import type Docker from 'dockerode'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir } from 'node:fs/promises'
import { dirname, join, posix } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Reporter } from '../core/reporter.js'
import { globToRegExp } from '../core/glob.js'
import {
  engineCall,
  engineStatus,
  type DockerEngine
} from '../docker/client.js'

export interface CollectOptions {
  /** The output directory inside the container. */
  outputPath: string
  /** Checked globs, relative to the output directory. */
  patterns: readonly string[]
  /** Where the matched files go on the host. */
  destination: string
}

/** Host paths of the files copied out, sorted. */
export async function collectOutputs(
  engine: DockerEngine,
  container: Docker.Container,
  options: CollectOptions,
  reporter: Reporter
): Promise<string[]> {
  const matchers = options.patterns.map(globToRegExp)
  let archive: NodeJS.ReadableStream
  try {
    archive = await engineCall(
      engine,
      `copy ${options.outputPath} out of the container`,
      async (abortSignal) =>
        container.getArchive({ path: options.outputPath, abortSignal }),
      reporter
    )
  } catch (error) {
    // The command removed its own output directory: nothing to collect.
    if (engineStatus((error as Error).cause) === 404) return []
    throw error
  }
  const copied: string[] = []
  const { extract } = await import('tar-stream')
  const tar = extract()
  tar.on('entry', (header, body, next) => {
    // Entries are `<basename of outputPath>/<relative path>`.
    const rel = posix.normalize(header.name).split('/').slice(1).join('/')
    const wanted =
      rel !== '' &&
      !rel.split('/').includes('..') &&
      matchers.some((re) => re.test(rel))
    if (!wanted || header.type !== 'file') {
      if (wanted) {
        reporter.warning(
          `${rel}: a ${header.type}, not a regular file; not collected`
        )
      }
      body.on('end', next)
      body.resume()
      return
    }
    const target = join(options.destination, ...rel.split('/'))
    mkdir(dirname(target), { recursive: true })
      .then(async () => pipeline(body, createWriteStream(target)))
      .then(
        () => {
          copied.push(target)
          next()
        },
        (error: unknown) => {
          next(error as Error)
        }
      )
  })
  await pipeline(archive, tar)
  return copied.sort()
}

/**
 * The files matching `patterns` under `source`, a host directory the
 * container wrote (see `ContainerSpec.outputDir`), copied to `destination`
 * as by {@link collectOutputs}: regular files only (a link could point
 * anywhere on the host), new files owned by whoever runs stackci. Host
 * paths of the copies, sorted.
 */
export async function collectOutputDir(
  source: string,
  options: Omit<CollectOptions, 'outputPath'>,
  reporter: Reporter
): Promise<string[]> {
  const matchers = options.patterns.map(globToRegExp)
  const copied: string[] = []
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(source, rel), {
      withFileTypes: true
    })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) await walk(path)
      else if (!matchers.some((re) => re.test(path))) continue
      else if (!entry.isFile())
        reporter.warning(`${path}: not a regular file; not collected`)
      else {
        const target = join(options.destination, ...path.split('/'))
        await mkdir(dirname(target), { recursive: true })
        await pipeline(
          createReadStream(join(source, path)),
          createWriteStream(target)
        )
        copied.push(target)
      }
    }
  }
  await walk('')
  return copied.sort()
}
