/**
 * `stackci.yml`: loading, validation against the schema, and reporting of
 * every problem at once with file:line. Loading is a pure function of the
 * text; {@link readStackciConfig} adds the file read.
 */

import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { LineCounter, parseDocument } from 'yaml'
import { ConfigError } from './errors.js'
import type { Problem } from './errors.js'
import {
  SchemaContext,
  array,
  boolean,
  duration,
  formatPath,
  listOrOne,
  literal,
  number,
  object,
  optional,
  record,
  required,
  string,
  url
} from './schema.js'
import type { Infer, Schema, SchemaProblem } from './schema.js'
import { locateYamlPath } from './yaml.js'

/** The `verify:` section: where the metric definitions and jobs are. */
export const verifySectionSchema = object({
  /** A directory holding `metrics/` and `specs/` (the verify_metrics layout). */
  definitions: required(string({ nonEmpty: true })),
  /** Globs of verify job files, relative to the config file. */
  jobs: optional(listOrOne(string({ nonEmpty: true }))),
  /** Only evaluate specifications carrying all of these tags. */
  tags: optional(listOrOne(string({ nonEmpty: true })))
})

const envName = string({
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  patternHint: 'the name of an environment variable, like INFLUXDB_PASSWORD'
})
const tags = listOrOne(string({ nonEmpty: true }))

/**
 * The `metrics:` section: where measurements are stored (several stores at
 * once), how they are compared with history and gated, who is told.
 * Credentials are never written here: only the names of the environment
 * variables holding them.
 */
export const metricsSectionSchema = object({
  /** Metric definitions (default: verify.definitions). */
  definitions: optional(string({ nonEmpty: true })),
  /** Globs of job files (default: verify.jobs). */
  jobs: optional(listOrOne(string({ nonEmpty: true }))),
  /** Where failed sends wait for `stackci metrics replay`. */
  spool: optional(string({ nonEmpty: true })),
  stores: optional(
    object({
      sqlite: optional(object({ path: required(string({ nonEmpty: true })) })),
      influxdb: optional(
        object({
          url: required(url()),
          database: required(string({ nonEmpty: true })),
          'retention-policy': optional(string({ nonEmpty: true })),
          precision: optional(literal('n', 'u', 'ms', 's', 'm', 'h')),
          'username-env': optional(envName),
          'password-env': optional(envName),
          'batch-size': optional(
            number({ integer: true, min: 1, max: 100_000 })
          ),
          concurrency: optional(number({ integer: true, min: 1, max: 16 })),
          'create-database': optional(boolean()),
          'tag-keys': optional(tags),
          timeout: optional(duration())
        })
      ),
      squash: optional(
        object({
          url: required(url()),
          'user-env': optional(envName),
          'password-env': optional(envName),
          timeout: optional(duration())
        })
      )
    })
  ),
  /** The store history is read from (default: sqlite if set, else influxdb). */
  history: optional(literal('sqlite', 'influxdb')),
  gate: optional(
    object({
      fail: optional(tags),
      warn: optional(tags),
      regressions: optional(literal('fail', 'warn', 'ignore'))
    })
  ),
  baseline: optional(
    object({
      series: optional(string({ nonEmpty: true })),
      statistic: optional(literal('mad', 'iqr')),
      sigma: optional(number({ min: 0 })),
      window: optional(number({ integer: true, min: 1, max: 10_000 })),
      'min-samples': optional(number({ integer: true, min: 1 })),
      consecutive: optional(number({ integer: true, min: 1 })),
      'min-change': optional(number({ min: 0 })),
      lookback: optional(number({ integer: true, min: 1 })),
      directions: optional(record(literal('up', 'down', 'both'))),
      accept: optional(
        array(
          object({
            metric: required(string({ nonEmpty: true })),
            dataset: optional(string()),
            instrument: optional(string()),
            filter: optional(string()),
            series: optional(string()),
            since: required(
              string({
                pattern:
                  /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/,
                patternHint:
                  'a date (2026-11-27) or date-time (2026-11-27T06:00:00Z)'
              })
            ),
            reason: required(string({ nonEmpty: true }))
          })
        )
      )
    })
  ),
  report: optional(
    object({
      'key-metrics': optional(tags),
      'trend-points': optional(number({ integer: true, min: 2, max: 500 }))
    })
  ),
  notify: optional(
    object({
      slack: optional(
        object({
          channel: required(string({ nonEmpty: true })),
          'token-env': optional(envName),
          on: optional(
            listOrOne(literal('failures', 'warnings', 'regressions'))
          )
        })
      ),
      'pr-comment': optional(boolean())
    })
  )
})

export type MetricsSection = Infer<typeof metricsSectionSchema>

/** The whole `stackci.yml`. Later steps add their sections here. */
export const stackciConfigSchema = object({
  version: required(literal(1)),
  verify: optional(verifySectionSchema),
  metrics: optional(metricsSectionSchema)
})

export type StackciConfig = Infer<typeof stackciConfigSchema> & {
  /** The directory relative paths in the file are resolved against. */
  baseDir: string
  /** The file it was read from. */
  file: string
}

/**
 * Validates any YAML document against `schema`, throwing one ConfigError
 * that lists every problem with file:line. Duplicate keys are problems too.
 */
export function loadYamlConfig<T>(
  text: string,
  file: string,
  schema: Schema<T>
): T {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true })
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0])
    return {
      where: { file, line: pos.line, column: pos.col },
      message: e.message.split('\n')[0] ?? e.message
    }
  })
  if (problems.length > 0) {
    throw new ConfigError(`${file} is not valid YAML`, {
      where: { file },
      problems,
      hint: 'fix the YAML syntax at the lines above'
    })
  }
  const value: unknown = doc.toJS({ maxAliasCount: 1000 })
  const ctx = new SchemaContext()
  const result = schema.validate(value ?? {}, [], ctx)
  if (result === undefined || ctx.problems.length > 0) {
    throw new ConfigError(
      `${file} has ${ctx.problems.length} problem${ctx.problems.length === 1 ? '' : 's'}`,
      {
        where: { file },
        problems: ctx.problems.map((p) => toProblem(text, file, p))
      }
    )
  }
  return result
}

/** Attaches file:line to a schema problem. */
export function toProblem(
  text: string,
  file: string,
  problem: SchemaProblem
): Problem {
  const pos = locateYamlPath(text, 0, problem.path, problem.atKey === true)
  const path = formatPath(problem.path)
  const out: Problem = {
    where: {
      file,
      ...(pos === undefined ? {} : { line: pos.line, column: pos.column }),
      ...(path === '' ? {} : { path })
    },
    message: problem.message
  }
  if (problem.hint !== undefined) out.hint = problem.hint
  return out
}

/** Parses and validates the text of a `stackci.yml`. */
export function loadStackciConfig(text: string, file: string): StackciConfig {
  const config = loadYamlConfig(text, file, stackciConfigSchema)
  return { ...config, file, baseDir: dirname(resolve(file)) }
}

/** Reads and validates a `stackci.yml` from disk. */
export async function readStackciConfig(file: string): Promise<StackciConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ConfigError(
      code === 'ENOENT'
        ? `${file} does not exist`
        : `cannot read ${file}: ${(error as Error).message}`,
      {
        where: { file },
        hint: 'pass the path of your stackci.yml, or create one (see docs/configuration.md)',
        cause: error
      }
    )
  }
  return loadStackciConfig(text, file)
}
