import { join } from 'node:path'

/** The fixtures the repository carries (test/fixtures), from the repo root. */
export function fixturesDir(): string {
  return join(process.cwd(), 'test', 'fixtures')
}
