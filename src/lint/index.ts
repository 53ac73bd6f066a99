/** Linters and their findings: run, parse, filter to changed lines, report, ratchet. */

export {
  codeKey,
  compare,
  compareFindings,
  countCodes,
  countSeverities,
  formatFinding,
  formatLocation,
  LintError,
  SEVERITIES,
  type Finding,
  type RawFinding,
  type Severity,
  type SeverityCounts
} from './finding.js'
export {
  matchSeverity,
  parseSeverityRules,
  PYLINT_SEVERITIES,
  PYTHON_SEVERITIES,
  resolveSeverity,
  type SeverityRules
} from './severity.js'
export { cleanLine, formatNamed, FORMATS, type Format } from './formats.js'
export {
  parseLinter,
  parseLinters,
  splitCommand,
  VERIFY_YAML,
  type CommandLinter,
  type Linter,
  type VerifyYamlLinter
} from './linters.js'
export {
  runCommandLinter,
  type LinterRun,
  type RunLinterOptions
} from './runner.js'
export { runVerifyYamlLinter, VERIFY_YAML_CODES } from './verify-yaml.js'
export {
  changedLines,
  filterChanged,
  git,
  isChanged,
  parseUnifiedDiff,
  unquoteGitPath,
  WHOLE_FILE,
  WHOLE_FILE_CODES,
  type ChangedLines
} from './changed-lines.js'
export { resolveBase, type BaseChoice } from './base.js'
export {
  annotateFindings,
  ANNOTATIONS_PER_KIND,
  totalOf,
  type AnnotationTally
} from './annotate.js'
export {
  escapeCell,
  lintSummary,
  SUMMARY_ROWS,
  type LintSummaryOptions
} from './summary.js'
export {
  lintCounts,
  lintReport,
  lintReportText,
  writeLintReport,
  type LintReportJson
} from './report.js'
export {
  LINT_PACKAGE,
  lintMetricsJob,
  violationsMetric,
  writeLintMetricsJob,
  type LinterCounts
} from './metrics-job.js'
export {
  FAIL_ON,
  lintFails,
  runLint,
  type FailOn,
  type LinterResult,
  type LintOptions,
  type LintResult
} from './run-lint.js'
export {
  lintCountsLine,
  lintFailure,
  lintInputsFromAction,
  lintInputsFromConfig,
  lintInputsFromFlags,
  lintOptions,
  lintOutputs,
  readLintInputs,
  runLintStep,
  type LintDeps,
  type LintInputs
} from './step.js'
