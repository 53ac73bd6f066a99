/**
 * `meta.packages` from a file: a JSON object (name → {git_sha, git_url,
 * git_branch, eups_version}), or an lsstsw `build/manifest.txt` (lines
 * `name sha eups_version [deps]`, a `BUILD=bNNNN` line, `#` comments), as
 * dispatch_verify reads it.
 */

import { readFile } from 'node:fs/promises'
import { InputError } from '../core/errors.js'

export type Packages = Record<string, Record<string, unknown>>

/** Parses the text of a packages file (see the module comment). */
export function parsePackages(text: string, file: string): Packages {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    let doc: unknown
    try {
      doc = JSON.parse(trimmed)
    } catch (error) {
      throw new InputError(
        `${file} is not valid JSON: ${(error as Error).message}`,
        {
          where: { file }
        }
      )
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new InputError(`${file} must hold a JSON object of packages`, {
        where: { file }
      })
    }
    return doc as Packages
  }
  const out: Packages = {}
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('BUILD=')) return
    const [name, sha, version] = line.split(/\s+/)
    if (name === undefined || sha === undefined || version === undefined) {
      throw new InputError(
        `${file}:${i + 1}: expected "name sha eups_version [deps]", got ${JSON.stringify(line)}`,
        {
          where: { file, line: i + 1 },
          hint: 'give an lsstsw build/manifest.txt or a JSON object of packages'
        }
      )
    }
    out[name] = {
      name,
      git_sha: sha,
      eups_version: version,
      git_url: null,
      git_branch: null
    }
  })
  return out
}

export async function readPackages(file: string): Promise<Packages> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(
      `cannot read the packages file ${file}: ${(error as Error).message}`,
      {
        where: { file }
      }
    )
  }
  return parsePackages(text, file)
}
