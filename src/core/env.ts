/**
 * The process environment as every reader takes it: a plain read-only map,
 * so tests pass their own and nothing reads `process.env` behind a caller.
 */

/** Environment variables by name. */
export type Env = Readonly<Record<string, string | undefined>>
