/**
 * The built-in `verify-yaml` linter: loads a metrics package (metrics/ and
 * specs/) through src/verify exactly as the verify step will, and turns each
 * problem into a finding at its file:line. Problems that stop the package
 * from loading are errors; what lsst.verify accepts but a user likely wants
 * to know (duplicate names, …) are warnings.
 */

import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { SpecError, type Problem } from '../core/errors.js'
import { loadDefinitions } from '../verify/definitions.js'
import type { Finding, Severity } from './finding.js'
import type { VerifyYamlLinter } from './linters.js'
import type { LinterRun } from './runner.js'
import { resolveSeverity, type SeverityRules } from './severity.js'

/** Codes of verify-yaml findings (so they count, and take severity rules). */
export const VERIFY_YAML_CODES = {
  syntax: 'yaml-syntax',
  invalid: 'spec-invalid',
  warning: 'spec-warning'
} as const

function toFinding(
  p: Problem,
  root: string,
  linter: string,
  severity: Severity,
  user: SeverityRules
): Finding {
  const file = p.where.file ?? ''
  const rel = isAbsolute(file) ? relative(root, file) : file
  const code =
    severity === 'warning'
      ? VERIFY_YAML_CODES.warning
      : p.message.startsWith('YAML syntax error')
        ? VERIFY_YAML_CODES.syntax
        : VERIFY_YAML_CODES.invalid
  const where = p.where.path === undefined ? '' : ` (at ${p.where.path})`
  // Messages name other files by the path they were read from; show them
  // relative to the root like the finding's own file.
  const message = p.message.split(`${root}${sep}`).join('')
  const hint = p.hint === undefined ? '' : `; ${p.hint}`
  const finding: Finding = {
    linter,
    file: rel.replace(/\\/g, '/'),
    line: p.where.line ?? 0,
    code,
    message: `${message}${where}${hint}`,
    severity: resolveSeverity(code, severity, user, new Map())
  }
  if (p.where.column !== undefined) finding.column = p.where.column
  return finding
}

/**
 * Lints the metrics package at `linter.definitions` (relative to `root`).
 * A directory that is not a metrics package at all is an input error.
 */
export async function runVerifyYamlLinter(
  linter: VerifyYamlLinter,
  options: { root: string; severity?: SeverityRules }
): Promise<LinterRun> {
  const started = Date.now()
  const root = resolve(options.root)
  const dir = join(root, linter.definitions)
  const user = options.severity ?? new Map()
  const findings: Finding[] = []
  try {
    const defs = await loadDefinitions(dir)
    for (const w of defs.warnings)
      findings.push(toFinding(w, root, linter.name, 'warning', user))
  } catch (error) {
    // A SpecError without problems is "not a metrics package": bad input.
    if (!(error instanceof SpecError) || error.problems.length === 0)
      throw error
    for (const p of error.problems)
      findings.push(toFinding(p, root, linter.name, 'error', user))
  }
  return {
    linter: linter.name,
    command: [linter.name, linter.definitions],
    exitCode: findings.some((f) => f.severity === 'error') ? 1 : 0,
    durationMs: Date.now() - started,
    findings,
    unparsed: 0,
    unparsedSample: [],
    stderr: ''
  }
}
