/**
 * `stackci verify list` and `stackci verify check`: adapters over the
 * verify step (src/verify/step.ts). Inside a project with a stackci.yml
 * (or with --config), `verify:` gives the defaults and flags override it.
 */

import { formatOutcome, plural, TERMINAL_CAP } from '../core/format.js'
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { flagSource, StepInputs } from '../core/step-inputs.js'
import {
  definitionsFromFlags,
  formatJobText,
  jobReportEntry,
  loadDefinitions,
  runVerify,
  specToJson,
  verifyInputsFromFlags,
  verifySummary,
  warnDefinitions
} from '../verify/index.js'
import { EXIT, type CliContext } from './context.js'
import { projectConfig } from './project.js'

/** Splits `a,b` and repeated flags into one list. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
  ]
}

interface ListOptions {
  definitions?: string
  config?: string
  json?: boolean
  package?: string
  tags?: string[]
}

async function listCommand(
  ctx: CliContext,
  options: ListOptions
): Promise<void> {
  const dir = definitionsFromFlags(options, await projectConfig(options.config))
  const defs = await loadDefinitions(dir)
  warnDefinitions(defs, ctx.reporter)
  const inPackage = (name: string): boolean =>
    options.package === undefined || name.startsWith(`${options.package}.`)
  const tags = options.tags ?? []
  const metrics = [...defs.metrics.values()]
    .filter((m) => inPackage(m.name))
    .sort((a, b) => compare(a.name, b.name))
  const specs = [...defs.specs.values()]
    .filter((s) => inPackage(s.name) && tags.every((t) => s.tags.includes(t)))
    .sort((a, b) => compare(a.name, b.name))
  if (options.json === true) {
    await ctx.write(
      `${JSON.stringify({
        metrics: metrics.map((m) => ({
          name: m.name,
          unit: m.unit.name,
          description: m.description,
          tags: m.tags
        })),
        specifications: specs.map((s) => {
          const json = specToJson(s)
          return {
            name: s.name,
            metric: s.metricName,
            threshold: json.threshold,
            tags: s.tags,
            metadata_query: s.metadataQuery
          }
        }),
        partials: [...defs.partials.keys()].sort()
      })}\n`
    )
    return
  }
  const lines: string[] = []
  lines.push(
    `${metrics.length} metrics, ${specs.length} specifications, ${defs.partials.size} partials in ${dir}`,
    '',
    'Metrics:'
  )
  for (const m of metrics) {
    lines.push(
      `  ${m.name}  [${m.unit.name || 'dimensionless'}]  ${m.tags.join(', ')}`
    )
  }
  lines.push('', 'Specifications:')
  for (const s of specs) {
    const t = s.threshold
    const query = Object.entries(s.metadataQuery)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ')
    lines.push(
      `  ${s.name}  ${t.operator} ${t.value} ${t.unit.name}  [${s.tags.join(', ')}]${query ? `  ${query}` : ''}`
    )
  }
  await ctx.write(`${lines.join('\n')}\n`)
}

interface CheckCommandOptions {
  definitions?: string
  config?: string
  json?: boolean
  tags?: string[]
  jobsFrom?: string
  includeUnmeasured?: boolean
  strict?: boolean
  table?: boolean
  concurrency?: string
  report?: string
}

async function readJobList(file: string): Promise<string[]> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8')
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function checkCommand(
  ctx: CliContext,
  jobArgs: string[],
  options: CheckCommandOptions
): Promise<void> {
  const jobs = [...jobArgs]
  if (options.jobsFrom !== undefined)
    jobs.push(...(await readJobList(options.jobsFrom)))
  const config = await projectConfig(options.config)
  const inputs = verifyInputsFromFlags({ ...options, jobs }, config)
  const concurrency =
    new StepInputs(flagSource(options)).integer('concurrency', { min: 1 }) ?? 16
  const json = options.json === true
  let first = true
  const result = await runVerify(inputs, {
    reporter: ctx.reporter,
    concurrency,
    includeUnmeasured: options.includeUnmeasured === true,
    progressFrom: 50,
    ...(options.report === undefined ? {} : { reportFile: options.report }),
    onJob: async (outcome, total) => {
      if (json) {
        const entry = JSON.stringify(jobReportEntry(outcome))
        // Opened at the first job: bad definitions leave stdout empty.
        await ctx.write(`${first ? '{"jobs":[' : ','}\n${entry}`)
        first = false
      } else {
        // The whole table for a few jobs, the failing lines for many.
        await ctx.write(formatJobText(outcome, options.table ?? total <= 10))
      }
    }
  })
  const t = result.totals
  const counts = `${plural(t.jobs, 'job')}: ${formatOutcome(t)}${t.errors > 0 ? `, ${t.errors} unreadable` : ''}`
  if (json) {
    await ctx.write(t.jobs === 0 ? '{"jobs":[]}\n' : '\n]}\n')
    ctx.reporter.info(counts)
  } else {
    const rest = options.report ?? 'the lines above (or --report FILE)'
    await ctx.write(
      `\n${counts}\n\n${verifySummary(result, { cap: TERMINAL_CAP, rest, units: 'threshold' })}\n`
    )
  }
  await ctx.reporter.summary(verifySummary(result))
  if (t.errors > 0) ctx.exitCode = EXIT.error
  else if (!result.passed) ctx.exitCode = EXIT.failed
}

const CONFIG_FLAG = '--config <file>'
const CONFIG_HELP =
  'the stackci.yml whose verify: section gives the defaults (default: ./stackci.yml if present)'

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Adds `verify list` and `verify check` to the program. */
export function registerVerifyCommands(
  program: Command,
  ctx: CliContext
): void {
  const verify = program
    .command('verify')
    .description(
      'lsst.verify metrics and specifications: list them, check jobs against them'
    )

  verify
    .command('list')
    .description('list the metrics and specifications of a metrics package')
    .option(
      '--definitions <dir>',
      "directory holding metrics/ and specs/ (the verify_metrics layout; default: stackci.yml's verify.definitions)"
    )
    .option(CONFIG_FLAG, CONFIG_HELP)
    .option('--package <name>', 'only this package')
    .option(
      '--tags <tags>',
      'only specifications with all these tags (comma separated)',
      collectList
    )
    .option('--json', 'machine-readable output on stdout')
    .action(async (options: ListOptions) => {
      await listCommand(ctx, options)
    })

  verify
    .command('check')
    .description(
      'evaluate verify jobs against the specifications (exit 0 all pass, 1 any fails, 2 bad input)'
    )
    .argument(
      '[jobs...]',
      "verify job JSON files, directories of *.verify.json, or globs (default: stackci.yml's verify.jobs, else **/*.verify.json)"
    )
    .option(
      '--definitions <dir>',
      "directory holding metrics/ and specs/ (default: stackci.yml's verify.definitions)"
    )
    .option(CONFIG_FLAG, CONFIG_HELP)
    .option(
      '--tags <tags>',
      'only specifications with all these tags (comma separated)',
      collectList
    )
    .option(
      '--jobs-from <file>',
      'read job paths from a file, one per line (- for stdin)'
    )
    .option(
      '--include-unmeasured',
      'also list applicable specifications whose metric was not measured'
    )
    .option('--strict', 'a specification without a value fails too')
    .option(
      '--table',
      'print the full table for every job (default: only for 10 jobs or fewer)'
    )
    .option('--no-table', 'print only failing specifications')
    .option('--concurrency <n>', 'job files read at once', '16')
    .option('--report <file>', 'write the JSON report (as --json) here too')
    .option('--json', 'machine-readable output on stdout')
    .action(async (jobs: string[], options: CheckCommandOptions) => {
      await checkCommand(ctx, jobs, options)
    })
}
