/**
 * Datasets: a name and a host directory (`field_a=examples/stack/datasets/
 * field_a`), checked before any container runs, so a typo fails in a second
 * and names the dataset rather than after an image pull.
 */

import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { InputError, type Problem } from '../core/errors.js'
import { displayPath } from '../core/glob.js'

export interface Dataset {
  /** `field_a`: names the container, the log prefix, the results dir. */
  name: string
  /** The host directory, absolute. */
  path: string
}

/** Names safe in a container name, a label, a directory and a log prefix. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/**
 * Parses `NAME=PATH` entries; relative paths are resolved against `base`.
 * Every problem is reported at once; `what` names the flag or input.
 */
export function parseDatasets(
  entries: readonly string[],
  base: string,
  what: string
): Dataset[] {
  const problems: Problem[] = []
  const datasets: Dataset[] = []
  for (const entry of entries) {
    const at = entry.indexOf('=')
    const name = at === -1 ? '' : entry.slice(0, at).trim()
    const path = at === -1 ? '' : entry.slice(at + 1).trim()
    if (at === -1 || path === '') {
      problems.push({
        where: {},
        message: `${JSON.stringify(entry)} is not NAME=PATH`,
        hint: 'e.g. field_a=data/field_a'
      })
    } else if (!NAME.test(name)) {
      problems.push({
        where: {},
        message: `dataset name ${JSON.stringify(name)} may hold only letters, digits, _ . - (at most 64, not starting with _ . -)`
      })
    } else if (datasets.some((d) => d.name === name)) {
      problems.push({ where: {}, message: `dataset ${name} is given twice` })
    } else {
      datasets.push({
        name,
        path: isAbsolute(path) ? path : resolve(base, path)
      })
    }
  }
  if (entries.length === 0) {
    throw new InputError(`${what}: no dataset given`, {
      hint: 'give at least one NAME=PATH, e.g. field_a=data/field_a'
    })
  }
  if (problems.length > 0) {
    throw new InputError(`${what}: ${problems.length} bad dataset(s)`, {
      problems
    })
  }
  return datasets
}

/** Fails, naming every dataset whose directory is missing or not one. */
export async function checkDatasetPaths(
  datasets: readonly Dataset[]
): Promise<void> {
  const problems: Problem[] = []
  for (const d of datasets) {
    const shown = displayPath(d.path)
    const info = await stat(d.path).catch(() => undefined)
    if (info === undefined) {
      problems.push({
        where: { file: shown },
        message: `dataset ${d.name}: no such directory`,
        hint: 'check the path (relative paths start at the workspace), and that the dataset was checked out (git lfs pull?)'
      })
    } else if (!info.isDirectory()) {
      problems.push({
        where: { file: shown },
        message: `dataset ${d.name}: not a directory`
      })
    }
  }
  if (problems.length > 0) {
    throw new InputError(
      problems.length === 1
        ? (problems[0]?.message ?? '')
        : `${problems.length} datasets cannot be mounted`,
      problems.length === 1
        ? {
            where: problems[0]?.where ?? {},
            ...(problems[0]?.hint === undefined
              ? {}
              : { hint: problems[0].hint })
          }
        : { problems }
    )
  }
}

/** What names the option that lifts {@link confineDatasets}, per door. */
export const OUTSIDE_WORKSPACE_HINT =
  'put the data inside the workspace, or allow it explicitly: the allow-outside-workspace input, --allow-outside-workspace, or integration.allow-outside-workspace in stackci.yml'

/**
 * The datasets with their real paths (symlinks resolved), each checked to
 * lie inside the real path of `workspace`: a dataset given as `../..` or as
 * a link to `/etc` or `/var/run` is refused, naming it, before anything is
 * mounted. The real path is what gets mounted, so a link swapped after the
 * check changes nothing. Call after {@link checkDatasetPaths}.
 */
export async function confineDatasets(
  datasets: readonly Dataset[],
  workspace: string
): Promise<Dataset[]> {
  const root = await realpath(workspace)
  const problems: Problem[] = []
  const confined: Dataset[] = []
  for (const d of datasets) {
    const real = await realpath(d.path)
    const rel = relative(root, real)
    if (rel.startsWith('..') || isAbsolute(rel)) {
      // The message names the path: no `where` to repeat it.
      problems.push({
        where: {},
        message: `dataset ${d.name}: ${d.path}${real === d.path ? '' : ` (really ${real})`} is outside the workspace ${root}`,
        hint: OUTSIDE_WORKSPACE_HINT
      })
    }
    confined.push({ name: d.name, path: real })
  }
  if (problems.length > 0) {
    const [first] = problems
    throw new InputError(
      problems.length === 1 && first !== undefined
        ? first.message
        : `${problems.length} datasets are outside the workspace ${root}`,
      problems.length === 1
        ? { hint: OUTSIDE_WORKSPACE_HINT }
        : { problems, hint: OUTSIDE_WORKSPACE_HINT }
    )
  }
  return confined
}
