import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** `../shared` next to the repository (CI has it too); loud when missing. */
export function sharedDir(): string {
  const dir = resolve(process.env.STACKCI_SHARED ?? join(process.cwd(), '..', 'shared'))
  if (!existsSync(join(dir, 'fixtures'))) {
    throw new Error(`shared fixtures not found at ${dir} (set STACKCI_SHARED to the shared/ directory)`)
  }
  return dir
}
