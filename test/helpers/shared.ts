import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The real data the tests read, carried by the repository itself under
 * `test/fixtures/` (each upstream copy with its licence and a SOURCE.md
 * naming the upstream commit), so a clone with nothing beside it passes.
 */
export function fixturesDir(): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
  for (const part of ['verify_metrics', 'recorded']) {
    if (!existsSync(join(dir, part)))
      throw new Error(
        `test fixtures missing: ${join(dir, part)} (a partial checkout?)`
      )
  }
  return dir
}

/** The real LSST verify_metrics package (metrics/ and specs/, GPL-3.0). */
export function verifyMetricsDir(): string {
  return join(fixturesDir(), 'verify_metrics')
}

/** Recorded Jenkins and GitHub responses: `recordedDir('jenkins', …)`. */
export function recordedDir(...parts: string[]): string {
  return join(fixturesDir(), 'recorded', ...parts)
}
