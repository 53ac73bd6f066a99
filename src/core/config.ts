/**
 * `stackci.yml`: loading, validation against the schema, and reporting of
 * every problem at once with file:line. Loading is a pure function of the
 * text; {@link readStackciConfig} adds the file read.
 */

import { plural } from './format.js'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { alertsSectionSchema } from './alerts-schema.js'
import { jsyaml } from './js-yaml.js'
import { ConfigError } from './errors.js'
import {
  SchemaContext,
  array,
  boolean,
  duration,
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
import type { Infer, Schema } from './schema.js'
import { asYamlSyntaxError, toProblem, YamlSyntaxError } from './yaml.js'
import { notebooksSectionSchema } from './notebook-config.js'

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
      ),
      sasquatch: optional(
        object({
          url: required(url()),
          namespace: optional(
            string({
              pattern: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/,
              patternHint: 'an Avro namespace, like lsst.verify.drp'
            })
          ),
          dataset: optional(string({ nonEmpty: true })),
          'token-env': optional(envName),
          timeout: optional(duration())
        })
      ),
      /** The history as files on a data branch of a git repository. */
      git: optional(
        object({
          /** Default: this repository on Actions (GITHUB_SERVER_URL/GITHUB_REPOSITORY). */
          url: optional(string({ nonEmpty: true })),
          /** Default stackci-metrics. */
          branch: optional(string({ nonEmpty: true })),
          /** The token for HTTP(S) remotes (default GITHUB_TOKEN). */
          'token-env': optional(envName),
          /** The local cache of the branch (default .stackci/git). */
          cache: optional(string({ nonEmpty: true }))
        })
      )
    })
  ),
  /** The store history is read from (default: sqlite if set, else influxdb). */
  history: optional(literal('sqlite', 'influxdb', 'git')),
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

/**
 * A scalar written as YAML likes it (`PRODUCTS: lsst_distrib`, `NCPU: 4`,
 * `DEBUG: true`) kept as the text a process sees.
 */
function scalarText(): Schema<string> {
  return {
    description: 'a string, number or boolean',
    validate(value, path, ctx) {
      if (typeof value === 'string') return value
      if (typeof value === 'number' && Number.isFinite(value))
        return String(value)
      if (typeof value === 'boolean') return String(value)
      ctx.report({
        path,
        message: `must be a string, number or boolean, got ${Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value}`
      })
      return undefined
    }
  }
}

const nonEmpty = string({ nonEmpty: true })
const textMap = record(scalarText())

/** The steps a profile can run, in the order they always run. */
export const PIPELINE_STEPS = [
  'lint',
  'jenkins-build',
  'stack-image',
  'integration',
  'verify',
  'dispatch-metrics',
  'report',
  'notebook',
  'promote'
] as const
export type PipelineStepName = (typeof PIPELINE_STEPS)[number]

/** The profiles every workflow knows; a file may define others. */
export const STANDARD_PROFILES = [
  'pr',
  'daily',
  'weekly',
  'stable',
  'local'
] as const

const releaseKind = literal('daily', 'weekly', 'release', 'rc', 'pr', 'sha')
const buildResult = literal(
  'SUCCESS',
  'UNSTABLE',
  'FAILURE',
  'NOT_BUILT',
  'ABORTED'
)
const storeName = literal('sqlite', 'influxdb', 'squash', 'sasquatch', 'git')

/** `registry:` — where images go, and the names of its credentials. */
export const registrySectionSchema = object({
  /** `host[:port]/path`, e.g. ghcr.io/lsst/scipipe. */
  repository: required(nonEmpty),
  'username-env': optional(envName),
  'password-env': optional(envName)
})

/** `jenkins:` — the server, its credentials and the job each profile runs. */
export const jenkinsSectionSchema = object({
  /** No URL: the jenkins-build step is skipped, saying so. */
  url: optional(url()),
  'user-env': optional(envName),
  'token-env': optional(envName),
  /** The job per profile (`pr: stack-os-matrix`, `weekly: release/weekly-release`). */
  jobs: optional(record(nonEmpty)),
  /** Parameters every build gets. */
  parameters: optional(textMap),
  /** The parameter carrying the run id (default STACKCI_RUN_ID). */
  'run-id-parameter': optional(envName),
  timeout: optional(duration()),
  'stream-log': optional(boolean()),
  'fail-on': optional(listOrOne(buildResult)),
  /** Artifacts downloaded into the run directory after the build (`manifest.txt`). */
  artifacts: optional(listOrOne(nonEmpty))
})

