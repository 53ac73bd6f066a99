/**
 * Typed errors. Every error stackci raises on purpose is a {@link StackciError}
 * that says whose move it is (`user`: change an input, a file, a flag;
 * `system`: a service or the machine misbehaved) and, where it can, where the
 * problem is and what to do about it.
 *
 * Only the doors (actions, CLI, bridge) turn these into exit codes, `setFailed`
 * or HTTP statuses; library code throws and lets them pass.
 */

/** Whose move it is to fix the problem. */
export type ErrorKind = 'user' | 'system'

/** Where a problem is. All parts are optional; format with {@link formatWhere}. */
export interface Where {
  /** A file path as the user gave it (never made absolute behind their back). */
  file?: string
  /** 1-based line. */
  line?: number
  /** 1-based column. */
  column?: number
  /** A key path inside a document, e.g. `threshold.unit` or `$.measurements[3].value`. */
  path?: string
  /** A URL, with any credentials already removed. */
  url?: string
}

/** One problem found while validating input; errors may carry many. */
export interface Problem {
  where: Where
  message: string
  hint?: string
}

export interface StackciErrorOptions {
  where?: Where
  hint?: string
  cause?: unknown
  problems?: Problem[]
}

/** Base class of every error stackci throws on purpose. */
export abstract class StackciError extends Error {
  abstract readonly kind: ErrorKind
  readonly where: Where | undefined
  readonly hint: string | undefined
  /** Every problem found, when validation collected more than one. */
  readonly problems: Problem[]

  constructor(message: string, options: StackciErrorOptions = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause })
    this.name = new.target.name
    this.where = options.where
    this.hint = options.hint
    this.problems = options.problems ?? []
  }

  /** The full human-readable text: location, message, every problem, hint. */
  describe(): string {
    const lines: string[] = []
    const where = formatWhere(this.where)
    // `stackci.yml has 2 problems`, not `stackci.yml: stackci.yml has …`.
    const named = where === '' || this.message.startsWith(where)
    lines.push(named ? this.message : `${where}: ${this.message}`)
    for (const p of this.problems) lines.push(`  ${formatProblem(p)}`)
    if (this.hint !== undefined) lines.push(`hint: ${this.hint}`)
    return lines.join('\n')
  }
}

/** The user must change something: an input, a file, a flag. */
export abstract class UserError extends StackciError {
  readonly kind = 'user'
}

/** `stackci.yml`, environment or other configuration is wrong. */
export class ConfigError extends UserError {}

/** A CLI flag or action input is wrong. */
export class InputError extends UserError {}

/** A metric definition or specification file is wrong. */
export class SpecError extends UserError {}

/** A unit string is unknown, or two units cannot be compared. */
export class UnitError extends UserError {}

/** A verify job file is malformed. */
export class JobError extends UserError {}

/** A network call failed (after any retries). */
export class HttpError extends StackciError {
  readonly kind = 'system'
  readonly status: number | undefined

  constructor(
    message: string,
    options: StackciErrorOptions & { status?: number } = {}
  ) {
    super(message, options)
    this.status = options.status
  }
}

/** A service or the machine misbehaved. */
export abstract class SystemError extends StackciError {
  readonly kind = 'system'
}

/** An operation ran out of time. */
export class TimeoutError extends SystemError {}

/** A Jenkins call or build failed. */
export class JenkinsError extends HttpError {}

/** The Docker engine refused or failed. */
export class DockerError extends SystemError {}

/** A metric store failed. */
export class StoreError extends SystemError {}

/** Renders a {@link Where} as `file:line:col (path) url`, or '' when empty. */
export function formatWhere(where: Where | undefined): string {
  if (where === undefined) return ''
  const parts: string[] = []
  if (where.file !== undefined) {
    let loc = where.file
    if (where.line !== undefined) {
      loc += `:${where.line}`
      if (where.column !== undefined) loc += `:${where.column}`
    }
    parts.push(loc)
  }
  if (where.path !== undefined && where.path !== '') {
    parts.push(where.file === undefined ? where.path : `(${where.path})`)
  }
  if (where.url !== undefined) parts.push(where.url)
  return parts.join(' ')
}

/** Renders one {@link Problem} as a single line (hint after a dash). */
export function formatProblem(problem: Problem): string {
  const where = formatWhere(problem.where)
  const text = where ? `${where}: ${problem.message}` : problem.message
  return problem.hint === undefined ? text : `${text} (${problem.hint})`
}

/** The message of anything thrown: errors, strings, objects, undefined. */
export function errorMessage(error: unknown): string {
  if (error instanceof StackciError) return error.describe()
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  if (error === undefined || error === null) return `unknown error (${error})`
  try {
    return JSON.stringify(error)
  } catch {
    return Object.prototype.toString.call(error)
  }
}

/** True when the user (not the machine) must change something. */
export function isUserError(error: unknown): boolean {
  return error instanceof StackciError && error.kind === 'user'
}

/** Wraps anything thrown into an `Error`, keeping the original as `cause`. */
export function toError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new Error(errorMessage(error), { cause: error })
}
