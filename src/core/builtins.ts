/**
 * Node built-ins that are costly to load, loaded when first used.
 *
 * An action's bundle initialises every module it holds before its first log
 * line, and a top-level `import … from 'node:crypto'` loads the ciphers and
 * the whole stream machinery with it (about 5 ms, an eighth of Node's own
 * start-up); `node:child_process` and `node:http` cost as much again. Code
 * that needs one calls these at the point of use instead
 * (`process.getBuiltinModule` is synchronous and cached by Node).
 */

export const nodeCrypto = (): typeof import('node:crypto') =>
  process.getBuiltinModule('node:crypto')

export const nodeChildProcess = (): typeof import('node:child_process') =>
  process.getBuiltinModule('node:child_process')

/** HTTP reason phrases (`404` → `Not Found`) without loading `node:http` up front. */
export const statusText = (status: number): string | undefined =>
  process.getBuiltinModule('node:http').STATUS_CODES[status]