/** `slack:` — the channel the run's message and thread go to. */
export const slackSectionSchema = object({
  channel: required(nonEmpty),
  'token-env': optional(envName),
  /** The Web API base (default https://slack.com/api/). */
  'api-url': optional(url())
})

/** `github:` — the check run named after the run, and the API to reach. */
export const githubSectionSchema = object({
  'token-env': optional(envName),
  /** The REST API base (default GITHUB_API_URL, else https://api.github.com). */
  'api-url': optional(url()),
  /** Create a check run per pipeline run on the commit (default true). */
  checks: optional(boolean())
})

/** `lint:` — the linters the lint step runs. */
export const lintSectionSchema = object({
  /** `NAME`, `NAME: COMMAND` or `NAME[FORMAT]: COMMAND` (default flake8). */
  linters: optional(listOrOne(nonEmpty)),
  paths: optional(listOrOne(nonEmpty)),
  'only-changed': optional(boolean()),
  'base-ref': optional(nonEmpty),
  'fail-on': optional(literal('error', 'warning', 'never')),
  timeout: optional(duration())
})

/** `image:` — how the stack image is built and tagged. */
export const imageSectionSchema = object({
  context: required(nonEmpty),
  dockerfile: optional(nonEmpty),
  /** Image tag templates: `{tag}`, `{git}`, `{timestamp}` (default `{tag}`). */
  'tag-template': optional(listOrOne(nonEmpty)),
  'build-args': optional(textMap),
  /** Build args taken from environment variables when they are set (`BASE_IMAGE: STACKCI_PYTHON_IMAGE`). */
  'build-args-env': optional(record(envName)),
  labels: optional(textMap),
  target: optional(nonEmpty),
  'no-cache': optional(boolean()),
  'time-zone': optional(nonEmpty),
  timeout: optional(duration())
})

/** `integration:` — the datasets run in the image, and how. */
export const integrationSectionSchema = object({
  /** Dataset name → directory (relative to this file). */
  datasets: required(record(nonEmpty)),
  /** The argv (`{dataset_dir}`, `{output_dir}`, `{dataset}` placeholders). */
  command: optional(listOrOne(scalarText())),
  shell: optional(boolean()),
  outputs: optional(listOrOne(nonEmpty)),
  timeout: optional(duration()),
  /** Bytes, or `512m`, `2g`. */
  memory: optional(scalarText()),
  cpus: optional(number({ min: 0.01, max: 1024 })),
  network: optional(nonEmpty),
  user: optional(nonEmpty),
  workdir: optional(nonEmpty),
  env: optional(textMap),
  'dataset-path': optional(nonEmpty),
  'output-path': optional(nonEmpty),
  parallel: optional(number({ integer: true, min: 1, max: 64 })),
  /** Where collected files go (default .stackci/integration/<run id>). */
  'results-dir': optional(nonEmpty),
  /** Mount datasets whose real path lies outside this file's directory. */
  'allow-outside-workspace': optional(boolean())
})

/** `report:` — the static HTML report of the store's history. */
export const reportSectionSchema = object({
  /** Default .stackci/report.html. */
  out: optional(nonEmpty),
  title: optional(nonEmpty),
  /** Publish each report to a Pages branch (one page per profile + an index). */
  publish: optional(
    object({
      /** Default: this repository on Actions. */
      url: optional(nonEmpty),
      /** Default gh-pages. */
      branch: optional(nonEmpty),
      /** Where the branch is served (default https://OWNER.github.io/REPO/ on github.com). */
      'site-url': optional(url()),
      /** Reports kept per profile (default 50). */
      keep: optional(number({ integer: true, min: 1, max: 10_000 })),
      'token-env': optional(envName),
      /** The profiles whose report step publishes (default every one). */
      profiles: optional(listOrOne(nonEmpty))
    })
  )
})

