/**
 * The checks and parsers for a dataset run's settings: memory and CPU
 * limits as the docker CLI writes them, networks, paths inside the
 * container and output globs. Each error names the flag or input (`what`)
 * and the bad value, and is raised before any container exists.
 */

import { posix } from 'node:path'
import { InputError } from '../core/errors.js'

/** The engine refuses memory limits below 6 MiB. */
export const MIN_MEMORY = 6 * 1024 * 1024

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4
}

/**
 * `512m`, `2g`, `1.5GiB`, `268435456` (bytes): binary multiples, as
 * `docker run --memory` reads them. Returns bytes.
 */
export function parseMemory(text: string, what = 'memory'): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim())
  const unit = MEMORY_UNITS[(match?.[2] ?? '').toLowerCase()]
  if (match === null || unit === undefined) {
    throw new InputError(
      `${what} must be a size like 512m, 2g or 1.5GiB, got ${JSON.stringify(text)}`
    )
  }
  const bytes = Math.floor(Number(match[1]) * unit)
  if (bytes < MIN_MEMORY) {
    throw new InputError(
      `${what} ${JSON.stringify(text)} is below the engine's minimum of 6m`
    )
  }
  return bytes
}

/** `1.5` CPUs → a positive number with at most 2 decimals. */
export function parseCpus(text: string, what = 'cpus'): number {
  const value = text.trim()
  const n = Number(value)
  if (!/^\d*\.?\d+$/.test(value) || !(n >= 0.01)) {
    throw new InputError(
      `${what} must be a number of CPUs like 1, 2 or 0.5, got ${JSON.stringify(text)}`
    )
  }
  return n
}

/** `none` (the default), `bridge`, `host`, or a user-defined network. */
export function checkNetwork(name: string, what = 'network'): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new InputError(
      `${what} must be none, bridge, host or a network name, got ${JSON.stringify(name)}`
    )
  }
  return name
}

/** An absolute path inside the container, without `..`, not `/`. */
export function checkContainerPath(path: string, what: string): string {
  const clean = posix.normalize(path)
  if (
    !path.startsWith('/') ||
    clean === '/' ||
    path.split('/').includes('..') ||
    path.includes(':')
  ) {
    throw new InputError(
      `${what} must be an absolute directory inside the container other than /, without .. or :, got ${JSON.stringify(path)}`
    )
  }
  return clean.replace(/\/$/, '')
}

/**
 * Output globs, relative to the output directory. A pattern that is
 * absolute or climbs out of it with `..` could only match files that are
 * not outputs (or, through a bind mount, the host's), so it is refused.
 */
export function checkOutputPatterns(
  patterns: readonly string[],
  what = 'outputs'
): string[] {
  if (patterns.length === 0) {
    throw new InputError(`${what}: no output pattern given`, {
      hint: 'e.g. **/*.verify.json'
    })
  }
  return patterns.map((raw) => {
    const pattern = raw
      .trim()
      .replace(/\\/g, '/')
      .replace(/^(\.\/)+/, '')
    if (pattern === '') {
      throw new InputError(`${what}: an output pattern is empty`)
    }
    if (pattern.startsWith('/') || pattern.split('/').includes('..')) {
      throw new InputError(
        `${what}: ${JSON.stringify(raw)} escapes the output directory`,
        {
          hint: 'output patterns are relative to the output directory, e.g. **/*.verify.json; .. and absolute paths are not allowed'
        }
      )
    }
    return pattern
  })
}

/** The dataset mount point: `{dataset}` in `template` becomes the name. */
export function datasetMountPath(template: string, name: string): string {
  return template.replace(/\{dataset\}/g, name)
}

/** The optional memory and CPU limits; `what(name)` names each in errors. */
export function parseLimits(
  given: { memory?: string | undefined; cpus?: string | number | undefined },
  what: (name: 'memory' | 'cpus') => string
): { memory: number | undefined; cpus: number | undefined } {
  return {
    memory:
      given.memory === undefined
        ? undefined
        : parseMemory(given.memory, what('memory')),
    cpus:
      given.cpus === undefined
        ? undefined
        : parseCpus(String(given.cpus), what('cpus'))
  }
}
