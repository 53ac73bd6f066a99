/**
 * Loads better-sqlite3 at run time. It is a native module, so the action
 * bundles cannot carry it: the CLI finds it next to stackci, and the
 * `dispatch-metrics` action finds it in the workspace (after an
 * `npm install better-sqlite3@12` step). A missing or mismatched build is a
 * clear error naming the fix, not a stack trace.
 */

import { realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { StoreError } from '../core/errors.js'

export type SqliteDatabase = BetterSqlite3.Database
type DatabaseConstructor = typeof BetterSqlite3

let cached: DatabaseConstructor | undefined

/**
 * Where to look, in order: beside the running script, the cwd, the
 * workspace. The script is taken at its real path: `stackci` on the PATH is
 * usually a symlink (npm's `.bin/`, a global install, `npm link`), and
 * resolving from the link's folder would miss the package's own
 * node_modules.
 */
function bases(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = []
  const script = process.argv[1]
  if (script !== undefined) {
    try {
      out.push(realpathSync(script))
    } catch {
      out.push(script)
    }
  }
  out.push(join(process.cwd(), 'package.json'))
  if (env.GITHUB_WORKSPACE !== undefined && env.GITHUB_WORKSPACE !== '')
    out.push(join(env.GITHUB_WORKSPACE, 'package.json'))
  return out
}

/** The better-sqlite3 constructor; throws StoreError with the fix. */
export function sqliteDriver(
  env: NodeJS.ProcessEnv = process.env
): DatabaseConstructor {
  if (cached !== undefined) return cached
  // A computed name keeps bundlers from inlining the native module.
  const name = ['better', 'sqlite3'].join('-')
  for (const base of bases(env)) {
    let loaded: unknown
    try {
      loaded = createRequire(base)(name)
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      if (e.code === 'MODULE_NOT_FOUND' && e.message.includes(name)) continue
      throw new StoreError(`better-sqlite3 cannot be loaded: ${e.message}`, {
        hint: 'rebuild it for this Node.js version: npm rebuild better-sqlite3',
        cause: error
      })
    }
    cached = loaded as DatabaseConstructor
    return cached
  }
  throw new StoreError('the sqlite store needs the better-sqlite3 package', {
    hint: 'install it where stackci runs (npm install better-sqlite3@12, in the workspace for the action), or use the influxdb/squash stores'
  })
}