/** One profile: which steps run, and how they differ from the shared settings. */
export const profileSchema = object({
  description: optional(string()),
  steps: required(array(literal(...PIPELINE_STEPS))),
  /** Stop at the first failed step (default) or run the rest anyway. */
  'on-failure': optional(literal('stop', 'continue')),
  /** The release kind the image is tagged by (default per profile name). */
  kind: optional(releaseKind),
  /** The Jenkins job (default jenkins.jobs[profile]). */
  'jenkins-job': optional(nonEmpty),
  'jenkins-parameters': optional(textMap),
  /** Push the image (default: true when a registry is configured). */
  push: optional(boolean()),
  /** Only these datasets (default every one). */
  datasets: optional(listOrOne(nonEmpty)),
  /** Only these of metrics.stores (default every configured one). */
  stores: optional(listOrOne(storeName)),
  /** Slack alerts on excursions and regressions (default true where slack is set). */
  alerts: optional(boolean()),
  /** The run's Slack thread and GitHub check run (default true). */
  notify: optional(boolean()),
  /** The history series the measurements join (default derived from the tag). */
  series: optional(nonEmpty),
  /** Overrides metrics.gate.regressions for this profile (`fail` on a PR). */
  regressions: optional(literal('fail', 'warn', 'ignore'))
})

export type ProfileSection = Infer<typeof profileSchema>

/** The whole `stackci.yml`. */
export const stackciConfigSchema = object({
  version: required(literal(1)),
  /** The profile `stackci run` uses without --profile (default local). */
  'default-profile': optional(nonEmpty),
  registry: optional(registrySectionSchema),
  jenkins: optional(jenkinsSectionSchema),
  slack: optional(slackSectionSchema),
  github: optional(githubSectionSchema),
  lint: optional(lintSectionSchema),
  image: optional(imageSectionSchema),
  integration: optional(integrationSectionSchema),
  verify: optional(verifySectionSchema),
  metrics: optional(metricsSectionSchema),
  report: optional(reportSectionSchema),
  /** Standing alert rules over the store (see docs/alerts.md). */
  alerts: optional(alertsSectionSchema),
  notebooks: optional(notebooksSectionSchema),
  profiles: optional(record(profileSchema))
})

/** The section a step needs, when it needs one. */
const STEP_SECTIONS: Partial<Record<PipelineStepName, string>> = {
  'stack-image': 'image',
  promote: 'image',
  integration: 'integration',
  verify: 'verify',
  notebook: 'notebooks'
}

/** Steps that need another step of the same profile: step, needs, why, hint. */
const STEP_NEEDS: readonly (readonly [
  PipelineStepName,
  PipelineStepName,
  string,
  string
])[] = [
  [
    'integration',
    'stack-image',
    'runs in the image stack-image builds',
    'add stack-image before integration'
  ],
  [
    'promote',
    'stack-image',
    'publishes the candidate stack-image pushes',
    'add stack-image, or use `stackci image promote` on its own'
  ]
]

/**
 * What the schema cannot see: a profile's steps need their sections, its
 * datasets and stores must exist, integration needs an image to run in.
 */
