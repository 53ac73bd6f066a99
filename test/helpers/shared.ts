import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

/**
 * The shared fixtures directory (`../shared` next to the repository, as in
 * CI, or STACKCI_SHARED). Tests read the real data in place; a missing
 * directory fails the test loudly instead of skipping it.
 */
export function sharedDir(): string {
  const dir = resolve(
    process.env.STACKCI_SHARED ?? join(process.cwd(), '..', 'shared')
  )
  if (!existsSync(join(dir, 'fixtures'))) {
    throw new Error(
      `shared fixtures not found at ${dir}: clone the project next to its shared/ directory or set STACKCI_SHARED`
    )
  }
  return dir
}

/** The real LSST verify_metrics package (metrics/ and specs/). */
export function verifyMetricsDir(): string {
  return join(sharedDir(), 'fixtures', 'verify_metrics')
}