function checkStackciConfig(
  config: Infer<typeof stackciConfigSchema>,
  ctx: SchemaContext
): void {
  const profiles = config.profiles ?? {}
  for (const [name, profile] of Object.entries(profiles)) {
    const at = (...rest: (string | number)[]): (string | number)[] => [
      'profiles',
      name,
      ...rest
    ]
    profile.steps.forEach((step, i) => {
      const section = STEP_SECTIONS[step]
      if (
        section !== undefined &&
        (config as Record<string, unknown>)[section] === undefined
      ) {
        ctx.report({
          path: at('steps', i),
          message: `step ${step} needs the ${section}: section, and there is none`,
          hint: `add ${section}: (see docs/configuration.md) or drop ${step} from this profile`
        })
      }
      if (profile.steps.indexOf(step) !== i) {
        ctx.report({ path: at('steps', i), message: `${step} is listed twice` })
      }
    })
    for (const [step, needs, why, hint] of STEP_NEEDS) {
      if (profile.steps.includes(step) && !profile.steps.includes(needs)) {
        ctx.report({
          path: at('steps'),
          message: `${step} ${why}, and ${needs} is not a step here`,
          hint
        })
      }
    }
    const datasets = Object.keys(config.integration?.datasets ?? {})
    profile.datasets?.forEach((d, i) => {
      if (!datasets.includes(d)) {
        ctx.report({
          path: at('datasets', i),
          message: `unknown dataset ${JSON.stringify(d)}`,
          hint:
            datasets.length === 0
              ? 'integration.datasets defines none'
              : `integration.datasets has ${datasets.join(', ')}`
        })
      }
    })
    const stores = Object.keys(config.metrics?.stores ?? {})
    profile.stores?.forEach((s, i) => {
      if (!stores.includes(s) && s !== 'sqlite') {
        ctx.report({
          path: at('stores', i),
          message: `store ${s} is not configured under metrics.stores`
        })
      }
    })
  }
  const fallback = config['default-profile']
  if (fallback !== undefined && !(fallback in profiles)) {
    ctx.report({
      path: ['default-profile'],
      message: `no profile named ${JSON.stringify(fallback)}`,
      hint: `profiles: ${Object.keys(profiles).join(', ') || 'none defined'}`
    })
  }
}

export type StackciConfig = Infer<typeof stackciConfigSchema> & {
  /** The directory relative paths in the file are resolved against. */
  baseDir: string
  /** The file it was read from. */
  file: string
}

/**
 * The YAML 1.2 core schema (`yes` is a string, `2026-11-27` too), as a
 * config file means it. Bad syntax or a repeated key is a ConfigError at its
 * line: the parser stops at the first, so that is the one reported.
 */
function parseConfigYaml(text: string, file: string): unknown {
  const y = jsyaml()
  try {
    return y.load(text, { schema: y.CORE_SCHEMA, filename: file })
  } catch (error) {
    const syntax = asYamlSyntaxError(error)
    if (!(syntax instanceof YamlSyntaxError)) throw error
    throw new ConfigError(`${file} is not valid YAML`, {
      where: { file },
      problems: [
        {
          where: {
            file,
            ...(syntax.line === undefined ? {} : { line: syntax.line }),
            ...(syntax.column === undefined ? {} : { column: syntax.column })
          },
          message: syntax.message.startsWith('duplicated mapping key')
            ? 'duplicate key: map keys must be unique'
            : syntax.message
        }
      ],
      hint: 'fix the YAML syntax at the line above'
    })
  }
}

/**
 * Validates any YAML document against `schema`, throwing one ConfigError
 * that lists every problem with file:line. Duplicate keys are problems too.
 */
export function loadYamlConfig<T>(
  text: string,
  file: string,
  schema: Schema<T>,
  check?: (value: T, ctx: SchemaContext) => void
): T {
  const value = parseConfigYaml(text, file)
  const ctx = new SchemaContext()
  const result = schema.validate(value ?? {}, [], ctx)
  if (result !== undefined && ctx.problems.length === 0) check?.(result, ctx)
  if (result === undefined || ctx.problems.length > 0) {
    throw new ConfigError(
      `${file} has ${plural(ctx.problems.length, 'problem')}`,
      {
        where: { file },
        problems: ctx.problems.map((p) => toProblem(text, file, p))
      }
    )
  }
  return result
}

/** Parses and validates the text of a `stackci.yml`. */
export function loadStackciConfig(text: string, file: string): StackciConfig {
  const config = loadYamlConfig(
    text,
    file,
    stackciConfigSchema,
    checkStackciConfig
  )
  return { ...config, file, baseDir: dirname(resolve(file)) }
}

/** Reads and validates a `stackci.yml` from disk. */
// Async for its callers (a bad file is a rejection), though it reads sync.
// eslint-disable-next-line @typescript-eslint/require-await
export async function readStackciConfig(file: string): Promise<StackciConfig> {
  let text: string
  try {
    // Sync: a few KB, and the first thing a run does (no fs/promises to
    // load before the run can say what it will do).
    text = readFileSync(file, 'utf8')
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
